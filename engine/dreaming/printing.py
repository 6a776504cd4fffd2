"""Prints: dreams and palettes up to 4096 px on the long side, in little memory, tile by tile.

A print is dreamt at a working size first (``engine.images.shapes.finish_plan``: about 1024 px),
then enlarged to each doubled size and *finished* there, tile by tile: every tile (512 px, reaching
48 px into its neighbours) takes a few ascent steps of the same objective on the full-size pixels
and is cross-faded back in. Only one tile is ever a tensor; the picture itself stays 8-bit
(4096x3072 px is 38 MB), so the whole process stays far below 2.5 GB (benchmarks/bench_print.py).

Progress comes per tile (stage "tile"). Stopping raises ``Cancelled`` whose ``partial`` is the
full-size picture with the tiles done so far (``Resume.from_partial`` continues from it; each tile's
randomness depends only on its place, so a resumed print equals one that never stopped).

Seamless prints wrap: tiles at an edge reach round to the other side, and the enlargements between
sizes see the picture as a torus.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, replace
from typing import Callable, Optional, Sequence

import numpy as np
import torch
from PIL import Image

from engine.ascent.loop import PixelCanvas, ascend, cuts
from engine.ascent.objectives import Objective
from engine.dreaming.dream import dream_objective, dream_with_objective
from engine.dreaming.palette.journey import Journey, palette_journey
from engine.dreaming.palette.objective import palette_objective
from engine.dreaming.palette.settings import PaletteSettings
from engine.dreaming.palette.starts import Start, StartLike, as_start
from engine.dreaming.settings import DreamSettings, OctaveSchedule, octave_sizes
from engine.images.region import Region, region_recipe
from engine.images.seamless import make_tileable
from engine.images.shapes import (FINISH_OVERLAP, FINISH_STEPS, FINISH_TILE, STYLE_FINISH_STEPS, WORK_SIDE,
                                  finish_plan, print_recipe, size_refusal, style_work_side)
from engine.images.tensors import region_mask, resize, to_tensor
from engine.progress import STAGE_ENDS, Cancelled, Progress, ProgressFn, Reporter

Improve = Callable[[np.ndarray, torch.Generator, Optional[torch.Tensor]], np.ndarray]
PREVIEW_SIDE = 1024  # previews of a print are sent this size (the whole picture only when stopped)


@dataclass(frozen=True)
class Resume:
    """Where a stopped print continues: its partial picture, at finishing size ``level``, with
    ``tiles_done`` tiles of that size finished."""
    picture: Image.Image
    level: int
    tiles_done: int

    @classmethod
    def from_partial(cls, partial: Image.Image) -> Optional["Resume"]:
        """The resume point a stopped print's partial picture carries, or None (stopped before finishing)."""
        info = getattr(partial, "info", {}) or {}
        if "print_level" not in info:
            return None
        return cls(partial, int(info["print_level"]), int(info["tiles_done"]))


# --- the public jobs ------------------------------------------------------------------------

def print_dream(image: Image.Image, settings: DreamSettings, net, size: tuple[int, int],
                guide: Optional[Image.Image] = None, on_progress: Optional[ProgressFn] = None,
                cancel: Optional[threading.Event] = None, region: Optional[Region] = None,
                resume: Optional[Resume] = None, work_side: int = WORK_SIDE) -> Image.Image:
    """Deep Dream on ``image`` as a picture of exactly ``size`` (W, H), which may be larger than the
    photo (up to 4096 px on the long side). ``settings.seamless`` makes it a tile."""
    _check_size(size)
    if settings.seamless:
        image = make_tileable(image)
    work_size, levels = finish_plan(size, work_side)
    work = image.convert("RGB").resize(work_size, Image.LANCZOS)
    base = to_tensor(work, net.device)
    sizes = octave_sizes(base.shape[2], base.shape[3], settings.octaves, settings.octave_scale)
    objective = dream_objective(net, settings, resize(base, sizes[0]), guide)
    progress = _Phases(on_progress, _work_share(sizes, settings, levels))
    if resume is None:
        reporter = Reporter(progress.work, cancel, "octave", [h * w for h, w in sizes], previews=STAGE_ENDS)
        picture = dream_with_objective(work, objective, settings, net, reporter, region=region)
    else:
        picture = resume.picture
    return finish(picture, levels, objective, settings, net, progress.finish, cancel, region, resume)


