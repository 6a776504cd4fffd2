"""Style transfer (Gatys et al.): a photo repainted in the manner of one or more paintings.

The network's feature maps hold a picture's *content*; the correlations between feature maps
(Gram matrices) hold its *style*. Starting from the photo, the pixels are adjusted until the
features match the photo and the Gram matrices match the paintings'.

Speed comes from solving coarse to fine: most of the work happens on a small picture, which is
then scaled up and refined. The optimiser is L-BFGS (or Adam). ``ascend`` in ``ascent.py`` is a
one-step-at-a-time ascent loop; L-BFGS needs a loss closure it may call itself, so style transfer
has its own small loop here (``_optimise``), shared by both optimisers; the optimisers are in ``optimisers.py``.
"""
from __future__ import annotations

import contextlib
import threading
from dataclasses import dataclass
from typing import Optional, Sequence

from engine.catalog import BUILTIN_STYLES, QUALITIES, STYLES_DIR, builtin_style_path  # noqa: F401
import torch
import torch.nn.functional as F
from PIL import Image

from engine.network import fast
from engine.images.pictures import fit_side
from engine.images.tensors import region_mask, resize, to_pil, to_tensor
from engine.ascent.optimisers import LBFGS, Adam
from engine.network.models import FeatureNet
from engine.progress import ProgressFn, Reporter
from engine.images.region import Region
from engine.style.settings import StyleSettings

LBFGS_HISTORY = 50  # corrections remembered, as in most Gatys implementations
MIN_SCALE_SIDE = 64  # coarse scales smaller than this (longest side) are skipped
MAX_STYLE_SIDE = 1600  # style pictures are never enlarged beyond this


# --- the loss ---------------------------------------------------------------------------------

def positions(features: torch.Tensor) -> torch.Tensor:
    """Features [B, C, H, W] as rows [B, H*W, C], one row per position. For channels-last
    activations (the engine's CPU and CUDA layout) this is a view, and the gradient flowing back
    keeps that layout: a [B, C, H*W] reshape would copy every activation forward and add its
    gradient back across layouts (5-10% of a style step, measured with a throwaway script)."""
    b, c, h, w = features.shape
    return features.permute(0, 2, 3, 1).reshape(b, h * w, c)


class _Gram(torch.autograd.Function):
    """rows^T rows / n in float32 (float64 stays float64), whatever the rows' dtype; the gradient
    comes back in the rows' own dtype (bfloat16 under reduced precision), so it joins the network's
    backward pass without a float32 gradient of every activation and a conversion back (at 384 px
    that took a tenth of a style step)."""

    @staticmethod
    def forward(ctx, rows):
        ctx.save_for_backward(rows)
        full = rows.to(torch.promote_types(rows.dtype, torch.float32))
        return full.transpose(1, 2) @ full / rows.shape[1]

    @staticmethod
    def backward(ctx, grad):
        (rows,) = ctx.saved_tensors
        both = (grad + grad.transpose(1, 2)) / rows.shape[1]
        return rows @ both.to(rows.dtype)


def gram(features: torch.Tensor) -> torch.Tensor:
    """Gram matrices [B, C, C] of features [B, C, H, W], in float32, averaged over positions."""
    return _Gram.apply(positions(features))


def masked_gram(features: torch.Tensor, weights: torch.Tensor) -> torch.Tensor:
    """Gram matrices of features [B, C, H, W] averaged over positions weighted by ``weights``
    [B or 1, 1, H, W] (a soft region): the style of that part of the picture only."""
    rows = positions(features.float())
    wts = positions(weights.float())  # [B or 1, H*W, 1]
    return (rows * wts).transpose(1, 2) @ rows / wts.sum(dim=1, keepdim=True).clamp_min(1e-6)


def relative_size(target: torch.Tensor) -> torch.Tensor:
    """The mean square of a target, by which a squared difference from it is divided."""
    return target.pow(2).mean() + 1e-8


def gram_distance(found: torch.Tensor, target: torch.Tensor, size: Optional[torch.Tensor] = None) -> torch.Tensor:
    """Squared difference of Gram matrices relative to the target's size (``size``: that size, if known)."""
    return (found - target).pow(2).mean() / (relative_size(target) if size is None else size)


def style_weight(strength: float) -> float:
    """Style strength 0..1 -> weight of the style loss against the content loss (log scale)."""
    return 10.0 ** (-0.5 + 2.5 * strength)


