"""Hybrid Palette: paint with a chosen set of filters, across layers, each with a weight.

Not one filter (the Filter Gallery), not a whole layer (Deep Dream), but a *palette*: a list of
(layer, channel, weight). The objective is the weighted sum of the chosen channels' mean
activations, each divided by how hard it pulls on the start's pixels (``term_scales``), so the
weights alone decide the mix, not the layer; a negative weight suppresses a filter.

Starts: a photo is dreamt on with Deep Dream's octave loop (``engine.dreaming.dream.dream_with_objective``,
by an ``OctaveSchedule``); noise, a solid colour or a two-colour gradient is painted with the Filter
Gallery's ``FourierCanvas`` and ``RandomTransforms`` through ``engine.ascent.loop.ascend`` (by a
``CanvasSchedule``). "Seed" means only the random number. A *journey* applies
several palettes one after another, each for a share of the steps, and can keep frames for a GIF.
"""
from __future__ import annotations

import io
import json
import random
import re
import threading
from dataclasses import asdict, dataclass, field, replace
from typing import Iterable, Optional, Sequence, Union

import torch
from PIL import Image

from engine.ascent.loop import ascend
from engine.dreaming.dream import OctaveSchedule, dream_with_objective, octave_sizes
from engine.dreaming.filters import FourierCanvas, RandomTransforms, TransformSettings, picture_generator
from engine.images.pictures import contact_sheet, resize, to_pil, to_tensor
from engine.network.models import FeatureNet, ModelSpec
from engine.ascent.objectives import Objective, channel, scaled
from engine.progress import Cancelled, Previews, Progress, ProgressFn, Reporter
from engine.images.region import Region, region_recipe

PALETTE_FORMAT = 1  # version of the saved-palette JSON
from engine.catalog import MAX_FILTERS  # noqa: E402 (said once, torch-free: the app reads it too)
CANVAS_NOISE_STD = 0.01  # faint seeded noise on colour / gradient starts, so the seed number matters
CANVAS_PREVIEWS = Previews(per_stage=12)  # live previews (and GIF frames) per palette on noise / colour / gradient
PHOTO_PREVIEWS = Previews(per_stage=4)  # per octave on photos (journey frames: only at full size)
START_KINDS = ("photo", "noise", "color", "gradient")
_HEX = re.compile(r"^#?([0-9a-fA-F]{6})$")


