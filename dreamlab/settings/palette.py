"""The Hybrid Palette's settings (one description each), and its filters read safely from outside.

``Palette`` holds the page's knobs. The filters themselves (the palette, shared with the Filter
Gallery, and the journey's stops) are lists, read by ``read_filters``: a filter of an unknown network,
layer or number, or with no usable weight, is dropped with a note; a weight outside the slider's range
is clamped with a note; more filters than a palette holds refuses the whole list in one sentence.
``read_palette_file`` does the same for a saved palette (JSON).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Literal, Optional

from engine.catalog import MODELS
from engine.images.shapes import PRINT_LABELS, PRINT_SIZES

from dreamlab.settings import parts
from dreamlab.settings.fields import setting
from dreamlab.settings.reader import palette_refusal, read, read_json_text

STARTS = ("Photo", "Noise", "Colour", "Gradient")
START_LABELS = {"Photo": ":material/photo_camera: Photo", "Noise": ":material/grain: Noise",
                "Colour": ":material/format_color_fill: Colour", "Gradient": ":material/gradient: Gradient"}
PHOTO_SIZES = {"Small (fast)": 384, "Medium": 512, "Large": 800, "Full size (slow)": 1600,
               PRINT_LABELS["a4"]: PRINT_SIZES["a4"], PRINT_LABELS["poster"]: PRINT_SIZES["poster"]}
CANVAS_SIZES = {"Small (fast)": 256, "Medium": 384, "Large": 512}
HEX = r"^#[0-9a-fA-F]{6}$"
# The engine's defaults (engine.dreaming.palette: photo_schedule, CANVAS_STEPS; a test keeps them equal).
PHOTO_STEPS, PHOTO_OCTAVES, PHOTO_STEP_SIZE, CANVAS_STEPS = 10, 4, 0.010, 64


def colour(default: str, title: str):
    return setting(default, title, "", kind="color", cli=False, pattern=HEX)


class Palette(parts.Seeded):
    """Paint with a chosen set of filters, on a photo, noise, a colour or a gradient."""
    model: parts.ModelName = parts.network()  # type: ignore[valid-type]
    start: Literal[STARTS] = setting("Photo", "Start from", "What the filters paint on.",  # type: ignore[valid-type]
                                     kind="segmented", cli=False, labels=START_LABELS)
    color: str = colour("#2f5fc4", "Colour")
    top: str = colour("#ff9a3c", "Top")
    bottom: str = colour("#1b2a6b", "Bottom")
    photo_size: Literal[tuple(PHOTO_SIZES)] = parts.picture_size(  # type: ignore[valid-type]
        PHOTO_SIZES, "Small (fast)", "Bigger pictures take longer.")
    canvas_size: Literal[tuple(CANVAS_SIZES)] = parts.picture_size(  # type: ignore[valid-type]
        CANVAS_SIZES, "Small (fast)", "Bigger pictures take longer.")
    photo_steps: int = setting(PHOTO_STEPS, "Steps per octave", "On a photo: more steps paint the filters "
                               "stronger and take longer.", kind="slider", ge=1, le=500, ui=(1, 40), unit="steps",
                               verb="takes", flag="steps",
                               cli_help="steps per octave on a photo; on noise, a colour or a gradient, steps in all "
                                        f"(default {CANVAS_STEPS} there)")
    octaves: int = setting(PHOTO_OCTAVES, "Octaves", "On a photo: how many scales to paint at, small to large. "
                           "More = bigger patterns.", kind="slider", ge=1, le=16, ui=(1, 8))
    step_size: float = setting(PHOTO_STEP_SIZE, "Strength per step", "On a photo: how far each step changes "
                               "the picture.", kind="slider", gt=0, le=1.0, ui=(0.002, 0.04), step=0.002,
                               format="%.3f")
    canvas_steps: int = setting(CANVAS_STEPS, "Steps", "On noise, a colour or a gradient: steps in all.",
                                kind="slider", ge=1, le=4000, ui=(8, 256), step=8, unit="steps", verb="takes",
                                cli=False)
    seamless: bool = setting(False, "Seamless tile", "The painting tiles without a seam, like wallpaper or fabric "
                             "(a photo's opposite edges are cross-faded first).", kind="toggle")
    journey: bool = setting(True, "Paint the journey instead of the palette", "With stops kept: paint them one "
                            "after another, and make a GIF.", kind="toggle", cli=False)
    variations: Literal[2, 3, 4] = setting(3, "How many variations", "Pictures side by side, each with its own "
                                           "seed.", kind="select_slider", cli=False)
    surprise_layers: dict[str, float] = parts.layers("Surprise me from layers", weights=False, cli=False,
                                                     default=lambda: {"block3": 1.0, "block8": 1.0, "block12": 1.0})
    surprise_count: int = setting(3, "How many filters", "How many filters Surprise me picks.", kind="slider",
                                  ge=1, le=8, cli=False)

    @classmethod
    def defaults_for(cls, given: dict) -> dict:
        """Surprise me's layers: three of the network's, low, middle and high."""
        model = given.get("model", parts.DEFAULT_MODEL)
        names = [n for n in MODELS[model].layer_names() if n != "head"] if model in MODELS else []
        wanted = [n for n in ("block3", "block8", "block12") if n in names] or names[-3:]
        return {"surprise_layers": {n: 1.0 for n in wanted}}

    @property
    def pixels(self) -> int:
        return PHOTO_SIZES[self.photo_size] if self.start == "Photo" else CANVAS_SIZES[self.canvas_size]

    @property
    def size_label(self) -> str:
        return self.photo_size if self.start == "Photo" else self.canvas_size


class Weight(parts.Part):
    """One filter's weight in a palette."""
    weight: float = setting(1.0, "Weight", "How strongly to paint this filter. Below 0: keep it away.",
                            kind="slider", ge=-10.0, le=10.0, ui=(-1.0, 2.0), step=0.1)


