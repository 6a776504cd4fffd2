"""The live mirror's engine: camera frames dreamed in real time, on the one ascent loop.

Every frame gets only ``steps`` (one or two) ascent steps, so one frame alone would barely dream.
What makes it deepen is the *warm start*: the previous frame's dream, as its difference from its own
frame (the ``detail``), is added to the new frame before the steps, so the dream builds up over the
frames and holds still where the scene holds still, instead of flickering. ``carry`` (< 1) fades old
detail a little every frame, which bounds how deep it gets.

The detail follows the scene (``follow_scene``): when the camera pans, the detail is moved with the
picture (the frame's shift from the one before, found by phase correlation), and wherever the picture
still changed after that move (something moved in the scene, or came into view) the old detail is
dropped, so the dream never leaves trails of what used to be there.

Frames that arrive while a frame is being dreamed are dropped (``LatestSlot``, ``run_live``): the
mirror shows the newest camera frame's dream, never a backlog.

Modes say what is amplified. A mode is registered in ``MODES`` under a name: an *ascent* mode gives
an objective for the loop ("dream": a preset's or a chosen layer's energy; "palette": a saved
palette), a *frame* mode gives a function frame -> picture that replaces the ascent (instant style:
``engine.motion.live_instant.register_instant_mode()``, called by the live worker).
"""
from __future__ import annotations

import functools
import threading
import time
from dataclasses import asdict, dataclass, field
from typing import Any, Callable, Optional

import numpy as np
import torch
import torch.nn.functional as F

from engine.ascent.loop import PixelCanvas, ascend
from engine.ascent.objectives import Objective
from engine.motion.latest import LatestSlot

SIZES = {"320x240": (320, 240), "480x360": (480, 360)}  # (width, height) the mirror dreams at
FrameFn = Callable[[torch.Tensor], torch.Tensor]  # [1, 3, H, W] in 0..1 -> the same


@dataclass
class LiveSettings:
    width: int = 320
    height: int = 240
    steps: int = 1  # ascent steps per frame (1 or 2 keep up with a camera on a CPU)
    step_size: float = 0.02  # the strength: how far one step moves the pixels
    carry: float = 0.9  # share of the previous frame's dream kept in the next start (0: every frame alone)
    jitter: int = 8
    smoothness: float = 1.0  # blur of each step in pixels (shapes rather than grain)
    seed: int = 0
    keep_rows: int = 0  # bottom rows passed through untouched (a frame counter for measuring latency)
    model: str = "lite0"
    follow: bool = True  # move the carried dream with the camera's pan, drop it where the scene changed

    def recipe(self) -> dict:
        return {"kind": "live", **asdict(self)}


@dataclass(frozen=True)
class Mode:
    title: str
    build: Callable[[Any, dict, torch.Tensor], Any]  # (net, params, first frame) -> Objective or FrameFn
    ascends: bool = True  # False: ``build`` gives a FrameFn used instead of the ascent


MODES: dict[str, Mode] = {}


def register_mode(name: str, mode: Mode) -> None:
    MODES[name] = mode


def _dream_build(net, params: dict, frame: torch.Tensor) -> Objective:
    from engine.dreaming.dream import DreamSettings, dream_objective
    layers = {str(k): float(v) for k, v in dict(params.get("layers") or {}).items()}
    if not layers:
        raise ValueError("choose a layer to dream with")
    return dream_objective(net, DreamSettings(layers=layers, model=net.spec.name), frame)


def _palette_build(net, params: dict, frame: torch.Tensor) -> Objective:
    from engine.dreaming.palette.data import as_palette
    from engine.dreaming.palette.objective import palette_objective
    palette = as_palette(params.get("filters") or [])
    if not any(f.weight for f in palette):
        raise ValueError("this palette has no filter with a weight")
    return palette_objective(net, palette, frame)


register_mode("dream", Mode("Dream", _dream_build))
register_mode("palette", Mode("Palette", _palette_build))


def frame_tensor(frame: np.ndarray, width: int, height: int, device) -> torch.Tensor:
    """A camera frame (H, W, 3 uint8) as [1, 3, height, width] in 0..1."""
    pixels = torch.from_numpy(np.array(frame[..., :3])).to(device)  # a copy: frames from a pipe are read-only
    pixels = pixels.permute(2, 0, 1).unsqueeze(0).float().div_(255.0)
    if tuple(pixels.shape[-2:]) != (height, width):
        pixels = F.interpolate(pixels, size=(height, width), mode="bilinear", align_corners=False, antialias=True)
    return pixels