def tv_weight(smoothing: float) -> float:
    return 200.0 * smoothing ** 2


def total_variation(pixels: torch.Tensor) -> torch.Tensor:
    """Mean squared difference between neighbouring pixels."""
    dy = pixels[..., 1:, :] - pixels[..., :-1, :]
    dx = pixels[..., :, 1:] - pixels[..., :, :-1]
    return dy.pow(2).mean() + dx.pow(2).mean()


@dataclass
class Targets:
    """What one scale aims at: the photo's features and the paintings' (blended) Gram matrices.

    With a ``mask`` [1, 1, H, W], ``grams`` is the style inside it and ``outside_grams`` the style
    outside it (None: no style outside, the photo stays there)."""
    content: dict[str, torch.Tensor]
    grams: dict[str, torch.Tensor]
    mask: Optional[torch.Tensor] = None
    outside_grams: Optional[dict[str, torch.Tensor]] = None

    def __post_init__(self):
        # Each target's size, once per scale rather than at every step (each is a few small tensor
        # operations, and a coarse scale's step is made of small operations).
        sizes = lambda targets: {layer: relative_size(t) for layer, t in (targets or {}).items()}
        self.content_sizes, self.gram_sizes = sizes(self.content), sizes(self.grams)
        self.outside_gram_sizes = sizes(self.outside_grams)


class StyleLoss:
    """content + strength-weighted style + smoothing, each term normalised so that their sizes do
    not depend on the layer, the model or the picture size. Used by ``stylize`` and the benchmark."""

    def __init__(self, net: FeatureNet, content_layers: dict[str, float], style_layers: dict[str, float],
                 strength: float, smoothing: float, half: bool = False, float_only: bool = False):
        for layer in (*content_layers, *style_layers):
            net.spec.layer(layer)  # a clear error for unknown layers
        self.net = net
        self.content_layers = content_layers
        self.style_layers = style_layers
        self.layers = set(content_layers) | set(style_layers)
        self.style_weight = style_weight(strength)
        self.tv_weight = tv_weight(smoothing)
        self.half = half
        self.float_only = float_only

    def features(self, pixels: torch.Tensor, layers=None, as_computed: bool = False) -> dict[str, torch.Tensor]:
        with self._autocast():
            return self.net(pixels, layers or self.layers, as_computed=as_computed)

    def _autocast(self):
        if self.float_only:
            return fast.float_only()
        if not self.half:
            return contextlib.nullcontext()
        device = self.net.device.type
        return torch.autocast(device, dtype=torch.float16 if device == "cuda" else torch.bfloat16)

    def targets(self, content: torch.Tensor, styles: Sequence[torch.Tensor], weights: Sequence[float],
                mask: Optional[torch.Tensor] = None, outside_styles: Sequence[torch.Tensor] = (),
                outside_weights: Optional[Sequence[float]] = None) -> Targets:
        with torch.no_grad():
            acts = self.features(content, self.content_layers)
            content_feats = {layer: acts[layer].float() for layer in self.content_layers}
            grams = self._blended_grams(styles, weights)
            outside = None
            if mask is not None and outside_styles:
                outside = self._blended_grams(outside_styles, outside_weights or [1.0] * len(outside_styles))
        return Targets(content_feats, grams, mask, outside)

    def _blended_grams(self, styles: Sequence[torch.Tensor], weights: Sequence[float]) -> dict[str, torch.Tensor]:
        grams = {layer: 0.0 for layer in self.style_layers}
        total = sum(weights)
        for style, weight in zip(styles, weights):
            if weight == 0:
                continue
            acts = self.features(style, self.style_layers)
            for layer in self.style_layers:
                grams[layer] = grams[layer] + gram(acts[layer]) * (weight / total)
        return grams

    def _style_term(self, features: torch.Tensor, layer: str, targets: Targets) -> torch.Tensor:
        """How far the picture's style is from the target. With a region each side is matched to its
        own target, weighted by its share of the picture (so a small region is painted as strongly,
        per pixel, as a whole picture)."""
        if targets.mask is None:
            return gram_distance(gram(features), targets.grams[layer], targets.gram_sizes[layer])
        inside = F.adaptive_avg_pool2d(targets.mask, features.shape[-2:])
        term = inside.mean() * gram_distance(masked_gram(features, inside), targets.grams[layer],
                                             targets.gram_sizes[layer])
        if targets.outside_grams is not None:
            outside = 1.0 - inside
            term = term + outside.mean() * gram_distance(masked_gram(features, outside),
                                                         targets.outside_grams[layer],
                                                         targets.outside_gram_sizes[layer])
        return term

    def parts(self, pixels: torch.Tensor, targets: Targets) -> dict[str, torch.Tensor]:
        acts = self.features(pixels, as_computed=True)  # the Gram matrices take any dtype
        content = sum(w * (acts[l].float() - targets.content[l]).pow(2).mean() / targets.content_sizes[l]
                      for l, w in self.content_layers.items())
        style = sum(w * self._style_term(acts[l], l, targets) for l, w in self.style_layers.items())
        content = content / sum(self.content_layers.values())
        style = style / sum(self.style_layers.values())
        return {"content": content, "style": style, "tv": total_variation(pixels)}

    def total(self, parts: dict[str, torch.Tensor], pixels: torch.Tensor) -> torch.Tensor:
        # Pixels straying outside [0, 1] are pulled back gently (L-BFGS dislikes hard clamps).
        outside = (pixels - pixels.detach().clamp(0, 1)).pow(2).mean()
        return (parts["content"] + self.style_weight * parts["style"] + self.tv_weight * parts["tv"]
                + 1e3 * outside)

    def __call__(self, pixels: torch.Tensor, targets: Targets) -> torch.Tensor:
        return self.total(self.parts(pixels, targets), pixels)


