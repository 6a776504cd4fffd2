"""A Hybrid Palette as data, with no torch: its filters (typed, as text, or as a palette JSON file), where
a painting starts, and the settings it paints with. The app's server reads, checks and builds these
without loading the engine's torch code (``engine.dreaming.palette`` paints them, in the jobs)."""
from __future__ import annotations

import json
import random
import re
from dataclasses import asdict, dataclass, field, replace
from typing import Iterable, Optional, Sequence, Union

from PIL import Image

from engine.catalog import ModelSpec, get_spec
from engine.dreaming.settings import OctaveSchedule

PALETTE_FORMAT = 1  # version of the saved-palette JSON
MAX_FILTERS = 32
_HEX = re.compile(r"^#?([0-9a-fA-F]{6})$")


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


def read_typed_filters(text: str, layer_names: Sequence[str]) -> list[PaletteFilter]:
    """Filters as a person types them, leniently: ``block 8 filter 12``, ``block8 12``, ``8:12``,
    ``block8:12:0.5``, ``filter 12 of block 8 weight 0.5``; several separated by commas, semicolons,
    new lines or "and" (``block8:12 block10:3`` works too). A bare number is a ``block`` layer.
    ValueError says, in plain words, what to type."""
    items = [item for item in re.split(r"[,;\n]+|\band\b", text.lower()) if item.strip()]
    if not items:
        raise ValueError(f"type a layer and a filter number, {TYPING_EXAMPLE}")
    patterns = _layer_patterns(layer_names)
    found = []
    for item in items:
        found += _read_item(item.strip(), patterns, layer_names)
    return found


TYPING_EXAMPLE = "for example block 8 filter 12 (or 8:12, or block8:12:0.5 for half strength)"
_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)")


def _layer_patterns(layer_names: Sequence[str]) -> list[tuple[str, re.Pattern]]:
    """Each layer's name as a pattern that allows spaces between its letters and digits
    (``block 8``, ``inception 4a``, ``relu 3_1``); longest names first."""
    patterns = []
    for name in sorted(layer_names, key=len, reverse=True):
        pieces = re.findall(r"[a-z]+|\d+|_", name.lower())
        body = r"\s*".join(re.escape(piece) for piece in pieces)
        patterns.append((name, re.compile(rf"(?<![a-z0-9]){body}(?![a-z0-9])")))
    return patterns


def _read_item(item: str, patterns, layer_names: Sequence[str]) -> list[PaletteFilter]:
    starts = sorted({m.start(): (m, name) for name, pattern in patterns for m in pattern.finditer(item)}.items())
    starts = _without_overlaps([hit for _, hit in starts])
    if not starts:
        bare = re.match(r"^\s*(?:layer\s*)?(\d+)\s*(?:[:/#\-]|\s)\s*(.*)$", item)
        if bare and f"block{bare.group(1)}" in layer_names:
            return [_filter_after(f"block{bare.group(1)}", bare.group(2), item)]
        raise ValueError(f"There is no layer in \u201c{item}\u201d. Type the layer and then the filter number, "
                         f"{TYPING_EXAMPLE}. The layers are {_layer_range(layer_names)}")
    found = []
    for k, (match, name) in enumerate(starts):
        end = starts[k + 1][0].start() if k + 1 < len(starts) else len(item)
        before = item[:match.start()] if k == 0 else ""  # "filter 12 of block 8"
        found.append(_filter_after(name, before + " " + item[match.end():end], item))
    return found


def _without_overlaps(hits):
    kept = []
    for match, name in hits:
        if not kept or match.start() >= kept[-1][0].end():
            kept.append((match, name))
    return kept