def frame_array(pixels: torch.Tensor) -> np.ndarray:
    return (pixels[0].detach().float().clamp(0, 1) * 255 + 0.5).to(torch.uint8).permute(1, 2, 0).cpu().numpy()


class LiveDreamer:
    """Dreams a stream of frames, each starting from the frame plus the last dream's detail."""

    def __init__(self, net, settings: LiveSettings, mode: str = "dream", params: Optional[dict] = None):
        if mode not in MODES:
            raise ValueError(f"unknown live mode: {mode}")
        self.net, self.settings, self.mode, self.params = net, settings, MODES[mode], dict(params or {})
        self.generator = torch.Generator().manual_seed(settings.seed)
        self.detail: Optional[torch.Tensor] = None
        self.previous: Optional[torch.Tensor] = None  # the last frame, to see how the scene moved since
        self._made: Any = None  # the mode's objective or frame function, built on the first frame
        self.frames = 0
        self.timings: dict[str, float] = {}  # the last frame's stages, in ms (benchmarks/bench_live.py)

    def reset(self) -> None:
        """Forget the dream so far (the next frame starts from itself)."""
        self.detail = None
        self.previous = None

    def dream(self, frame: np.ndarray) -> np.ndarray:
        """The dream of ``frame`` (any size; the result has the settings' size), uint8 (H, W, 3)."""
        s, clock = self.settings, _Stopwatch()
        base = frame_tensor(frame, s.width, s.height, self.net.device)
        clock.lap("to tensor")
        if self._made is None:
            self._made = self.mode.build(self.net, self.params, base)
        if not self.mode.ascends:
            dreamed = self._made(base)
            clock.lap("frame mode")
        else:
            dreamed = self._ascend(base, clock)
        if s.keep_rows > 0:
            dreamed[..., -s.keep_rows:, :] = base[..., -s.keep_rows:, :]
        self.frames += 1
        picture = frame_array(dreamed)
        clock.lap("to uint8")
        self.timings = clock.laps
        return picture

    def _ascend(self, base: torch.Tensor, clock: "_Stopwatch") -> torch.Tensor:
        s = self.settings
        start = base
        if self.detail is not None:
            detail = follow_scene(self.detail, self.previous, base) if s.follow else self.detail
            start = (base + s.carry * detail).clamp_(0, 1)
        clock.lap("warm start")
        canvas = PixelCanvas(start, s.step_size, smoothness=s.smoothness)
        ascend(canvas, self.net, self._made, steps=s.steps, generator=self.generator, jitter=s.jitter)
        clock.lap("ascent")
        self.detail, self.previous = canvas.pixels - base, base
        return canvas.pixels


class _Stopwatch:
    """Milliseconds per named stage (CPU tensors: every op has finished when it returns)."""

    def __init__(self):
        self.laps: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps[name] = self.laps.get(name, 0.0) + (now - self._last) * 1000
        self._last = now


# --- the carried dream follows the scene ----------------------------------------------------------

MAX_SHIFT = 0.25  # larger shifts than this share of the frame are not a pan (a cut, a new scene)
# A change (0..1, per pixel, after the pan) below UNCHANGED keeps the old detail whole (a camera's noise,
# a slow zoom, a flicker of light); from there to CHANGED it fades, above CHANGED it is dropped.
UNCHANGED, CHANGED = 0.03, 0.15
MIN_PEAK = 0.04  # a phase-correlation peak weaker than this is no clear shift (treated as none)