# --- colour ---------------------------------------------------------------------------------

YUV = torch.tensor([[0.299, 0.587, 0.114], [-0.14713, -0.28886, 0.436], [0.615, -0.51499, -0.10001]])


def to_yuv(pixels: torch.Tensor) -> torch.Tensor:
    return torch.einsum("ij,bjhw->bihw", YUV.to(pixels.device), pixels)


def from_yuv(yuv: torch.Tensor) -> torch.Tensor:
    return torch.einsum("ij,bjhw->bihw", torch.linalg.inv(YUV).to(yuv.device), yuv)


def luminance(pixels: torch.Tensor) -> torch.Tensor:
    """Grey version [B, 3, H, W] of a picture (its luma in all three channels)."""
    return to_yuv(pixels)[:, :1].expand(-1, 3, -1, -1).contiguous()


def match_luminance(style: torch.Tensor, content: torch.Tensor) -> torch.Tensor:
    """The style's grey picture with its brightness mean and spread matched to the photo's."""
    ys, yc = luminance(style), luminance(content)
    return ((ys - ys.mean()) * (yc.std() / (ys.std() + 1e-6)) + yc.mean()).clamp(0, 1)


def recolour(grey_result: torch.Tensor, content: torch.Tensor) -> torch.Tensor:
    """Brightness from the result, colour (U, V) from the photo."""
    yuv = to_yuv(content)
    yuv = torch.cat([grey_result.mean(dim=1, keepdim=True), yuv[:, 1:]], dim=1)
    return from_yuv(yuv).clamp(0, 1)


# --- the solver -------------------------------------------------------------------------------

def scale_sizes(height: int, width: int, scales: int) -> list[tuple[int, int]]:
    """Sizes from coarse to fine, each half the next; too-small ones are dropped."""
    sizes = []
    for k in reversed(range(scales)):
        h, w = round(height / 2 ** k), round(width / 2 ** k)
        if max(h, w) >= MIN_SCALE_SIDE or k == 0:
            sizes.append((h, w))
    return sizes


def steps_per_scale(steps: int, scales: int, count: Optional[int] = None) -> list[int]:
    """Twice the steps at each coarser scale: they are four times cheaper. When only ``count`` of
    the ``scales`` fit (small pictures), the coarsest one kept gets the most steps, so a picture
    is painted about equally far whatever its size."""
    count = scales if count is None else count
    schedule = [steps * 2 ** (scales - 1 - i) for i in range(scales)]
    return schedule[:1] + schedule[len(schedule) - count + 1:] if count < scales else schedule


def _style_tensor(style: Image.Image, size: tuple[int, int], brush: float, device) -> torch.Tensor:
    side = min(MAX_STYLE_SIDE, max(32, round(max(size) * brush)))
    w, h = fit_side(style.size, side)
    return to_tensor(style.convert("RGB").resize((w, h), Image.LANCZOS), device)


def _styles_at(styles: Sequence[Image.Image], size: tuple[int, int], settings: StyleSettings,
               photo: torch.Tensor, device) -> list[torch.Tensor]:
    tensors = [_style_tensor(style, size, settings.brush, device) for style in styles]
    return [match_luminance(t, photo) for t in tensors] if settings.keep_colors else tensors


