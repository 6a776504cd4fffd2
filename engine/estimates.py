"""How long each kind of job will take, without torch: its gradients counted as the engine makes
them, priced with this machine's step costs (``engine.timing``). None where the costs were not
measured yet (the page then says nothing, or "estimated once the network is ready").

The constants below are what a job does besides gradients, measured with
``benchmarks/bench_estimate.py`` (which checks every estimate against the real job).
"""
from __future__ import annotations

from typing import Optional, Sequence

from engine.catalog import get_spec
from engine.dreaming.settings import DreamSettings, octave_sizes
from engine.images.shapes import STYLE_FINISH_STEPS, finish_plan, style_work_side
from engine.motion.settings import VideoSettings, ZoomSettings
from engine.timing import ModelCosts, StepCosts, finish_extents, finish_seconds, octave_seconds, step_seconds

# A style step (one L-BFGS loss evaluation: content + Gram + smoothing terms, and the optimiser's own
# update) in gradients of its deepest layer. Since the network's convolutions and ReLU6 run fused
# (engine/network/fast.py) a dream's gradient is cheaper and the rest of a style step is not:
# bench_estimate on a quiet machine gave style 0.57 (estimate / actual) at 1.0 while the dream gave 1.01.
STYLE_STEP = 1.7
STYLE_SCALE_SETUP = 2.0  # per scale: the style pictures' and the photo's targets, in gradients
# A frame of an animation besides its steps (warp, preview, PIL round trips), and a dreamed clip's
# optical flow and warp per frame (s / Mpx). Re-measured 2026-12-03 on a quiet machine (timers around
# the flow, the warp and the gradients of bench_estimate's zoom and clip, a throwaway script): flow
# and warp 0.15 s for 12 frames of 320x213 px, everything but the gradients 0.48 s of a 36-frame
# zoom. With the earlier 0.35 and 1.2, bench_estimate put the clip at 1.8x its time and the zoom at
# 1.35x that day; now 1.14x and 1.08x.
FRAME_PER_MPX = 0.05
FLOW_PER_MPX = 0.2
PASTE_PER_MPX = 0.25  # a print's enlargements and tile cross-fades (s / Mpx of each finishing size)
JOB_START = 0.3  # a job's own start: the objective's reference pass, pictures in and out (s)


def _costs(model: str, costs: Optional[StepCosts]) -> Optional[ModelCosts]:
    costs = costs if costs is not None else StepCosts.load()
    return costs.models.get(model)


def _share(model_costs: ModelCosts, model: str, layers: Sequence[str]) -> float:
    return model_costs.share(list(layers), get_spec(model).layer_names())


def dream_seconds(settings: DreamSettings, size: tuple[int, int], costs: Optional[StepCosts] = None) -> Optional[float]:
    """A Deep Dream of a picture of ``size`` (W, H)."""
    mc = _costs(settings.model, costs)
    if mc is None:
        return None
    w, h = size
    sizes = octave_sizes(h, w, settings.octaves, settings.octave_scale)
    return JOB_START + octave_seconds(mc, sizes, settings.steps, _share(mc, settings.model, settings.layers),
                                      settings.tile)


def print_seconds(settings: DreamSettings, size: tuple[int, int], costs: Optional[StepCosts] = None) -> Optional[float]:
    """A print (``engine.dreaming.printing.print_dream``) of exactly ``size`` (W, H)."""
    mc = _costs(settings.model, costs)
    if mc is None:
        return None
    work, levels = finish_plan(size)
    share = _share(mc, settings.model, settings.layers)
    sizes = octave_sizes(work[1], work[0], settings.octaves, settings.octave_scale)
    return (JOB_START + octave_seconds(mc, sizes, settings.steps, share, settings.tile)
            + finish_seconds(mc, levels, share) + sum(PASTE_PER_MPX * w * h / 1e6 for w, h in levels))