def _filter_after(layer: str, rest: str, item: str) -> PaletteFilter:
    """The filter number (and weight) in ``rest``: the words around them do not matter."""
    numbers = _NUMBER.findall(re.sub(r"^\s*[-:#/]\s*(?=\d)", " ", rest))  # block8-12: no filter -12
    if not numbers:
        raise ValueError(f"\u201c{item}\u201d has no filter number. Type it after the layer, "
                         f"for example {layer} filter 12")
    if len(numbers) > 2:
        raise ValueError(f"\u201c{item}\u201d has too many numbers. Type the layer, the filter number and, "
                         f"if you like, a weight: for example {layer} filter 12 weight 0.5")
    if not re.fullmatch(r"\+?\d+", numbers[0]):
        raise ValueError(f"in \u201c{item}\u201d the filter number must be a whole number, not {numbers[0]}")
    weight = float(numbers[1]) if len(numbers) == 2 else 1.0
    return PaletteFilter(layer, int(numbers[0]), weight)


def _layer_range(layer_names: Sequence[str]) -> str:
    if len(layer_names) <= 6:
        return ", ".join(layer_names) + "."
    return f"{layer_names[0]}, {layer_names[1]}, {layer_names[2]} \u2026 {layer_names[-2]}, {layer_names[-1]}."


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


@dataclass(frozen=True)
class Start:
    """Where a palette painting starts: a photo, or ``noise`` / ``color`` / ``gradient`` (top to bottom)."""
    kind: str
    colors: tuple[str, ...] = ()
    image: Optional[Image.Image] = field(default=None, compare=False, repr=False)

    def describe(self) -> str:
        return ":".join((self.kind,) + self.colors) if self.kind != "photo" else "photo"


def hex_color(text: str) -> str:
    match = _HEX.match(text.strip())
    if not match:
        raise ValueError(f"'{text}' is not a colour: use #RRGGBB, e.g. #1e90ff")
    return "#" + match.group(1).lower()


def parse_start(text: str) -> Optional[Start]:
    """``noise``, ``color:#RRGGBB`` (or ``colour:``) or ``gradient:#RRGGBB:#RRGGBB``; None for anything
    else (a picture's path). Malformed colours raise ValueError."""
    parts = text.strip().split(":")
    kind = parts[0].lower()
    if kind == "noise" and len(parts) == 1:
        return Start("noise")
    if kind in ("color", "colour"):
        if len(parts) != 2:
            raise ValueError("a colour start is color:#RRGGBB, e.g. color:#1e90ff")
        return Start("color", (hex_color(parts[1]),))
    if kind == "gradient":
        if len(parts) != 3:
            raise ValueError("a gradient start is gradient:#RRGGBB:#RRGGBB (top colour, bottom colour)")
        return Start("gradient", (hex_color(parts[1]), hex_color(parts[2])))
    return None


StartLike = Union[Image.Image, str, Start]


def as_start(start: StartLike) -> Start:
    if isinstance(start, Start):
        return start
    if isinstance(start, Image.Image):
        return Start("photo", image=start.convert("RGB"))
    parsed = parse_start(start)
    if parsed is None:
        raise ValueError(f"unknown start '{start}' (use a picture, noise, color:#RRGGBB or gradient:#RRGGBB:#RRGGBB)")
    return parsed


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
    tile: int = 512
    seed: int = 0  # the random number: same seed + same palette = same picture


@dataclass
class PaletteSettings:
    """The model, and how to paint: ``photo`` on a photo, ``canvas`` on noise / colour / gradient."""
    model: str = "lite0"
    photo: OctaveSchedule = field(default_factory=photo_schedule)
    canvas: CanvasSchedule = field(default_factory=CanvasSchedule)

    def schedule(self, start: Start) -> Union[OctaveSchedule, CanvasSchedule]:
        return self.photo if start.kind == "photo" else self.canvas

    def reseeded(self, seed: int) -> PaletteSettings:
        """A copy painting with random seed ``seed``, whatever the start."""
        return replace(self, photo=replace(self.photo, seed=int(seed)), canvas=replace(self.canvas, seed=int(seed)))

    def recipe(self, start: Start, palettes: Sequence[Sequence[PaletteFilter]]) -> dict:
        return {"kind": "palette", "start": start.describe(), "model": self.model, **asdict(self.schedule(start)),
                "palettes": [[asdict(f) for f in palette] for palette in palettes]}