@dataclass
class Filters:
    """Filters read from outside: the ones a network can paint, and notes on what changed."""
    entries: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    refused: Optional[str] = None


def read_filters(items: Any, carrier: str, model: Optional[str] = None) -> Filters:
    """Palette entries ({"model", "layer", "channel", "weight"}; ``model`` when they have none) from
    untrusted ``items``. Never raises."""
    refused = palette_refusal(items)
    if refused:
        return Filters(refused=refused)
    read_ = Filters()
    dropped = []
    for item in items:
        entry = _entry(item, model, carrier, read_.notes)
        if entry is None:
            dropped.append(_name(item))
        elif not any(_same(entry, e) for e in read_.entries):
            read_.entries.append(entry)
    if dropped:
        some = ", ".join(n for n in dropped[:3] if n) or "some"
        one = len(dropped) == 1
        read_.notes.append(f"{len(dropped)} filter{'' if one else 's'} of {carrier} ({some}) "
                           f"{'is' if one else 'are'} not one a network here can paint, so "
                           f"{'it was' if one else 'they were'} left out.")
    return read_


def _same(a: dict, b: dict) -> bool:
    return (a["model"], a["layer"], a["channel"]) == (b["model"], b["layer"], b["channel"])


def _name(item: Any) -> str:
    if isinstance(item, dict) and isinstance(item.get("layer"), str) and len(item["layer"]) < 40:
        return f"{item['layer']}:{item.get('channel')}" if isinstance(item.get("channel"), int) else item["layer"]
    return ""


def _entry(item: Any, model: Optional[str], carrier: str, notes: list[str]) -> Optional[dict]:
    """One filter, or None when no network can paint it."""
    if not isinstance(item, dict):
        return None
    name, layer, channel = item.get("model", model or parts.DEFAULT_MODEL), item.get("layer"), item.get("channel")
    if not isinstance(name, str) or name not in MODELS or not isinstance(layer, str) or layer not in MODELS[name].layer_names():
        return None
    if isinstance(channel, bool) or not isinstance(channel, int) or not 0 <= channel < MODELS[name].layer(layer).channels:
        return None
    weight = item.get("weight", 1.0)
    if isinstance(weight, bool) or not isinstance(weight, (int, float)) or not math.isfinite(weight):
        return None
    reading = read(Weight, {"weight": weight}, carrier)
    notes.extend(reading.notes)
    return {"model": name, "layer": layer, "channel": channel, "weight": reading.value.weight}


@dataclass
class PaletteFile:
    model: str = parts.DEFAULT_MODEL
    filters: Filters = field(default_factory=Filters)
    refused: Optional[str] = None


def read_palette_file(data: Any) -> PaletteFile:
    """A saved palette (``engine.dreaming.palette.palette_json``): refused in one sentence when it is not
    JSON, holds no list of filters or more than a palette holds; filters no network can paint are
    dropped with a note. Never raises."""
    unpacked = read_json_text(data, "That file")
    if unpacked.refused:
        return PaletteFile(refused=unpacked.refused)
    found = unpacked.data
    if not isinstance(found.get("filters"), list):
        return PaletteFile(refused="That file is not a DreamLab palette (it has no list of filters).")
    model = found.get("model", parts.DEFAULT_MODEL)
    if not isinstance(model, str) or model not in MODELS:
        return PaletteFile(refused="That palette is for a network DreamLab does not have.")
    filters = read_filters(found["filters"], "that palette", model)
    if filters.refused:
        return PaletteFile(refused=filters.refused)
    filters.entries = [e for e in filters.entries if e["model"] == model]
    if not filters.entries:
        return PaletteFile(refused="That palette holds no filter this network has.")
    return PaletteFile(model, filters)