def palette_seconds(settings, start_kind: str, size: tuple[int, int], palettes: Sequence[Sequence],
                    costs: Optional[StepCosts] = None) -> Optional[float]:
    """A palette painting (``PaletteSettings``) on a photo of ``size`` or a canvas start; ``palettes``
    are lists of filters (anything with ``.layer``, or dicts / tuples as ``as_palette`` reads)."""
    from engine.dreaming.palette.data import as_palette
    from engine.dreaming.palette.settings import shares
    mc = _costs(settings.model, costs)
    if mc is None:
        return None
    palettes = [as_palette(p) for p in palettes]
    layers = sorted({f.layer for p in palettes for f in p})
    share = _share(mc, settings.model, layers)
    if start_kind == "photo":
        schedule = settings.photo
        w, h = size
        sizes = octave_sizes(h, w, schedule.octaves, schedule.octave_scale)
        scales = sum((1 + len(p)) * mc.gradient(sizes[0][0] * sizes[0][1], share) for p in palettes)
        return JOB_START + scales + sum(octave_seconds(mc, sizes, n, share, schedule.tile)
                                        for n in shares(schedule.steps, len(palettes)))
    side = settings.canvas.size
    scales = sum((1 + len(p)) * mc.gradient(side * side, share) for p in palettes)
    return JOB_START + scales + settings.canvas.steps * step_seconds(mc, side, side, share, settings.canvas.tile,
                                                                     canvas="fourier")


def palette_print_seconds(settings, size: tuple[int, int], palettes: Sequence[Sequence],
                          costs: Optional[StepCosts] = None) -> Optional[float]:
    """A palette print on a photo (``engine.dreaming.printing.print_palette``) of exactly ``size`` (W, H):
    painted at the working size, then finished tile by tile with the last palette."""
    from engine.dreaming.palette.data import as_palette
    mc = _costs(settings.model, costs)
    if mc is None:
        return None
    work, levels = finish_plan(size)
    share = _share(mc, settings.model, sorted({f.layer for f in as_palette(palettes[-1])}))
    return (palette_seconds(settings, "photo", work, palettes, costs) + finish_seconds(mc, levels, share)
            + sum(PASTE_PER_MPX * w * h / 1e6 for w, h in levels))


def style_seconds(settings, content_size: tuple[int, int], styles: int = 1,
                  costs: Optional[StepCosts] = None) -> Optional[float]:
    """A style transfer (``StyleSettings``) of a photo of ``content_size`` (W, H) with ``styles`` paintings."""
    mc = _costs(settings.model, costs)
    if mc is None:
        return None
    content, style = settings.layers()
    share = _share(mc, settings.model, [*content, *style])
    w, h = content_size
    scale = settings.size / max(w, h)
    width, height = max(1, round(w * scale)), max(1, round(h * scale))
    sizes = _scale_sizes(height, width, settings.scales)
    steps = _steps_per_scale(settings.steps, settings.scales, len(sizes))
    total = JOB_START
    for (sh, sw), n in zip(sizes, steps):
        one = mc.gradient(sh * sw, share)
        total += n * STYLE_STEP * one + STYLE_SCALE_SETUP * (1 + styles * settings.brush ** 2) * one
    return total


MAX_STYLE_SIDE = 1600  # engine.style.transfer's: a painting is never enlarged beyond this (its Grams at print size)
FORWARD = 0.4  # a forward pass alone, as a share of a gradient (forward + backward)


def style_print_seconds(settings, size: tuple[int, int], styles: int = 1,
                        costs: Optional[StepCosts] = None) -> Optional[float]:
    """A style print or wallpaper (``engine.dreaming.printing.print_style``) of exactly ``size`` (W, H):
    the transfer at the working size, the paintings' Grams at print size, then every tile's L-BFGS."""
    from dataclasses import replace
    mc = _costs(settings.model, costs)
    if mc is None:
        return None
    work_size, levels = finish_plan(size, style_work_side(settings.size))
    total = style_seconds(replace(settings, size=max(work_size)), work_size, styles, costs)
    if not levels or settings.keep_colors:  # keeping the colours only enlarges the tiles
        return total + sum(PASTE_PER_MPX * w * h / 1e6 for w, h in levels)
    content, style = settings.layers()
    share = _share(mc, settings.model, [*content, *style])
    side = min(MAX_STYLE_SIDE, max(size) * settings.brush)
    total += styles * FORWARD * mc.gradient(side * side * min(size) / max(size), share)
    for w, h in levels:
        for tile_h in finish_extents(h):
            for tile_w in finish_extents(w):
                total += (STYLE_FINISH_STEPS * STYLE_STEP + FORWARD) * mc.gradient(tile_h * tile_w, share)
        total += PASTE_PER_MPX * w * h / 1e6
    return total


