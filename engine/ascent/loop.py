"""The one gradient-ascent loop that Deep Dream, the Filter Gallery and the Hybrid Palette share.

A *canvas* owns the picture's parameters: ``render()`` gives pixels [B, 3, H, W] in [0, 1]
(differentiable w.r.t. the parameters) and ``update(pixels, grad)`` takes one ascent step
given the gradient of the objective w.r.t. those pixels. The loop computes that gradient
tile by tile, with random jitter, so pictures of any size fit in memory and show no seams.
"""
from __future__ import annotations

from typing import Callable, Optional, Protocol

import torch

from engine.network import fast
from engine.ascent.objectives import Objective
from engine.ascent.smoothing import smooth_gradient

Transform = Callable[[torch.Tensor, torch.Generator], torch.Tensor]


class Canvas(Protocol):
    def render(self) -> torch.Tensor: ...

    def update(self, pixels: torch.Tensor, grad: torch.Tensor) -> None: ...


class PixelCanvas:
    """The picture itself is the parameter: normalised-gradient steps, clipped to valid pixels.

    With a ``mask`` [1, 1, H, W] in 0..1 the picture changes only inside it: the gradient is
    weighted by the mask (soft edges change less), normalised over the region alone (a small
    region moves as fast as a whole picture), and ``keep`` (default: the starting pixels) is
    restored wherever the mask is 0, so nothing outside ever moves.

    ``smoothness`` (0 = off) smooths each step (``engine.ascent.smoothing.smooth_gradient``) so that
    it paints shapes, not pixel-level rainbow grain; with ``wrap`` (a seamless tile) across the
    picture's opposite edges."""

    def __init__(self, pixels: torch.Tensor, step_size: float, mask: Optional[torch.Tensor] = None,
                 keep: Optional[torch.Tensor] = None, smoothness: float = 0.0, wrap: bool = False):
        self.pixels = pixels.detach().clone()
        self.step_size = step_size
        self.smoothness = smoothness
        self.wrap = wrap
        self.mask = mask
        if mask is not None:
            self.keep = (self.pixels if keep is None else keep.detach()).clone()
            self.pixels = self._hold_outside(self.pixels)

    def render(self) -> torch.Tensor:
        return self.pixels

    def update(self, pixels: torch.Tensor, grad: torch.Tensor) -> None:
        grad = smooth_gradient(grad, self.smoothness, self.wrap)
        if self.mask is not None:
            grad = grad * self.mask
        scale = grad.abs().mean(dim=(1, 2, 3), keepdim=True) / self._coverage() + 1e-8
        self.pixels = (self.pixels + self.step_size * grad / scale).clamp_(0.0, 1.0)
        if self.mask is not None:
            self.pixels = self._hold_outside(self.pixels)

    def _coverage(self) -> torch.Tensor | float:
        if self.mask is None:
            return 1.0
        return self.mask.mean(dim=(1, 2, 3), keepdim=True).clamp_min(1e-6)

    def _hold_outside(self, pixels: torch.Tensor) -> torch.Tensor:
        return torch.where(self.mask > 0, pixels, self.keep)


def cuts(length: int, tile: int) -> list[int]:
    """Tile boundaries along one axis: as few equal tiles as fit ``tile``."""
    count = -(-length // tile)
    return [round(k * length / count) for k in range(count + 1)]


def tile_slices(height: int, width: int, tile: Optional[int]):
    """Rectangles of (nearly) one shape covering the picture, at most ``tile`` on a side.

    The grid itself stays put: a fixed shape lets the convolution library reuse its prepared
    kernels from step to step (a grid that changes shape every step made each step about twice
    as slow). ``pixel_gradient`` moves the picture under the grid instead, so seams never settle."""
    if not tile or (height <= tile and width <= tile):
        return [(slice(0, height), slice(0, width))]
    ys, xs = cuts(height, tile), cuts(width, tile)
    return [(slice(y0, y1), slice(x0, x1)) for y0, y1 in zip(ys, ys[1:]) for x0, x1 in zip(xs, xs[1:])]


def pixel_gradient(net, objective: Objective, pixels: torch.Tensor, *, tile: Optional[int],
                   generator: torch.Generator, transform: Optional[Transform] = None) -> torch.Tensor:
    """d objective / d pixels, tile by tile. Each tile's share is weighted by its area.

    With several tiles the picture is first rolled by a random offset of up to one tile (and the
    gradient rolled back), as in Google's original Deep Dream, so the seams land somewhere new
    every step."""
    height, width = pixels.shape[-2:]
    tiles = tile_slices(height, width, tile)
    if len(tiles) == 1:
        return _gradient(net, objective, pixels, generator, transform)
    tile_h, tile_w = tiles[0][0].stop, tiles[0][1].stop
    dy, dx = (int(v) for v in torch.randint(0, 1 << 30, (2,), generator=generator))
    dy, dx = dy % tile_h, dx % tile_w
    rolled = pixels.roll((dy, dx), dims=(2, 3))
    grad = torch.empty_like(pixels)
    for ys, xs in tiles:
        part = rolled[..., ys, xs]
        share = part.shape[-2] * part.shape[-1] / (height * width)
        grad[..., ys, xs] = _gradient(net, objective, part, generator, transform) * share
    return grad.roll((-dy, -dx), dims=(2, 3))


def _gradient(net, objective, pixels, generator, transform) -> torch.Tensor:
    pixels = pixels.detach().requires_grad_(True)
    seen = transform(pixels, generator) if transform else pixels
    score = objective(net(seen, objective.layers)).sum()
    scale = fast.grad_scale(net)  # float16 gradients would underflow without it
    (grad,) = torch.autograd.grad(score * scale, pixels)
    return grad / scale if scale != 1.0 else grad


def random_roll(max_shift: int, generator: torch.Generator) -> tuple[int, int]:
    if max_shift <= 0:
        return 0, 0
    dy, dx = torch.randint(-max_shift, max_shift + 1, (2,), generator=generator)
    return int(dy), int(dx)


def ascend(canvas: Canvas, net, objective: Objective, *, steps: int, generator: torch.Generator,
           jitter: int = 0, tile: Optional[int] = None, transform: Optional[Transform] = None,
           on_step: Optional[Callable[[int], None]] = None,
           check_cancel: Optional[Callable[[], None]] = None) -> Canvas:
    """Run ``steps`` of gradient ascent on ``canvas``.

    ``jitter`` rolls the picture by up to that many pixels each step (the gradient is rolled
    back), ``transform`` applies differentiable random transformations before the network,
    ``on_step(step)`` is called after each step, ``check_cancel()`` before each.
    """
    for step in range(1, steps + 1):
        if check_cancel:
            check_cancel()
        pixels = canvas.render()
        dy, dx = random_roll(jitter, generator)
        rolled = pixels.detach().roll((dy, dx), dims=(2, 3)) if (dy or dx) else pixels.detach()
        grad = pixel_gradient(net, objective, rolled, tile=tile, generator=generator, transform=transform)
        if dy or dx:
            grad = grad.roll((-dy, -dx), dims=(2, 3))
        canvas.update(pixels, grad)
        if on_step:
            on_step(step)
    return canvas
