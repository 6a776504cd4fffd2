"""What a style transfer is asked to do, as a plain dataclass with no torch: the app's server builds it
without loading the engine's torch code (``engine.style.transfer``), which imports it from here."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Optional

from engine.catalog import STYLE_LAYERS

# Per-model default layers: {layer: weight}. Lite0's were chosen by looking at transfers of all
# built-in styles onto the sample photos (see python -m benchmarks.bench_style --layers).
DEFAULT_LAYERS = STYLE_LAYERS  # said once, in engine.catalog

INITS = ("content", "noise", "image")
OPTIMIZERS = ("lbfgs", "adam")
PRECISIONS = ("auto", "float", "half")


@dataclass
class StyleSettings:
    model: str = "lite0"
    size: int = 512  # longest side of the result, in pixels
    steps: int = 40  # optimiser steps at the full size; each coarser scale gets twice as many
    scales: int = 3  # coarse-to-fine: how many sizes, each half the next (1 = solve at full size only)
    strength: float = 0.5  # 0 = mostly the photo, 1 = mostly the painting
    brush: float = 1.0  # style scale: painting shown at this times the photo's size (bigger strokes > 1)
    smoothing: float = 0.3  # total-variation smoothing, 0 = none, 1 = strong
    keep_colors: bool = False  # transfer brightness only; keep the photo's colours
    init: str = "content"  # "content", "noise" or "image"
    optimizer: str = "lbfgs"  # "lbfgs" or "adam"
    content_layers: Optional[dict[str, float]] = None  # None = the model's defaults
    style_layers: Optional[dict[str, float]] = None
    precision: str = "auto"  # the model's own (engine/fast.py); "float" forces float32. Grams are float32
    seed: int = 0
    style_weights: list[float] = field(default_factory=list)  # filled in by stylize, for the recipe

    def validate(self) -> None:
        if self.size < 32:
            raise ValueError(f"size must be at least 32 px, got {self.size}")
        if self.steps < 1:
            raise ValueError(f"steps must be at least 1, got {self.steps}")
        if self.scales < 1:
            raise ValueError(f"scales must be at least 1, got {self.scales}")
        if not 0.0 <= self.strength <= 1.0:
            raise ValueError(f"strength must be between 0 and 1, got {self.strength}")
        if not 0.1 <= self.brush <= 4.0:
            raise ValueError(f"brush size must be between 0.1 and 4, got {self.brush}")
        if not 0.0 <= self.smoothing <= 1.0:
            raise ValueError(f"smoothing must be between 0 and 1, got {self.smoothing}")
        for name, value, choices in (("init", self.init, INITS), ("optimizer", self.optimizer, OPTIMIZERS),
                                     ("precision", self.precision, PRECISIONS)):
            if value not in choices:
                raise ValueError(f"unknown {name} '{value}' (choose from: {', '.join(choices)})")

    def layers(self) -> tuple[dict[str, float], dict[str, float]]:
        defaults = DEFAULT_LAYERS.get(self.model, DEFAULT_LAYERS["lite0"])
        return (dict(self.content_layers or defaults["content"]), dict(self.style_layers or defaults["style"]))

    def recipe(self) -> dict:
        content, style = self.layers()
        return {"kind": "style", **asdict(self), "content_layers": content, "style_layers": style}
