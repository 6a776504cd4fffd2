"""Style Transfer's settings: one description each (widgets, recipe, CLI flags, restores).

The paintings chosen and each one's share are no fields here: they are names of pictures (built in
or uploaded), read by ``dreamlab.studio.style_state``; ``Share`` describes a share's slider once.
"""
from __future__ import annotations

from typing import Literal

from pydantic import model_validator

from engine.catalog import MODELS, QUALITIES, STYLE_LAYERS
from engine.images.shapes import PRINT_LABELS, PRINT_SIZES

from dreamlab.settings import parts
from dreamlab.settings.fields import setting

QUALITY_LABELS = {"instant": "Instant", "fast": "Fast", "balanced": "Balanced", "best": "Best"}
# Instant (engine.style.instant): a feed-forward network paints in about a second, no steps. Its
# strength is another scale (0 = the photo's own style vector, 1 = the painting's), at home at 1.
INSTANT = "instant"
INSTANT_SIZE = 512
INSTANT_STRENGTH = 1.0
GATYS_STRENGTH = 0.5
QUALITY_CHOICES = (INSTANT, *QUALITIES)
QUALITY_CAPTIONS = {INSTANT: "about a second", **{q: f"{side} px" for q, (side, _, _) in QUALITIES.items()}}
BRUSHES = {"Fine": 0.6, "Medium": 1.0, "Large": 1.5, "Huge": 2.2}
PRINT_FROM = 1601  # a --size above the page's widest (1600 px, the dream's "Full size") is made as a print
PRINTS = ("screen", *PRINT_SIZES)  # "screen": the size in Advanced settings; else a print's long side


class Share(parts.Part):
    """How much of one painting goes into a blend of several."""
    share: int = setting(50, "How much of it", "This painting's share of the blend.", kind="slider", ge=0, le=100)


class Style(parts.Seeded, parts.Framing):
    """Paint a photo in the manner of one or more paintings."""
    painting_source: Literal["Built-in", "Upload"] = setting(  # type: ignore[valid-type]
        "Built-in", "Paintings", kind="segmented", cli=False)
    strength: float = setting(GATYS_STRENGTH, "Style strength", "Low: mostly your photo with a touch of paint. High: "
                              "mostly the painting.", kind="slider", ge=0.0, le=1.0, step=0.01, format="percent")
    brush: float = setting(1.0, "Brush size", "How large the painting's strokes and patterns come out: the "
                           "painting's scale against the photo's.", kind="select_slider", ge=0.1, le=4.0,
                           options=list(BRUSHES.values()), labels={v: k for k, v in BRUSHES.items()})
    keep_colors: bool = setting(False, "Keep my photo's colours", "Borrow only the painting's strokes and light, "
                                "not its colours.", kind="toggle")
    quality: Literal[QUALITY_CHOICES] = setting(  # type: ignore[valid-type]
        INSTANT, "Quality", "Instant: a quick network paints in about a second (then Refine it). Fast, "
        "Balanced or Best: a size and a number of steps, slower and more finished.", kind="radio",
        labels=QUALITY_LABELS, captions=QUALITY_CAPTIONS, cli=False)
    print_size: Literal[PRINTS] = setting(  # type: ignore[valid-type]
        "screen", "Print size", "A print: painted at the quality's size, then finished tile by tile at full "
        "size (strokes as fine as the print), its PNG at 300 dpi. Takes minutes.", kind="select", cli=False,
        labels={"screen": "For the screen (the quality's size)", **PRINT_LABELS})
    model: parts.ModelName = parts.network()  # type: ignore[valid-type]
    size: int = setting(QUALITIES["balanced"][0], "Size (longest side, px)", "The result's longest side.",
                        kind="number", ge=32, le=4096, ui=(64, 2048), step=32, unit="px", verb="paints at")
    steps: int = setting(QUALITIES["balanced"][1], "Steps at full size", "Each smaller scale gets twice as many. "
                         "More steps = more finished.", kind="slider", ge=1, le=1000, ui=(1, 200), unit="steps",
                         verb="takes")
    scales: int = setting(QUALITIES["balanced"][2], "Scales (coarse to fine)", "Solve small first, then enlarge "
                          "and refine: much faster for big pictures.", kind="slider", ge=1, le=8, ui=(1, 4))
    smoothing: float = setting(0.3, "Smoothing", "Irons out speckles; too much looks blurry.", kind="slider",
                               ge=0.0, le=1.0, step=0.05)
    init: Literal["content", "noise"] = setting("content", "Start from", "Where the painting starts: your "
                                                "photo, or random noise.", kind="radio",
                                                labels={"content": "My photo", "noise": "Random noise"})
    optimizer: Literal["lbfgs", "adam"] = setting("lbfgs", "Optimiser", "How each step is taken: L-BFGS "
                                                  "finishes sooner.", kind="radio",
                                                  labels={"lbfgs": "L-BFGS (best)", "adam": "Adam"})
    content_layers: dict[str, float] = parts.layers("Content layers (the photo's shapes)", weights=False,
                                                    default=lambda: dict(STYLE_LAYERS["lite0"]["content"]))
    style_layers: dict[str, float] = parts.layers("Style layers (the painting's texture)", weights=False,
                                                  default=lambda: dict(STYLE_LAYERS["lite0"]["style"]))

    @model_validator(mode="after")
    def _layers_of_the_network(self):
        spec = parts.get_spec(self.model)
        for name in [*self.content_layers, *self.style_layers]:
            spec.layer(name)
        return self

    @property
    def print_side(self) -> int:
        """A print's longest side (0: no print). The command line asks for one with ``--size`` above
        the largest quality's size (``PRINT_FROM``); the page with ``print_size``."""
        if self.print_size in PRINT_SIZES:
            return PRINT_SIZES[self.print_size]
        return self.size if self.size >= PRINT_FROM else 0

    @classmethod
    def defaults_for(cls, given: dict) -> dict:
        """The quality's size, steps, scales and strength, and the network's layers."""
        content, style = default_layers(given.get("model", parts.DEFAULT_MODEL))
        return {**quality_defaults(given.get("quality", INSTANT)), "content_layers": content, "style_layers": style}


def quality_defaults(quality) -> dict:
    """What choosing a quality sets: Gatys' size, steps and scales; Instant's size and its own strength
    (the steps and scales stay Balanced's: a Gatys quality chosen later sets its own)."""
    if quality == INSTANT:
        _, steps, scales = QUALITIES["balanced"]
        return {"size": INSTANT_SIZE, "steps": steps, "scales": scales, "strength": INSTANT_STRENGTH}
    size, steps, scales = QUALITIES.get(quality, QUALITIES["balanced"])
    return {"size": size, "steps": steps, "scales": scales, "strength": GATYS_STRENGTH}


def default_layers(model: str) -> tuple[dict[str, float], dict[str, float]]:
    """(content, style) layers a network starts from."""
    chosen = STYLE_LAYERS.get(model if isinstance(model, str) and model in MODELS else parts.DEFAULT_MODEL,
                             STYLE_LAYERS["lite0"])
    return dict(chosen["content"]), dict(chosen["style"])
