"""What a zoom journey or a dreamed video is asked to do, how much work each frame is and how long that
takes to say, as plain dataclasses and arithmetic with no torch: the app's server builds and estimates
them without loading the engine's torch code (``engine.motion.animate``), which imports them from here."""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Sequence

from engine.dreaming.settings import DreamSettings, octave_sizes


@dataclass
class ZoomSettings:
    legs: list[dict[str, float]]  # layers (name -> weight) per leg; the journey goes through them in order
    model: str = "lite0"
    frames: int = 36
    zoom: float = 1.04  # per frame; 1.0 = no zoom
    rotate: float = 0.0  # degrees per frame, counter-clockwise
    pan: tuple[float, float] = (0.0, 0.0)  # (right, down) per frame, as fractions of the width / height
    steps: int = 4  # per frame after the first
    first_octaves: int = 3  # the first frame is a full dream of the photo
    first_steps: int = 8  # per octave of the first frame
    step_size: float = 0.012
    jitter: int = 16
    tile: int = 1024  # no tiles up to 1024 px: faster where it fits in memory (README, Performance)
    seed: int = 0
    fps: float = 12.0

    def recipe(self) -> dict:
        return {"kind": "zoom", **asdict(self)}

    def leg_of(self, frame: int) -> int:
        return min(frame * len(self.legs) // max(self.frames, 1), len(self.legs) - 1)


@dataclass
class VideoSettings:
    layers: dict[str, float]
    model: str = "lite0"
    octaves: int = 2
    octave_scale: float = 1.5
    steps: int = 4  # per octave and frame
    step_size: float = 0.012
    jitter: int = 16
    tile: int = 1024  # no tiles up to 1024 px: faster where it fits in memory (README, Performance)
    seed: int = 0
    blend: float = 0.7  # share of the previous dreamed frame in each frame's start (0: every frame on its own)
    follow_motion: bool = True  # warp the previous dreamed frame by the optical flow before blending

    def recipe(self) -> dict:
        return {"kind": "video", **asdict(self)}


def _frame_work(height: int, width: int, octaves: int, scale: float, steps: int) -> float:
    """A frame's work in full-size steps (smaller octaves cost their share of the pixels)."""
    return sum(h * w for h, w in octave_sizes(height, width, octaves, scale)) / (height * width) * steps


def leg_settings(settings: ZoomSettings, leg: int, first: bool) -> DreamSettings:
    return DreamSettings(layers=dict(settings.legs[leg]), model=settings.model,
                         octaves=settings.first_octaves if first else 1,
                         steps=settings.first_steps if first else settings.steps,
                         step_size=settings.step_size, jitter=settings.jitter, tile=settings.tile,
                         seed=settings.seed)


def zoom_work(settings: ZoomSettings, height: int, width: int) -> list[float]:
    """Each frame's work in full-size steps."""
    first = _frame_work(height, width, settings.first_octaves, DreamSettings.octave_scale, settings.first_steps)
    return [first] + [float(settings.steps)] * (settings.frames - 1)


def video_dream_settings(settings: VideoSettings) -> DreamSettings:
    return DreamSettings(layers=dict(settings.layers), model=settings.model, octaves=settings.octaves,
                         octave_scale=settings.octave_scale, steps=settings.steps, step_size=settings.step_size,
                         jitter=settings.jitter, tile=settings.tile, seed=settings.seed)


def video_work(settings: VideoSettings, frames: int, height: int, width: int) -> list[float]:
    return [_frame_work(height, width, settings.octaves, settings.octave_scale, settings.steps)] * frames


def estimate_seconds(work: Sequence[float], step_seconds: float, overhead_per_frame: float = 0.05) -> float:
    """Total time for frames of ``work`` full-size steps each (flow, zoom and encoding included
    as a small per-frame overhead)."""
    return sum(work) * step_seconds + overhead_per_frame * len(work)


def describe_duration(seconds: float) -> str:
    if seconds < 90:
        return f"about {max(5, round(seconds / 5) * 5)} seconds"
    if seconds < 5400:
        return f"about {round(seconds / 60)} minutes"
    return f"about {seconds / 3600:.1f} hours"