def print_palette(start: StartLike, palettes: Sequence, settings: PaletteSettings, net, size: tuple[int, int],
                  on_progress: Optional[ProgressFn] = None, cancel: Optional[threading.Event] = None,
                  region: Optional[Region] = None, resume: Optional[Resume] = None,
                  work_side: int = WORK_SIDE, work_share: Optional[float] = None) -> Journey:
    """A palette painting of exactly ``size`` (a photo start) or ``size[0]`` square (noise, a colour
    or a gradient), painted at the working size and finished tile by tile with the last palette.
    ``work_share``: the part of the time the painting at the working size takes (the progress's; from
    ``engine.estimates.palette_work_share``), half when not given."""
    start = as_start(start)
    if start.kind != "photo":
        size = (size[0], size[0])
    _check_size(size)
    work_size, levels = finish_plan(size, work_side)
    schedule = settings.photo if start.kind == "photo" else settings.canvas
    if start.kind == "photo":  # the journey makes the (smaller) photo tile when seamless
        work_start: Start = Start("photo", image=start.image.resize(work_size, Image.LANCZOS))
        work_settings = settings
    else:
        work_start = start
        work_settings = replace(settings, canvas=replace(schedule, size=work_size[0]))
    finish_schedule = _finish_schedule(settings, start)
    progress = _Phases(on_progress, (work_share or 0.5) if levels else 1.0)
    if resume is None:
        journey = palette_journey(work_start, palettes, work_settings, net, progress.work, cancel, region=region)
        picture = journey.image
    else:
        picture = resume.picture
    reference = to_tensor(picture.resize(work_size, Image.LANCZOS) if resume else picture, net.device)
    objective = palette_objective(net, palettes[-1], reference)
    picture = finish(picture, levels, objective, finish_schedule, net, progress.finish, cancel, region, resume)
    recipe = {**settings.recipe(start, [list(p) for p in _as_palettes(palettes)]), **region_recipe(region),
              **print_recipe(size)}
    return Journey(picture, [], recipe)


def print_style(content: Image.Image, styles: Sequence[Image.Image], settings, net, size: tuple[int, int],
                weights: Optional[Sequence[float]] = None, on_progress: Optional[ProgressFn] = None,
                cancel: Optional[threading.Event] = None, region: Optional[Region] = None,
                resume: Optional[Resume] = None, work_side: int = WORK_SIDE,
                outside_styles: Sequence[Image.Image] = (), work_share: Optional[float] = None) -> Image.Image:
    """A style transfer (``StyleSettings``) as a picture of exactly ``size`` (W, H): transferred at the
    working size, then each tile finished by a few L-BFGS steps that keep the enlarged transfer as
    its content and match the paintings' Gram matrices at full size (strokes as fine as the print).
    With ``keep_colors`` the tiles are only enlarged: the finish would match colour pixels to grey
    strokes. A ``region`` limits the finish as it limited the transfer. ``work_share``: the part of the
    time the transfer takes (the progress's; from ``engine.estimates.style_work_share``), half when not given."""
    from engine.style.transfer import Targets, _style_loss, _styles_at, gram, stylize
    _check_size(size)
    work_size, levels = finish_plan(size, work_side)
    work_settings = replace(settings, size=max(work_size))
    progress = _Phases(on_progress, (work_share or 0.5) if levels else 1.0)
    if resume is None:
        picture = stylize(content.convert("RGB").resize(work_size, Image.LANCZOS), styles, weights, work_settings,
                          net, on_progress=progress.work, cancel=cancel, region=region,
                          outside_styles=list(outside_styles))
    else:
        picture = resume.picture
    loss = _style_loss(settings, net)
    total = sum(weights) if weights else len(styles)
    shares = [w / total for w in weights] if weights else [1.0 / len(styles)] * len(styles)
    with torch.no_grad():  # the paintings' style at the print's own scale, once
        grams = {layer: 0.0 for layer in loss.style_layers}
        for style, share in zip(_styles_at(styles, (size[1], size[0]), replace(settings, keep_colors=False), None,
                                           net.device), shares):
            acts = loss.features(style, loss.style_layers)
            for layer in loss.style_layers:
                grams[layer] = grams[layer] + gram(acts[layer]) * share

    def improve(tile: np.ndarray, generator: torch.Generator, mask) -> np.ndarray:
        pixels = _tensor(tile, net.device)
        if settings.keep_colors:
            return _array(pixels)
        with torch.no_grad():
            acts = loss.features(pixels, loss.content_layers)
        targets = Targets({layer: acts[layer].float() for layer in loss.content_layers}, grams)
        painted = _lbfgs(pixels, lambda p: loss(p, targets), STYLE_FINISH_STEPS)
        return _array(painted if mask is None else pixels + mask * (painted - pixels))

    schedule = OctaveSchedule(seed=settings.seed)
    return finish(picture, levels, None, schedule, net, progress.finish, cancel, region, resume, improve)