def _optimise(pixels: torch.Tensor, loss_fn, steps: int, optimizer: str, on_step) -> torch.Tensor:
    """Minimise ``loss_fn(pixels)`` for ``steps`` loss evaluations; ``on_step(step, pixels)`` after each.

    L-BFGS (``optimisers.py``) counts every loss evaluation as a step."""
    shape = pixels.shape
    done, last_good = 0, pixels.detach()

    def loss_and_gradient(flat: torch.Tensor) -> tuple[float, torch.Tensor]:
        nonlocal done, last_good
        x = flat.view(shape).detach().requires_grad_(True)
        loss = loss_fn(x)
        if not torch.isfinite(loss):
            raise _Diverged()
        last_good = x.detach()
        (gradient,) = torch.autograd.grad(loss, x)
        done += 1
        on_step(done, x.detach())
        return float(loss.detach()), gradient

    try:
        if optimizer == "lbfgs":
            solver = LBFGS(pixels.contiguous(), loss_and_gradient, history=min(LBFGS_HISTORY, steps))
            for _ in range(steps):
                solver.step()
            return solver.x.view(shape).clamp(0, 1)
        return _adam(pixels, loss_and_gradient, steps)
    except _Diverged:  # rare, with extreme settings: keep the last sound picture
        return last_good.clamp(0, 1)


def _adam(pixels: torch.Tensor, loss_and_gradient, steps: int) -> torch.Tensor:
    pixels = pixels.detach().clone(memory_format=torch.contiguous_format).requires_grad_(True)
    opt = Adam([pixels], lr=0.01)
    for _ in range(steps):
        _, pixels.grad = loss_and_gradient(pixels.detach().flatten())
        opt.step()
        with torch.no_grad():
            pixels.clamp_(0, 1)
    return pixels.detach()


class _Diverged(Exception):
    pass


def _use_half(settings: StyleSettings, net: FeatureNet) -> bool:
    if settings.precision == "auto":
        return net.device.type == "cuda"
    return settings.precision == "half"


def _style_loss(settings: StyleSettings, net: FeatureNet) -> StyleLoss:
    content_layers, style_layers = settings.layers()
    return StyleLoss(net, content_layers, style_layers, settings.strength, settings.smoothing,
                     half=_use_half(settings, net), float_only=settings.precision == "float")


def stylize(content: Image.Image, styles: Sequence[Image.Image], weights: Optional[Sequence[float]] = None,
            settings: Optional[StyleSettings] = None, net: Optional[FeatureNet] = None,
            init_image: Optional[Image.Image] = None, on_progress: Optional[ProgressFn] = None,
            cancel: Optional[threading.Event] = None, region: Optional[Region] = None,
            outside_styles: Sequence[Image.Image] = ()) -> Image.Image:
    """Paint ``content`` in the manner of ``styles`` (blended by ``weights``).

    With a ``region``, ``styles`` paint its inside and ``outside_styles`` (blended equally) its
    outside; without outside styles the photo itself stays outside (blended in by the region's
    soft edge).

    Returns a picture with the photo's aspect ratio and ``settings.size`` as its longest side.
    Progress is reported per step with stage "scale" and a preview every few steps; setting
    ``cancel`` raises ``Cancelled`` carrying the picture as far as it got.
    """
    settings = settings or StyleSettings()
    weights = _checked_weights(styles, weights, settings, region, outside_styles, init_image)
    if net is None:
        from engine.network.models import load_model
        net = load_model(settings.model)
    settings.style_weights = [float(w) for w in weights]

    generator = torch.Generator().manual_seed(settings.seed)
    loss = _style_loss(settings, net)
    device = net.device
    width, height = fit_side(content.size, settings.size)
    photo = to_tensor(content.convert("RGB").resize((width, height), Image.LANCZOS), device)
    sizes = scale_sizes(height, width, settings.scales)
    steps = steps_per_scale(settings.steps, settings.scales, len(sizes))
    reporter = Reporter(on_progress, cancel, "scale", [h * w * n for (h, w), n in zip(sizes, steps)])

    photo_outside = region if not outside_styles else None  # without outside styles the photo stays outside

    def shown(pixels: torch.Tensor, size) -> torch.Tensor:
        return _as_shown(pixels, resize(photo, size), settings.keep_colors, photo_outside)

    pixels, previous_photo = None, None
    for index, (size, n) in enumerate(zip(sizes, steps)):
        photo_here, targets = _targets_at(loss, photo, size, styles, outside_styles, weights, settings, region)
        if pixels is None:
            pixels = _initial(settings, photo_here, init_image, generator, size, device)
        else:
            pixels = _upscale(pixels, previous_photo, photo_here)
        previous_photo = photo_here

        def on_step(step: int, current: torch.Tensor, index=index, n=n, size=size) -> None:
            reporter.watch(lambda: to_pil(shown(current.clamp(0, 1), size)))
            reporter.step(index, step, n)
            if step < n:
                reporter.check_cancel()

        reporter.check_cancel()
        pixels = _optimise(pixels, lambda p: loss(p, targets), n, settings.optimizer, on_step)
        reporter.watch(lambda pixels=pixels, size=size: to_pil(shown(pixels, size)))
    return to_pil(shown(pixels, sizes[-1]))