# --- palettes -------------------------------------------------------------------------------

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

    ``spec_for(model)`` (default ``engine.network.models.get_spec``) is used to check layers and filters."""
    from engine.network.models import get_spec

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


# --- the objective --------------------------------------------------------------------------

def term_scales(net, palette: Sequence[PaletteFilter], reference: torch.Tensor) -> list[float]:
    """How hard each filter's term pulls on the pixels of ``reference``: mean |d term / d pixel|
    times the pixel count (so the picture's size does not matter either).

    Dividing each term by this makes every weight-1 filter push the start equally hard, whatever
    its layer (deep layers have large activations that move little per pixel, low layers the
    opposite). A filter with no pull at all (e.g. a ReLU filter silent on the start) gets the
    median scale of the others, so it does not swamp them once it wakes up."""
    x = reference.detach().clone().requires_grad_(True)
    acts = net(x, {f.layer for f in palette})
    pixels = x.shape[-2] * x.shape[-1]
    scales = []
    for i, f in enumerate(palette):
        score = channel(f.layer, f.channel)(acts).sum()
        (grad,) = torch.autograd.grad(score, x, retain_graph=i < len(palette) - 1, allow_unused=True)
        scales.append(0.0 if grad is None else float(grad.abs().mean()) * pixels)
    alive = sorted(s for s in scales if s > 0)
    fallback = alive[len(alive) // 2] if alive else 1.0
    floor = 1e-3 * (alive[-1] if alive else 1.0)
    return [s if s > floor else fallback for s in scales]


def palette_objective(net, palette: Sequence[PaletteFilter], reference: torch.Tensor) -> Objective:
    """sum(weight * mean activation of the filter / its pull on ``reference``), lucent style.

    Filters of weight 0 are left out; a negative weight pushes its filter down."""
    palette = as_palette(palette)
    check_palette(palette, net.spec)
    active = [f for f in palette if f.weight != 0]
    scales = term_scales(net, active, reference)
    return sum(f.weight * scaled(channel(f.layer, f.channel), scale) for f, scale in zip(active, scales))


def filter_rises(net, palette: PaletteLike, before: Image.Image, after: Image.Image) -> list[float]:
    """How far each filter's mean activation rose from ``before`` to ``after``, in spatial
    standard deviations of its activation on ``before`` (3 = clearly visible)."""
    palette = as_palette(palette)
    with torch.no_grad():
        old = net(to_tensor(before, net.device), {f.layer for f in palette})
        new = net(to_tensor(after, net.device), {f.layer for f in palette})
    rises = []
    for f in palette:
        start = old[f.layer][0, f.channel]
        rise = new[f.layer][0, f.channel].mean() - start.mean()
        rises.append(float(rise / start.std().clamp(min=1e-6)))
    return rises


# --- starts ---------------------------------------------------------------------------------

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


def _rgb(color: str) -> torch.Tensor:
    value = int(hex_color(color)[1:], 16)
    return torch.tensor([(value >> 16) & 255, (value >> 8) & 255, value & 255], dtype=torch.float32) / 255.0


def start_pixels(start: Start, height: int, width: int) -> torch.Tensor:
    """A colour or gradient start as pixels [1, 3, H, W] in [0, 1]."""
    if start.kind == "color":
        return _rgb(start.colors[0]).view(1, 3, 1, 1).expand(1, 3, height, width).clone()
    if start.kind == "gradient":
        t = torch.linspace(0.0, 1.0, height).view(1, 1, height, 1)
        top, bottom = (_rgb(c).view(1, 3, 1, 1) for c in start.colors)
        return (top * (1 - t) + bottom * t).expand(1, 3, height, width).clone()
    raise ValueError(f"a {start.kind} start has no fixed pixels")


# --- settings -------------------------------------------------------------------------------

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


def shares(total: int, parts: int) -> list[int]:
    """``total`` steps split into ``parts`` nearly equal shares, each at least 1."""
    return [max(1, total * (k + 1) // parts - total * k // parts) for k in range(parts)]


# --- painting -------------------------------------------------------------------------------

@dataclass
class Journey:
    image: Image.Image
    frames: list[Image.Image]  # the picture as it changed (empty unless asked for)
    recipe: dict


def palette_dream(start: StartLike, palette: PaletteLike, settings: PaletteSettings,
                  net: FeatureNet, on_progress: Optional[ProgressFn] = None,
                  cancel: Optional[threading.Event] = None, region: Optional[Region] = None) -> Image.Image:
    """Paint one palette on ``start`` (a photo keeps its size; other starts are ``settings.canvas.size`` square)."""
    return palette_journey(start, [palette], settings, net, on_progress, cancel, region=region).image


def palette_journey(start: StartLike, palettes: Sequence[PaletteLike],
                    settings: PaletteSettings, net: FeatureNet, on_progress: Optional[ProgressFn] = None,
                    cancel: Optional[threading.Event] = None, keep_frames: bool = False,
                    region: Optional[Region] = None) -> Journey:
    """Apply ``palettes`` one after another, each for an equal share of the steps.

    On a photo each palette runs the octave loop on the previous palette's picture; on other
    starts one Fourier canvas carries through, its objective switching from palette to palette.
    With ``keep_frames`` the previews are kept as the frames of the journey (the start first).
    A ``region`` (photos only) limits the painting to its inside; the rest stays as it was.
    """
    start = as_start(start)
    palettes = [as_palette(p) for p in palettes]
    if not palettes:
        raise ValueError("a journey needs at least one palette")
    for palette in palettes:
        check_palette(palette, net.spec)
    if region is not None and start.kind != "photo":
        raise ValueError("a region can only be painted on a photo")
    frames: list[Image.Image] = []

    def record(progress: Progress) -> None:
        if keep_frames and progress.preview is not None:
            frames.append(progress.preview)
        if on_progress is not None:
            on_progress(progress)

    if start.kind == "photo":
        image = _photo_journey(start.image, palettes, settings.photo, net, record, cancel,
                               frames if keep_frames else None, region)
    else:
        image = _canvas_journey(start, palettes, settings.canvas, net, record, cancel, frames if keep_frames else None)
    return Journey(image, frames, {**settings.recipe(start, palettes), **region_recipe(region)})


def _photo_journey(image: Image.Image, palettes, schedule: OctaveSchedule, net, record, cancel, frames, region):
    steps = shares(schedule.steps, len(palettes))
    sizes = octave_sizes(image.size[1], image.size[0], schedule.octaves, schedule.octave_scale)
    weights = [h * w * n for n in steps for h, w in sizes]
    previews = PHOTO_PREVIEWS
    if frames is not None:  # previews of smaller octaves are not kept as frames: the journey would blink blurry
        previews = replace(previews, stages=frozenset((k + 1) * len(sizes) - 1 for k in range(len(palettes))))
        frames.append(image)
    reporter = Reporter(record, cancel, "octave" if len(palettes) == 1 else "part", weights, previews)
    for k, (palette, n) in enumerate(zip(palettes, steps)):
        reference = resize(to_tensor(image, net.device), sizes[0])
        objective = palette_objective(net, palette, reference)
        reporter.first_stage = k * len(sizes)
        image = dream_with_objective(image, objective, replace(schedule, steps=n, seed=schedule.seed + k), net,
                                     reporter, region=region)
    return image


def _canvas_journey(start: Start, palettes, schedule: CanvasSchedule, net, record, cancel, frames):
    side = schedule.size
    canvas = start_canvas(start, side, side, schedule.seed, schedule.lr, net.device, schedule.saturation,
                          schedule.contrast)
    transform = RandomTransforms([picture_generator(schedule.seed, 1)], TransformSettings())
    steps = shares(schedule.steps, len(palettes))
    reporter = Reporter(record, cancel, "palette", steps, CANVAS_PREVIEWS)
    reporter.watch(lambda: to_pil(canvas.pixels))
    if frames is not None:
        frames.append(to_pil(canvas.pixels))
    for k, (palette, n) in enumerate(zip(palettes, steps)):
        objective = palette_objective(net, palette, canvas.pixels)
        # ascend's generator feeds only its shared tiling here; RandomTransforms draws from its own
        ascend(canvas, net, objective, steps=n, generator=torch.Generator().manual_seed(schedule.seed + k),
               tile=schedule.tile, transform=transform, on_step=lambda step, k=k, n=n: reporter.step(k, step, n),
               check_cancel=reporter.check_cancel)
    return to_pil(canvas.pixels)


def start_canvas(start: Start, height: int, width: int, seed: int, lr: float, device,
                 saturation: float = 1.0, contrast: float = 1.0) -> FourierCanvas:
    """A Fourier canvas holding the start: faint noise, or the colour / gradient plus faint seeded noise."""
    generator = picture_generator(seed, 0)
    colors = dict(saturation=saturation, contrast=contrast)
    if start.kind == "noise":
        return FourierCanvas.random([generator], height, width, device=device, lr=lr, **colors)
    canvas = FourierCanvas.from_image(start_pixels(start, height, width).to(device), lr=lr, **colors)
    with torch.no_grad():
        noise = torch.randn(canvas.spectrum.shape, generator=generator) * CANVAS_NOISE_STD
        canvas.spectrum.add_(noise.to(canvas.spectrum.device))
    return canvas


# --- variations and the GIF -----------------------------------------------------------------

def palette_variations(start: StartLike, palettes: Sequence[PaletteLike],
                       settings: PaletteSettings, net: FeatureNet, numbers: Sequence[int],
                       on_progress: Optional[ProgressFn] = None,
                       cancel: Optional[threading.Event] = None, region: Optional[Region] = None) -> list[Journey]:
    """The same palette(s) painted with each random seed number in ``numbers``, one after another.

    Variation i is exactly ``palette_journey`` with the random seed ``numbers[i]``. Stopped early, the
    partial picture is a strip of the variations finished so far plus the current one."""
    done: list[Journey] = []
    for i, number in enumerate(numbers):
        def forward(p: Progress, i=i) -> None:
            if on_progress is not None:
                on_progress(Progress("variation", i, len(numbers), p.step, p.steps,
                                     (i + p.fraction) / len(numbers), p.preview))
        try:
            done.append(palette_journey(start, palettes, settings.reseeded(number), net, forward, cancel,
                                        region=region))
        except Cancelled as stopped:
            pictures = [j.image for j in done] + ([stopped.partial] if stopped.partial is not None else [])
            if pictures:  # a photo stopped in a small octave is smaller than the finished ones
                pictures = [p.resize(pictures[0].size, Image.LANCZOS) for p in pictures]
            raise Cancelled(contact_sheet(pictures, len(pictures)) if pictures else None) from None
    return done


GIF_MIN_SIDE, GIF_MAX_SIDE = 512, 800  # a GIF people share: never smaller than 512 px on its long side
GIF_MAX_PIXELS = 5_000_000  # all frames together; a painted GIF takes about one byte per pixel (about 5 MB)


def journey_gif(frames: Sequence[Image.Image], duration_ms: int = 120, hold_ms: int = 1500,
                min_side: int = GIF_MIN_SIDE, max_side: int = GIF_MAX_SIDE,
                max_pixels: int = GIF_MAX_PIXELS) -> bytes:
    """An endless animated GIF of the frames, all at the last frame's size brought between
    ``min_side`` and ``max_side`` (small canvases are enlarged so the GIF is worth sharing).

    Above ``max_pixels`` in all, frames are dropped evenly (the first and last always kept) and the
    others shown longer, so the journey lasts as long and the file stays around 5 MB."""
    if not frames:
        raise ValueError("no frames to animate")
    w, h = frames[-1].size
    scale = min(max_side, max(min_side, max(w, h))) / max(w, h)
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    keep = max(min(len(frames), 12), max_pixels // (size[0] * size[1]))  # at least 12: still a movement
    chosen = [frames[round(i * (len(frames) - 1) / (keep - 1))] for i in range(keep)] if len(frames) > keep else frames
    pictures = [f.convert("RGB").resize(size, Image.LANCZOS) if f.size != size else f.convert("RGB") for f in chosen]
    step_ms = round(duration_ms * len(frames) / len(pictures)) if len(pictures) > 1 else duration_ms
    durations = [step_ms] * (len(pictures) - 1) + [hold_ms]
    buffer = io.BytesIO()
    pictures[0].save(buffer, format="GIF", save_all=True, append_images=pictures[1:], duration=durations,
                     loop=0, optimize=False)
    return buffer.getvalue()