def _scale_sizes(height: int, width: int, scales: int) -> list[tuple[int, int]]:
    """As ``engine.style.transfer.scale_sizes`` (kept in step by tests/test_estimates.py)."""
    sizes = []
    for k in reversed(range(scales)):
        h, w = round(height / 2 ** k), round(width / 2 ** k)
        if max(h, w) >= 64 or k == 0:
            sizes.append((h, w))
    return sizes


def _steps_per_scale(steps: int, scales: int, count: int) -> list[int]:
    schedule = [steps * 2 ** (scales - 1 - i) for i in range(scales)]
    return schedule[:1] + schedule[len(schedule) - count + 1:] if count < scales else schedule


def zoom_seconds(settings: ZoomSettings, size: tuple[int, int], costs: Optional[StepCosts] = None) -> Optional[float]:
    """A zoom journey of ``settings.frames`` frames of ``size`` (W, H), encoding included."""
    mc = _costs(settings.model, costs)
    if mc is None:
        return None
    w, h = size
    mpx = w * h / 1e6
    total = JOB_START + mc.encode_start
    for frame in range(settings.frames):
        share = _share(mc, settings.model, settings.legs[settings.leg_of(frame)])
        if frame == 0:
            sizes = octave_sizes(h, w, settings.first_octaves, DreamSettings.octave_scale)
            total += octave_seconds(mc, sizes, settings.first_steps, share, settings.tile)
        else:
            total += settings.steps * step_seconds(mc, h, w, share, settings.tile)
        total += (FRAME_PER_MPX + mc.encode_per_mpx) * mpx
    return total


def clip_seconds(settings: VideoSettings, frames: int, size: tuple[int, int],
                 costs: Optional[StepCosts] = None) -> Optional[float]:
    """A dreamed clip of ``frames`` frames of ``size`` (W, H), flow and encoding included."""
    mc = _costs(settings.model, costs)
    if mc is None:
        return None
    w, h = size
    share = _share(mc, settings.model, settings.layers)
    sizes = octave_sizes(h, w, settings.octaves, settings.octave_scale)
    first = octave_seconds(mc, sizes, settings.steps, share, settings.tile)
    later = octave_seconds(mc, sizes, settings.steps, share, settings.tile, new_shapes=False)
    extras = (FRAME_PER_MPX + mc.encode_per_mpx + (FLOW_PER_MPX if settings.follow_motion else 0)) * w * h / 1e6
    return JOB_START + mc.encode_start + first + (frames - 1) * later + frames * extras


def _part(part: Optional[float], whole: Optional[float]) -> Optional[float]:
    return None if not part or not whole else min(0.95, max(0.05, part / whole))


def style_work_share(settings, size: tuple[int, int], styles: int = 1,
                     costs: Optional[StepCosts] = None) -> Optional[float]:
    """The part of a style print's time spent transferring at the working size (its progress's
    share), None before the costs are measured. The finish's many tiles usually take most of it."""
    from dataclasses import replace
    work_size, levels = finish_plan(size, style_work_side(settings.size))
    if not levels:
        return 1.0
    return _part(style_seconds(replace(settings, size=max(work_size)), work_size, styles, costs),
                 style_print_seconds(settings, size, styles, costs))


def palette_work_share(settings, size: tuple[int, int], palettes: Sequence[Sequence],
                       costs: Optional[StepCosts] = None) -> Optional[float]:
    """The part of a palette print's time (a photo start) spent painting at the working size."""
    work, levels = finish_plan(size)
    if not levels:
        return 1.0
    return _part(palette_seconds(settings, "photo", work, palettes, costs),
                 palette_print_seconds(settings, size, palettes, costs))
