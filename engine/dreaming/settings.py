"""What a Deep Dream, a filter picture or the filter gallery is asked to do, as plain dataclasses with no
torch: the app's server builds them (and reads their defaults) without loading the engine's torch code,
which imports them from here."""
from __future__ import annotations

from dataclasses import asdict, dataclass

MIN_OCTAVE_SIDE = 64
DEFAULT_SMOOTHNESS = 1.5  # measured: about half the grain of 0 at the same gain (benchmarks/bench_quality.py)


@dataclass
class OctaveSchedule:
    """How a picture is dreamt on, octave by octave: Deep Dream's and the Hybrid Palette's on photos."""
    octaves: int = 4
    octave_scale: float = 1.5
    steps: int = 10  # per octave
    step_size: float = 0.015  # in [0, 1] pixel units, per normalised-gradient step
    jitter: int = 24
    tile: int = 1024  # no tiles up to 1024 px: faster where it fits in memory (README, Performance)
    seed: int = 0  # the random number: same seed + same settings = same picture
    smoothness: float = DEFAULT_SMOOTHNESS  # blur of each step in pixels; 0 = raw gradient (grainy)
    seamless: bool = False  # a tile: the picture is painted as a torus (engine.images.seamless)


@dataclass(kw_only=True)
class DreamSettings(OctaveSchedule):
    layers: dict[str, float]  # layer name -> weight
    model: str = "lite0"

    def recipe(self) -> dict:
        return {"kind": "dream", **asdict(self)}


def octave_sizes(height: int, width: int, octaves: int, scale: float) -> list[tuple[int, int]]:
    """Sizes from the smallest octave to the full picture; octaves too small to see are dropped."""
    sizes = []
    for k in reversed(range(max(1, octaves))):
        h, w = round(height / scale ** k), round(width / scale ** k)
        if min(h, w) >= MIN_OCTAVE_SIDE or k == 0:
            sizes.append((h, w))
    return sizes


RIVAL_WEIGHT = 0.5  # how strongly a picture also pushes the layer's other filters down


@dataclass
class FilterSettings:
    """How a filter's picture is painted from noise (which layer and filters is the caller's choice)."""
    size: int = 128  # side of the square picture
    steps: int = 64
    lr: float = 0.08  # the Fourier canvas's Adam step
    rival_weight: float = RIVAL_WEIGHT
    seed: int = 0
    seamless: bool = False  # a tile: shifts wrap around and the network pads circularly

    def recipe(self, model: str, layer: str, channel: int) -> dict:
        return {"kind": "filter", "model": model, "layer": layer, "channel": int(channel), **asdict(self)}


@dataclass(kw_only=True)
class GallerySettings(FilterSettings):
    """How the thumbnails are painted (``FilterSettings``), and how they are kept."""
    model: str = "lite0"
    columns: int = 16
    quality: int = 60  # WebP quality of the sheets (about 4.5 KB per 128 px picture)
    top_k: int = 3  # ImageNet classes kept per filter

    def render_key(self) -> dict:
        """What decides the pictures (a manifest built with other values is rebuilt)."""
        return {k: getattr(self, k) for k in ("model", "size", "steps", "lr", "rival_weight", "seed", "quality")}