def frame_shift(before: torch.Tensor, after: torch.Tensor) -> tuple[int, int]:
    """How far the picture moved from ``before`` to ``after`` ([1, 3, H, W]), as whole pixels (dy, dx):
    the peak of their phase correlation on half-size grey pictures (about a millisecond at 320x240).
    (0, 0) when there is no clear single shift."""
    grey_before, grey_after = (F.avg_pool2d(p.mean(1, keepdim=True), 2) for p in (before, after))
    height, width = grey_before.shape[-2:]
    window = _hann(height, width).to(grey_before.device)
    spectra = [torch.fft.rfft2((g[0, 0] - g.mean()) * window) for g in (grey_before, grey_after)]
    cross = spectra[1] * spectra[0].conj()
    correlation = torch.fft.irfft2(cross / (cross.abs() + 1e-9), s=(height, width))
    peak = int(correlation.argmax())
    if float(correlation.flatten()[peak]) < MIN_PEAK:
        return 0, 0
    dy, dx = divmod(peak, width)
    dy, dx = (dy - height if dy > height // 2 else dy), (dx - width if dx > width // 2 else dx)
    if abs(dy) > MAX_SHIFT * height or abs(dx) > MAX_SHIFT * width:
        return 0, 0
    return 2 * dy, 2 * dx


@functools.lru_cache(maxsize=4)
def _hann(height: int, width: int) -> torch.Tensor:
    """A 2-D Hann window: the frame's edges fade out, so they do not read as a shift of their own."""
    return torch.outer(torch.hann_window(height, periodic=False), torch.hann_window(width, periodic=False))


def shifted(pixels: torch.Tensor, dy: int, dx: int) -> tuple[torch.Tensor, torch.Tensor]:
    """``pixels`` moved by (dy, dx), and a [1, 1, H, W] mask of where the moved picture is known
    (what came into view is 0 there)."""
    height, width = pixels.shape[-2:]
    moved = torch.zeros_like(pixels)
    known = torch.zeros((1, 1, height, width), dtype=pixels.dtype, device=pixels.device)
    ys, yd = (slice(0, height - dy), slice(dy, height)) if dy >= 0 else (slice(-dy, height), slice(0, height + dy))
    xs, xd = (slice(0, width - dx), slice(dx, width)) if dx >= 0 else (slice(-dx, width), slice(0, width + dx))
    moved[..., yd, xd] = pixels[..., ys, xs]
    known[..., yd, xd] = 1.0
    return moved, known


def follow_scene(detail: torch.Tensor, before: Optional[torch.Tensor], after: torch.Tensor) -> torch.Tensor:
    """The last frame's dream ``detail`` made to fit the new frame ``after``: moved by the camera's pan
    since ``before``, and faded out wherever the picture still differs after that move (a moving hand,
    what came into view), so nothing of the old picture is painted over the new one."""
    if before is None or before.shape != after.shape:
        return torch.zeros_like(after)
    dy, dx = frame_shift(before, after)
    moved_detail, known = shifted(detail, dy, dx)
    moved_before, _ = shifted(before, dy, dx)
    change = F.avg_pool2d((after - moved_before).abs().mean(1, keepdim=True), 4, ceil_mode=True)  # regions, not pixel noise
    change = F.interpolate(change, size=after.shape[-2:], mode="bilinear", align_corners=False)
    keep = (1.0 - (change - UNCHANGED) / (CHANGED - UNCHANGED)).clamp_(0.0, 1.0) * known
    return moved_detail * keep


def warm_up(net, sizes=tuple(SIZES.values()), layer: Optional[str] = None) -> float:
    """Run two steps at each size once, so the first camera frames do not wait for the convolution
    library's preparations; through the network's top layer by default, so every stage any layer
    runs is prepared. Returns the seconds it took."""
    started = time.perf_counter()
    layer = layer or net.spec.layers[-1].name
    for width, height in sizes:
        dreamer = LiveDreamer(net, LiveSettings(width=width, height=height, steps=1), "dream", {"layers": {layer: 1.0}})
        frame = np.random.default_rng(0).integers(0, 256, (height, width, 3), dtype=np.uint8)
        dreamer.dream(frame)
        dreamer.dream(frame)
    return time.perf_counter() - started


@dataclass
class Stamped:
    """A frame and what travels with it: its number and when it arrived (time.monotonic())."""
    number: int
    frame: np.ndarray
    arrived: float = field(default_factory=time.monotonic)


def run_live(slot: LatestSlot, dreamer_for: Callable[[], Optional[LiveDreamer]],
             emit: Callable[[Stamped, np.ndarray, float], None], stop: threading.Event,
             poll_s: float = 0.2) -> None:
    """Dream the newest frame in ``slot`` until ``stop``; frames that came in meanwhile are dropped.

    ``dreamer_for()`` gives the dreamer for the current settings (None: wait), ``emit(stamped,
    dreamed, seconds)`` receives each result with the seconds its dream took."""
    while not stop.is_set():
        stamped = slot.take(timeout=poll_s)
        if stamped is None:
            continue
        dreamer = dreamer_for()
        if dreamer is None:
            continue
        started = time.perf_counter()
        dreamed = dreamer.dream(stamped.frame)
        emit(stamped, dreamed, time.perf_counter() - started)