def _lbfgs(pixels: torch.Tensor, loss_fn, steps: int) -> torch.Tensor:
    from engine.style.transfer import _optimise
    return _optimise(pixels, loss_fn, steps, "lbfgs", lambda step, current: None)


def _as_palettes(palettes: Sequence) -> list:
    from engine.dreaming.palette.data import as_palette
    return [as_palette(p) for p in palettes]


def _finish_schedule(settings: PaletteSettings, start: Start) -> OctaveSchedule:
    """How a palette's print is finished: its photo schedule's steps (a canvas start too: the
    finishing works on pixels), seamless as the start's schedule says."""
    seamless = settings.schedule(start).seamless
    return replace(settings.photo, seamless=seamless, seed=settings.schedule(start).seed)


def _check_size(size: tuple[int, int]) -> None:
    refusal = size_refusal(*size)
    if refusal:
        raise ValueError(refusal)


def _work_share(sizes, settings: DreamSettings, levels) -> float:
    """The share of the job spent at the working size: from this machine's step costs where they were
    measured (``engine.timing``), else from pixel-steps (the finish's tiles overlap and cost more)."""
    if not levels:
        return 1.0
    from engine.catalog import get_spec
    from engine.timing import StepCosts, finish_seconds, octave_seconds
    costs = StepCosts.load().models.get(settings.model)
    if costs is not None:
        share = costs.share(list(settings.layers), get_spec(settings.model).layer_names())
        work = octave_seconds(costs, sizes, settings.steps, share, settings.tile)
        return work / (work + finish_seconds(costs, levels, share))
    work = sum(h * w for h, w in sizes) * settings.steps
    finishing = sum(w * h for w, h in levels) * FINISH_STEPS * 1.4  # overlaps and per-tile costs
    return work / (work + finishing)


class _Phases:
    """One job's progress out of two phases: the work (its fraction scaled to ``share``) and the finish."""

    def __init__(self, on_progress: Optional[ProgressFn], share: float):
        self.on_progress, self.share = on_progress, share

    def work(self, progress: Progress) -> None:
        if self.on_progress is not None:
            self.on_progress(replace(progress, fraction=progress.fraction * self.share))

    def finish(self, progress: Progress) -> None:
        if self.on_progress is not None:
            self.on_progress(replace(progress, fraction=self.share + (1 - self.share) * progress.fraction))


# --- finishing tile by tile -----------------------------------------------------------------

def finish(picture: Image.Image, levels: Sequence[tuple[int, int]], objective: Objective, schedule: OctaveSchedule,
           net, on_progress: Optional[ProgressFn] = None, cancel: Optional[threading.Event] = None,
           region: Optional[Region] = None, resume: Optional[Resume] = None,
           improve: Optional[Improve] = None) -> Image.Image:
    """``picture`` enlarged to each of ``levels`` (W, H) in turn and finished there tile by tile:
    by ``improve(tile, generator, mask)`` when given (style transfer's), else by ascending ``objective``."""
    if improve is None:
        def improve(tile, generator, mask):
            return finish_tile(tile, objective, schedule, net, generator, mask)
    reporter = Reporter(on_progress, None, "tile", [w * h for w, h in levels] or [1.0])
    first = resume.level if resume is not None else 0
    for index, size in enumerate(levels):
        if index < first:
            continue
        resuming = resume is not None and index == first
        current = resume.picture if resuming else enlarge(picture, size, schedule.seamless)
        picture = _finish_level(current, index, improve, schedule, reporter, cancel, region,
                                resume.tiles_done if resuming else 0)
    return picture


def enlarge(picture: Image.Image, size: tuple[int, int], wrap: bool = False) -> Image.Image:
    """``picture`` resized to ``size`` (Lanczos); with ``wrap`` its edges are filtered with the
    opposite side's pixels (a seamless tile stays seamless)."""
    if not wrap:
        return picture.resize(size, Image.LANCZOS)
    pad = 8
    array = np.pad(np.asarray(picture.convert("RGB")), ((pad, pad), (pad, pad), (0, 0)), mode="wrap")
    w, h = picture.size
    return Image.fromarray(array).resize(size, Image.LANCZOS, box=(pad, pad, pad + w, pad + h))


