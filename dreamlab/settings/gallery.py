"""The Filter Gallery's settings (what the page shows), and one filter's picture (``dreamlab filter``).

A layer name is only valid for its network: a restored layer the network does not have becomes the
network's first choice (``FIRST_LAYER`` when it has it), never an error.
"""
from __future__ import annotations

from typing import Literal

from pydantic import model_validator

from engine.catalog import MODELS

from dreamlab.settings import parts
from dreamlab.settings.fields import setting

VIEWS = ("One layer", "Compare layers")
PER_PAGE = (16, 32, 64)
LARGE_SIZES = {"Large": 320, "Extra large": 512}  # the filter shown large, each at its own pixel size
FIRST_LAYER = "block8"  # what the layer picker shows first: patterns, neither too plain nor too busy
COMPARE_DEFAULT = ("block0", "block3", "block6", "block9", "block12", "block15")


def first_layer(model: str) -> str:
    names = MODELS[model].layer_names() if isinstance(model, str) and model in MODELS else MODELS[parts.DEFAULT_MODEL].layer_names()
    return FIRST_LAYER if FIRST_LAYER in names else names[0]


def compare_default(model: str) -> dict[str, float]:
    names = MODELS[model].layer_names() if isinstance(model, str) and model in MODELS else []
    chosen = [n for n in COMPARE_DEFAULT if n in names] or names[:: max(1, len(names) // 6)]
    return {n: 1.0 for n in chosen}


class Gallery(parts.Part):
    """What the Filter Gallery shows."""
    model: parts.ModelName = parts.network()  # type: ignore[valid-type]
    view: Literal[VIEWS] = setting("One layer", "View", "One layer's filters, or one filter of each layer "  # type: ignore[valid-type]
                                   "side by side.", kind="segmented")
    layer: str = setting(FIRST_LAYER, "Layer (low → high)", "Low layers see colours and edges; high layers see "
                         "parts of things and creatures.", kind="select")
    per_page: Literal[PER_PAGE] = setting(16, "Per page", "Filters on one page of the grid.",  # type: ignore[valid-type]
                                          kind="select")
    compare: dict[str, float] = parts.layers("Layers", weights=False, default=lambda: compare_default("lite0"))
    size: Literal[tuple(LARGE_SIZES)] = setting(  # type: ignore[valid-type]
        "Large", "Size", "Large: 320 px. Extra large: 512 px, shown across the whole panel. Both download at "
        "their full size.", kind="segmented")

    @model_validator(mode="after")
    def _layer_of_the_network(self):
        if self.layer not in MODELS[self.model].layer_names():
            self.layer = first_layer(self.model)
        return self

    @classmethod
    def defaults_for(cls, given: dict) -> dict:
        model = given.get("model", parts.DEFAULT_MODEL)
        return {"layer": first_layer(model), "compare": compare_default(model)}


class Filter(parts.Seeded):
    """One filter's picture, painted from noise (``dreamlab filter``)."""
    model: parts.ModelName = parts.network()  # type: ignore[valid-type]
    layer: str = setting(FIRST_LAYER, "Layer", "The layer the filter belongs to.", kind="select")
    channel: int = setting(0, "Filter", "The filter's number within its layer.", kind="number", ge=0, le=4095)
    size: int = setting(256, "Size (px)", "The picture's side.", kind="number", ge=16, le=2048, unit="px",
                        verb="paints at")
    steps: int = setting(64, "Steps", "More steps paint the filter more clearly and take longer.", kind="slider",
                         ge=1, le=2000, unit="steps", verb="takes")
    seamless: bool = setting(False, "Seamless tile", "The picture tiles without a seam (its shifts wrap around and "
                             "the network pads circularly).", kind="toggle")

    @model_validator(mode="after")
    def _a_filter_of_the_network(self):
        spec = parts.get_spec(self.model)
        count = spec.layer(self.layer).channels  # an unknown layer: a ValueError naming the layers there are
        if self.channel >= count:
            raise ValueError(f"layer '{self.layer}' has filters 0 to {count - 1}; there is no filter {self.channel}")
        return self
