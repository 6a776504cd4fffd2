"""A palette as data: (layer, filter, weight) entries, their checks, a random palette and the JSON file.

No torch here: the app's server reads, checks and writes palettes without loading the engine."""
from __future__ import annotations

import json
import random
import re
from dataclasses import asdict, dataclass
from typing import Iterable, Sequence, Union

from engine.catalog import MAX_FILTERS, ModelSpec, get_spec  # noqa: F401 (MAX_FILTERS: said once, in the catalog)

PALETTE_FORMAT = 1  # version of the saved-palette JSON


@dataclass(frozen=True)
class PaletteFilter:
    layer: str
    channel: int
    weight: float = 1.0

    def text(self) -> str:
        return f"{self.layer}:{self.channel}:{self.weight:g}"


PaletteLike = Iterable[Union[PaletteFilter, dict, tuple, list]]


def as_palette(entries: PaletteLike) -> list[PaletteFilter]:
    """Palette entries as PaletteFilters: (layer, channel[, weight]), {"layer", "channel", "weight"} or PaletteFilter."""
    palette = []
    for entry in entries:
        if isinstance(entry, PaletteFilter):
            palette.append(entry)
        elif isinstance(entry, dict):
            palette.append(PaletteFilter(str(entry["layer"]), int(entry["channel"]), float(entry.get("weight", 1.0))))
        else:
            layer, index, *rest = entry
            palette.append(PaletteFilter(str(layer), int(index), float(rest[0]) if rest else 1.0))
    return palette


def parse_filter(text: str) -> PaletteFilter:
    """``block8:12`` or ``block8:12:0.5`` -> PaletteFilter (ValueError with a plain message)."""
    parts = [p.strip() for p in text.strip().split(":")]
    if len(parts) not in (2, 3) or not parts[0]:
        raise ValueError(f"'{text.strip()}' is not LAYER:FILTER or LAYER:FILTER:WEIGHT (e.g. block8:12:0.5)")
    try:
        index = int(parts[1])
    except ValueError:
        raise ValueError(f"in '{text.strip()}' the filter must be a whole number, not '{parts[1]}'") from None
    try:
        weight = float(parts[2]) if len(parts) == 3 else 1.0
    except ValueError:
        raise ValueError(f"in '{text.strip()}' the weight must be a number, not '{parts[2]}'") from None
    if weight != weight or abs(weight) == float("inf"):
        raise ValueError(f"in '{text.strip()}' the weight must be a finite number")
    return PaletteFilter(parts[0], index, weight)


def parse_filters(text: str) -> list[PaletteFilter]:
    """Several filters separated by commas, semicolons or white space."""
    return [parse_filter(item) for item in re.split(r"[,;\s]+", text) if item]


def check_palette(palette: Sequence[PaletteFilter], spec: ModelSpec) -> None:
    """Refuse, with one plain sentence, a palette the model cannot paint."""
    if not palette:
        raise ValueError("the palette is empty: add at least one filter")
    if len(palette) > MAX_FILTERS:
        raise ValueError(f"a palette holds at most {MAX_FILTERS} filters, this one has {len(palette)}")
    for f in palette:
        count = spec.layer(f.layer).channels  # unknown layers: ModelSpec.layer says which exist
        if not 0 <= f.channel < count:
            raise ValueError(f"layer '{f.layer}' has filters 0 to {count - 1}; there is no filter {f.channel}")
        if f.weight != f.weight or abs(f.weight) == float("inf"):
            raise ValueError(f"filter {f.layer}:{f.channel} has no valid weight")
    if all(f.weight == 0 for f in palette):
        raise ValueError("every filter has weight 0: give at least one filter a weight")


def surprise_palette(spec: ModelSpec, layers: Sequence[str], count: int = 3, seed: int = 0,
                     exclude: Iterable[tuple[str, int]] = ()) -> list[PaletteFilter]:
    """A random palette: ``count`` filters from ``layers`` (spread over them), weights 0.5 to 1.

    The same seed gives the same palette; ``exclude`` holds (layer, channel) pairs never to pick
    (e.g. dead filters)."""
    if not layers:
        raise ValueError("choose at least one layer to pick filters from")
    rng = random.Random(int(seed))
    skip = set(exclude)
    pool = {layer: [c for c in range(spec.layer(layer).channels) if (layer, c) not in skip] for layer in layers}
    chosen: list[PaletteFilter] = []
    order = list(layers)
    for i in range(count):
        if i % len(order) == 0:
            rng.shuffle(order)
        layer = order[i % len(order)]
        free = [c for c in pool[layer] if all(f.layer != layer or f.channel != c for f in chosen)]
        if free:
            chosen.append(PaletteFilter(layer, rng.choice(free), round(rng.uniform(0.5, 1.0), 1)))
    return chosen


def palette_json(palette: Sequence[PaletteFilter], model: str, name: str = "") -> str:
    """A small JSON file that ``load_palette_json`` reads back."""
    data = {"dreamlab_palette": PALETTE_FORMAT, "model": model, "name": name,
            "filters": [asdict(f) for f in palette]}
    return json.dumps(data, indent=1)


def load_palette_json(text: Union[str, bytes], spec_for=None) -> tuple[str, list[PaletteFilter]]:
    """(model, palette) from ``palette_json`` output; ValueError with a plain message otherwise.

    ``spec_for(model)`` (default ``engine.catalog.get_spec``) is used to check layers and filters."""
    spec_for = spec_for or get_spec
    try:
        data = json.loads(text)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ValueError("this file is not a DreamLab palette (it is not valid JSON)") from None
    if not isinstance(data, dict) or "filters" not in data or not isinstance(data["filters"], list):
        raise ValueError("this file is not a DreamLab palette (it has no list of filters)")
    model = data.get("model", "lite0")
    if not isinstance(model, str):
        raise ValueError("this palette's model name is not text")
    try:
        palette = as_palette(data["filters"])
    except (KeyError, TypeError, ValueError):
        raise ValueError("this palette has a filter without a valid layer, filter number and weight") from None
    check_palette(palette, spec_for(model))
    return model, palette