def _finish_level(picture: Image.Image, level: int, improve: Improve, schedule: OctaveSchedule,
                  reporter: Reporter, cancel, region: Optional[Region], done: int) -> Image.Image:
    array = np.array(picture.convert("RGB"), dtype=np.uint8)  # the picture, kept 8-bit: 38 MB at 4096 px
    height, width = array.shape[:2]
    boxes = tile_boxes(width, height, FINISH_TILE, FINISH_OVERLAP, schedule.seamless)
    mask = region_mask(region, height, width) if region is not None else None

    def partial(tiles_done: int) -> Image.Image:
        shown = Image.fromarray(array)
        shown.info.update(print_level=level, tiles_done=tiles_done)
        return shown

    reporter.watch(lambda: _preview(array))
    for index, (rows, cols, weights) in enumerate(boxes):
        if index < done:
            continue
        if cancel is not None and cancel.is_set():
            raise Cancelled(partial(index))
        generator = torch.Generator().manual_seed(_tile_seed(schedule.seed, level, index))
        tile_mask = mask[..., rows[:, None], cols[None, :]] if mask is not None else None
        finished = improve(array[np.ix_(rows, cols)], generator, tile_mask)
        old = array[np.ix_(rows, cols)].astype(np.float32)
        array[np.ix_(rows, cols)] = np.clip(old + weights[..., None] * (finished - old) + 0.5, 0, 255).astype(np.uint8)
        reporter.step(level, index + 1, len(boxes))
    return Image.fromarray(array)


def _tensor(pixels: np.ndarray, device) -> torch.Tensor:
    return torch.from_numpy(pixels.astype(np.float32) / 255.0).permute(2, 0, 1)[None].to(device)


def _array(tensor: torch.Tensor) -> np.ndarray:
    return tensor[0].detach().permute(1, 2, 0).float().cpu().numpy() * 255.0


