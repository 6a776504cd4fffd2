"""How a palette paints: the octave schedule on a photo, the canvas schedule otherwise, and the recipe."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from typing import Sequence, Union

from engine.dreaming.settings import OctaveSchedule
from engine.dreaming.palette.data import PaletteFilter
from engine.dreaming.palette.starts import Start

PHOTO_STEPS = 10  # per octave
CANVAS_STEPS = 64


def photo_schedule() -> OctaveSchedule:
    """The octave schedule palettes use on photos by default (gentler than Deep Dream's)."""
    # smoothed steps need little jitter, and the filters rise further with less (bench_quality.py)
    return OctaveSchedule(octaves=4, octave_scale=1.4, steps=PHOTO_STEPS, step_size=0.010, jitter=1, smoothness=1.0)


@dataclass
class CanvasSchedule:
    """How a palette paints on noise, a colour or a gradient: a square Fourier canvas."""
    size: int = 256  # side of the square picture
    steps: int = CANVAS_STEPS  # in all
    lr: float = 0.05  # the Fourier canvas's Adam step
    saturation: float = 2.0  # how far a step moves hue (the Filter Gallery's: 1): vivid, not pale
    contrast: float = 2.0  # how far a step moves brightness (the Filter Gallery's: 1)
    tile: int = 1024  # no tiles up to 1024 px: faster where it fits in memory (README, Performance)
    seed: int = 0  # the random number: same seed + same palette = same picture
    seamless: bool = False  # a tile: shifts wrap around and the network pads circularly


@dataclass
class PaletteSettings:
    """The model, and how to paint: ``photo`` on a photo, ``canvas`` on noise / colour / gradient."""
    model: str = "lite0"
    photo: OctaveSchedule = field(default_factory=photo_schedule)
    canvas: CanvasSchedule = field(default_factory=CanvasSchedule)

    def schedule(self, start: Start) -> Union[OctaveSchedule, CanvasSchedule]:
        return self.photo if start.kind == "photo" else self.canvas

    def made_seamless(self, seamless: bool = True) -> PaletteSettings:
        """A copy painting seamless tiles (or not), whatever the start."""
        return replace(self, photo=replace(self.photo, seamless=seamless),
                       canvas=replace(self.canvas, seamless=seamless))

    def reseeded(self, seed: int) -> PaletteSettings:
        """A copy painting with random seed ``seed``, whatever the start."""
        return replace(self, photo=replace(self.photo, seed=int(seed)), canvas=replace(self.canvas, seed=int(seed)))

    def recipe(self, start: Start, palettes: Sequence[Sequence[PaletteFilter]]) -> dict:
        return {"kind": "palette", "start": start.describe(), "model": self.model, **asdict(self.schedule(start)),
                "palettes": [[asdict(f) for f in palette] for palette in palettes]}


def shares(total: int, parts: int) -> list[int]:
    """``total`` steps split into ``parts`` nearly equal shares, each at least 1."""
    return [max(1, total * (k + 1) // parts - total * k // parts) for k in range(parts)]