def _checked_weights(styles: Sequence[Image.Image], weights: Optional[Sequence[float]], settings: StyleSettings,
                     region: Optional[Region], outside_styles: Sequence[Image.Image],
                     init_image: Optional[Image.Image]) -> list[float]:
    """The style weights (equal unless given), once the inputs are known paintable; ValueError otherwise."""
    settings.validate()
    if not styles:
        raise ValueError("at least one style picture is needed")
    weights = list(weights) if weights is not None else [1.0] * len(styles)
    if len(weights) != len(styles):
        raise ValueError(f"{len(styles)} style pictures but {len(weights)} style weights")
    if any(w < 0 for w in weights) or sum(weights) <= 0:
        raise ValueError("style weights must not be negative, and at least one must be above 0")
    if outside_styles and region is None:
        raise ValueError("a painting for outside the region needs a region")
    if settings.init == "image" and init_image is None:
        raise ValueError("init 'image' needs a starting picture")
    return weights


def _targets_at(loss: StyleLoss, photo: torch.Tensor, size: tuple[int, int], styles: Sequence[Image.Image],
                outside_styles: Sequence[Image.Image], weights: Sequence[float], settings: StyleSettings,
                region: Optional[Region]) -> tuple[torch.Tensor, Targets]:
    """The photo at one scale (its brightness only when keeping the photo's colours) and the loss's
    targets there: the photo's content, the styles' Gram matrices, the region's mask."""
    photo_here = resize(photo, size)
    if settings.keep_colors:
        photo_here = luminance(photo_here)
    style_here = _styles_at(styles, size, settings, photo_here, photo.device)
    outside_here = _styles_at(outside_styles, size, settings, photo_here, photo.device)
    mask = region_mask(region, *size, device=photo.device) if region is not None else None
    return photo_here, loss.targets(photo_here, style_here, weights, mask, outside_here)


def _as_shown(pixels: torch.Tensor, original: torch.Tensor, keep_colors: bool,
              photo_outside: Optional[Region]) -> torch.Tensor:
    """The picture as the user sees it: the photo's colours put back when kept, and the photo
    itself outside ``photo_outside`` (blended in by its soft edge)."""
    pixels = recolour(pixels, original) if keep_colors else pixels
    if photo_outside is not None:
        pixels = original + region_mask(photo_outside, *original.shape[-2:], device=original.device) * (pixels - original)
    return pixels


def _upscale(pixels: torch.Tensor, coarse_photo: torch.Tensor, photo: torch.Tensor) -> torch.Tensor:
    """Enlarge a coarse result. What the coarse scale painted is added to the sharp photo, so
    the fine scale starts with the photo's detail instead of a blurred picture."""
    size = photo.shape[-2:]
    painted = F.interpolate(pixels - coarse_photo, size=size, mode="bicubic", align_corners=False)
    return (photo + painted).clamp(0, 1)


def _initial(settings: StyleSettings, photo: torch.Tensor, init_image: Optional[Image.Image],
             generator: torch.Generator, size: tuple[int, int], device) -> torch.Tensor:
    if settings.init == "content":
        return photo.clone()
    if settings.init == "noise":
        noise = torch.rand((1, 3, *size), generator=generator).to(device)
        return (0.5 + 0.5 * (noise - 0.5)) if not settings.keep_colors else luminance(noise)
    start = to_tensor(init_image.convert("RGB").resize((size[1], size[0]), Image.LANCZOS), device)
    return luminance(start) if settings.keep_colors else start
