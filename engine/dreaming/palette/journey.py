"""Painting: one palette, a journey through several (each for a share of the steps), and variations.

On a photo each palette runs Deep Dream's octave loop (``engine.dreaming.dream.dream_with_objective``) on
the previous palette's picture; on noise, a colour or a gradient one Fourier canvas carries through,
its objective switching from palette to palette (``engine.ascent.loop.ascend``)."""
from __future__ import annotations

import threading
from dataclasses import dataclass, replace
from typing import Optional, Sequence

import torch
from PIL import Image

from engine.ascent.loop import ascend
from engine.dreaming.dream import OctaveSchedule, dream_with_objective, octave_sizes
from engine.dreaming.filters import RandomTransforms, TransformSettings, picture_generator
from engine.dreaming.palette.canvas import start_canvas
from engine.dreaming.palette.data import PaletteLike, as_palette, check_palette
from engine.dreaming.palette.objective import palette_objective
from engine.dreaming.palette.settings import CanvasSchedule, PaletteSettings, shares
from engine.dreaming.palette.starts import Start, StartLike, as_start
from engine.images.pictures import contact_sheet
from engine.images.tensors import resize, to_pil, to_tensor
from engine.images.region import Region, region_recipe
from engine.images.seamless import make_tileable
from engine.network import fast
from engine.network.models import FeatureNet
from engine.progress import Cancelled, Previews, Progress, ProgressFn, Reporter

CANVAS_PREVIEWS = Previews(per_stage=12)  # live previews (and GIF frames) per palette on noise / colour / gradient
PHOTO_PREVIEWS = Previews(per_stage=4)  # per octave on photos (journey frames: only at full size)


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
        photo = make_tileable(start.image) if settings.photo.seamless else start.image
        image = _photo_journey(photo, palettes, settings.photo, net, record, cancel,
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
    transform = RandomTransforms([picture_generator(schedule.seed, 1)], TransformSettings(), wrap=schedule.seamless)
    steps = shares(schedule.steps, len(palettes))
    reporter = Reporter(record, cancel, "palette", steps, CANVAS_PREVIEWS)
    reporter.watch(lambda: to_pil(canvas.pixels))
    if frames is not None:
        frames.append(to_pil(canvas.pixels))
    for k, (palette, n) in enumerate(zip(palettes, steps)):
        objective = palette_objective(net, palette, canvas.pixels)
        # ascend's generator feeds only its shared tiling here; RandomTransforms draws from its own
        with fast.circular_padding(net, schedule.seamless):  # the Fourier canvas itself always wraps
            ascend(canvas, net, objective, steps=n, generator=torch.Generator().manual_seed(schedule.seed + k),
                   tile=schedule.tile, transform=transform, on_step=lambda step, k=k, n=n: reporter.step(k, step, n),
                   check_cancel=reporter.check_cancel)
    return to_pil(canvas.pixels)


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