def finish_tile(pixels: np.ndarray, objective: Objective, schedule: OctaveSchedule, net,
                generator: torch.Generator, mask: Optional[torch.Tensor] = None) -> np.ndarray:
    """A few ascent steps on one tile (8-bit [h, w, 3]); returns its new pixels as 0..255 floats."""
    tensor = _tensor(pixels, net.device)
    canvas = PixelCanvas(tensor, schedule.step_size, mask=mask, smoothness=schedule.smoothness)
    ascend(canvas, net, objective, steps=FINISH_STEPS, generator=generator,
           jitter=min(schedule.jitter, FINISH_OVERLAP // 2))
    return _array(canvas.pixels)


def tile_boxes(width: int, height: int, tile: int, overlap: int, wrap: bool = False):
    """Each tile as (rows, columns, weights): the pixel indices it covers (its core plus
    ``overlap`` into its neighbours; round the edges with ``wrap``) and how much of its result
    replaces the picture there (1 in the core, fading to 0 across the overlap)."""
    boxes = []
    for y0, y1 in _spans(height, tile):
        rows, row_weights = _reach(y0, y1, height, overlap, wrap)
        for x0, x1 in _spans(width, tile):
            cols, col_weights = _reach(x0, x1, width, overlap, wrap)
            boxes.append((rows, cols, np.minimum(row_weights[:, None], col_weights[None, :])))
    return boxes


def _spans(length: int, tile: int) -> list[tuple[int, int]]:
    edges = cuts(length, tile)
    return list(zip(edges, edges[1:]))


def _reach(start: int, stop: int, length: int, overlap: int, wrap: bool) -> tuple[np.ndarray, np.ndarray]:
    """The indices a tile covers along one axis and their weights (a linear fade over each overlap)."""
    overlap = min(overlap, max(0, (length - (stop - start)) // 2)) if wrap else overlap
    low = start - overlap if wrap else max(0, start - overlap)
    high = stop + overlap if wrap else min(length, stop + overlap)
    positions = np.arange(low, high)
    before, after = start - low, high - stop
    fade_in = np.clip((positions - low + 0.5) / before, 0, 1) if before else np.ones(len(positions))
    fade_out = np.clip((high - positions - 0.5) / after, 0, 1) if after else np.ones(len(positions))
    return positions % length, np.minimum(fade_in, fade_out).astype(np.float32)


def _tile_seed(seed: int, level: int, index: int) -> int:
    return (int(seed) * 1_000_003 + level * 10_007 + index + 1) % (1 << 62)


def _preview(array: np.ndarray) -> Image.Image:
    picture = Image.fromarray(array)
    if max(picture.size) > PREVIEW_SIDE:
        picture = picture.reduce(max(1, -(-max(picture.size) // PREVIEW_SIDE)))
    return picture


def sized_dream(image: Image.Image, settings: DreamSettings, net, long_side: Optional[int] = None,
                shape: Optional[str] = None, fit: str = "crop", guide: Optional[Image.Image] = None,
                on_progress: Optional[ProgressFn] = None, cancel: Optional[threading.Event] = None,
                region: Optional[Region] = None, centre: Optional[tuple[float, float]] = None) -> tuple[Image.Image, dict]:
    """What the job and the command line call: a dream at the photo's size, at ``long_side`` px (a
    print), or as a wallpaper ``shape`` (cropped around ``centre`` or the photo's subject, or extended,
    by ``fit``); returns it and its recipe."""
    from engine.dreaming.dream import deep_dream
    from engine.images.shapes import fit_to_shape, needs_print, result_size
    size = result_size(image.size, long_side, shape)
    if shape:
        image = fit_to_shape(image, shape, fit, centre)
        region = None  # a region was drawn on the photo, not on the wallpaper's frame
    framed = {"shape": shape, "fit": fit, **({"crop_centre": list(centre)} if centre and fit == "crop" else {})} \
        if shape else {}
    if size is None or (not needs_print(size, image.size) and size == image.size):
        picture = deep_dream(image, settings, net, guide, on_progress, cancel, region)
        return picture, {**settings.recipe(), **region_recipe(region), **framed}
    picture = print_dream(image, settings, net, size, guide, on_progress, cancel, region)
    return picture, {**dream_recipe(settings, size, region), **framed}


def sized_style(content: Image.Image, styles: Sequence[Image.Image], settings, net,
                weights: Optional[Sequence[float]] = None, long_side: Optional[int] = None,
                shape: Optional[str] = None, fit: str = "crop", centre: Optional[tuple[float, float]] = None,
                on_progress: Optional[ProgressFn] = None, cancel: Optional[threading.Event] = None,
                region: Optional[Region] = None, outside_styles: Sequence[Image.Image] = (),
                work_share: Optional[float] = None) -> tuple[Image.Image, dict]:
    """What the style job and the command line call: a transfer at ``settings.size``, a print of
    ``long_side`` px, or a wallpaper ``shape`` (the photo cropped around ``centre`` or its subject, or
    extended, by ``fit``). A print or wallpaper is transferred at about ``settings.size`` (the
    quality's size: its strokes) and finished tile by tile; returns the picture and its recipe."""
    from engine.images.shapes import fit_to_shape, result_size
    from engine.style.transfer import stylize
    size = result_size(content.size, long_side, shape)
    framed = {}
    if shape:
        content = fit_to_shape(content, shape, fit, centre)
        region, outside_styles = None, ()  # a region was drawn on the photo, not on the wallpaper's frame
        framed = {"shape": shape, "fit": fit, **({"crop_centre": list(centre)} if centre and fit == "crop" else {})}
    if size is None:
        picture = stylize(content, list(styles), weights, settings, net, on_progress=on_progress, cancel=cancel,
                          region=region, outside_styles=list(outside_styles))
        return picture, {**settings.recipe(), **region_recipe(region)}
    picture = print_style(content, styles, settings, net, size, weights, on_progress, cancel, region,
                          work_side=style_work_side(settings.size), outside_styles=outside_styles,
                          work_share=work_share)
    return picture, {**settings.recipe(), **region_recipe(region), **print_recipe(size, style_work_side(settings.size)),
                     **framed}


def dream_recipe(settings: DreamSettings, size: tuple[int, int], region: Optional[Region] = None) -> dict:
    """A print's recipe: the dream's, its size, and the 300 dpi its PNG states."""
    return {**settings.recipe(), **region_recipe(region), **print_recipe(size)}


__all__ = ["Resume", "sized_dream", "sized_style", "print_dream", "print_palette", "print_style", "finish", "enlarge", "finish_tile", "tile_boxes",
           "dream_recipe", "WORK_SIDE"]
