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
import random
import threading
from dataclasses import dataclass, replace
from typing import Optional, Sequence

import torch
from PIL import Image

from engine.ascent.loop import ascend
from engine.dreaming.dream import dream_with_objective
from engine.dreaming.settings import OctaveSchedule, octave_sizes
from engine.dreaming.filters import FourierCanvas, RandomTransforms, TransformSettings, picture_generator
from engine.images.pictures import contact_sheet
from engine.images.tensors import resize, to_pil, to_tensor
from engine.network.models import FeatureNet
from engine.ascent.objectives import Objective, channel, scaled
from engine.progress import Cancelled, Previews, Progress, ProgressFn, Reporter
from engine.images.region import Region, region_recipe
from engine.dreaming.palette_spec import (CanvasSchedule, PaletteFilter, PaletteLike, PaletteSettings, Start, StartLike,
                                          as_palette, as_start, check_palette, hex_color)

CANVAS_NOISE_STD = 0.01  # faint seeded noise on colour / gradient starts, so the seed number matters
CANVAS_PREVIEWS = Previews(per_stage=12)  # live previews (and GIF frames) per palette on noise / colour / gradient
PHOTO_PREVIEWS = Previews(per_stage=4)  # per octave on photos (journey frames: only at full size)
START_KINDS = ("photo", "noise", "color", "gradient")


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


# --- starts (what a start is: engine.dreaming.palette_spec) --------------------------------

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
