"""The palette's objective: the weighted sum of the chosen filters' mean activations, each divided by
how hard it pulls on the start's pixels (``term_scales``), so the weights alone decide the mix, not the
layer; a negative weight suppresses a filter. ``filter_rises`` measures how far each filter rose."""
from __future__ import annotations

from typing import Sequence

import torch
from PIL import Image

from engine.ascent.objectives import Objective, channel, scaled
from engine.dreaming.palette.data import PaletteFilter, PaletteLike, as_palette, check_palette
from engine.images.tensors import to_tensor


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
