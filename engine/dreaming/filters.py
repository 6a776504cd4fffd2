"""Filter visualisation: paint what one filter of one layer "likes", starting from noise.

Ingredients from the feature-visualisation literature (Olah et al., *Feature Visualization*,
Distill 2017), written for DreamLab's one ascent loop (``engine.ascent.loop.ascend``):

* ``FourierCanvas``: the picture lives as a 1/f-scaled Fourier spectrum of decorrelated colour
  channels, squashed by a sigmoid into [0, 1]. Steps in this space favour large, smooth, natural
  colour structures over the high-frequency noise a plain pixel ascent produces.
* ``RandomTransforms``: every step the network sees the picture shifted (with grey coming in at
  the edges, like padding), scaled and rotated a little, so only patterns that survive such
  changes grow.
* A leaky objective for layers that end in a ReLU (``LeakyNet``): a filter that never fires on
  noise has no gradient through its ReLU, and would stay grey; we ascend the filter through a
  leaky ReLU6 instead, which always has a gradient.
* Filters of a layer that is one convolution straight on the pixels (Lite0's ``stem``: 3x3
  pixels) are *drawn*, not painted (``first_layer_pictures``): such a filter is linear up to its
  activation, so the picture that excites it most is known exactly, its favourite colour plus the
  colour grating of its strongest frequency, magnified so the stripes can be seen. An ascent on
  them gave blotches of saturated colour with ragged edges: the mean of an almost linear filter
  is indifferent to the picture's structure.
* A rival term (``strongest_rival``): each picture also pushes down the strongest *other* filter
  of the layer a little, so it shows what sets its filter apart, not something that excites the
  whole layer (measured: the picture then excites its own filter most, as a photo).

Every picture of a batch owns its random generator (seeded from the seed and its channel), and
pictures of a batch never interact, so a channel renders the same alone or in a batch.
"""
from __future__ import annotations

import math
import threading
from dataclasses import dataclass
from typing import Callable, Optional, Sequence

import torch
import torch.nn.functional as F
from PIL import Image
from torch import nn

from engine.network import fast
from engine.ascent.loop import ascend
from engine.images.pictures import contact_sheet
from engine.images.tensors import to_pil, to_tensor
from engine.network.models import FeatureNet
from engine.ascent.objectives import Objective, batch_channels
from engine.ascent.optimisers import Adam
from engine.progress import Previews, ProgressFn, Reporter
from engine.dreaming.settings import FilterSettings

# Square root of the colour correlation of ImageNet pictures (the standard values used since
# Olah et al. 2017), scaled so its largest column has norm 1.
_COLOR_SQRT = torch.tensor([[0.26, 0.09, 0.02],
                            [0.27, 0.00, -0.05],
                            [0.27, -0.09, 0.03]])
COLOR_MATRIX = _COLOR_SQRT / _COLOR_SQRT.norm(dim=0).max()
SPECTRUM_INIT_STD = 0.01


def color_matrix(saturation: float = 1.0, contrast: float = 1.0) -> torch.Tensor:
    """COLOR_MATRIX with its brightness column scaled by ``contrast`` and its two colour columns by
    ``contrast * saturation``: above 1 the same parameter step moves pixels and hues further, so
    pictures come out more vivid (the Filter Gallery keeps 1, 1)."""
    return COLOR_MATRIX * (contrast * torch.tensor([1.0, saturation, saturation]))


# --- the canvas -----------------------------------------------------------------------------

def _frequency_scale(height: int, width: int, decay: float) -> torch.Tensor:
    """1 / |f|^decay for the rfft2 grid, so every frequency band starts with equal energy."""
    fy = torch.fft.fftfreq(height)[:, None]
    fx = torch.fft.rfftfreq(width)[None, :]
    freqs = (fy * fy + fx * fx).sqrt()
    return 1.0 / freqs.clamp(min=1.0 / max(height, width)) ** decay


class FourierCanvas:
    """A batch of pictures parameterised as 1/f-scaled spectra of decorrelated colour.

    ``render()`` -> [B, 3, H, W] in (0, 1), differentiable w.r.t. ``spectrum``;
    ``update(pixels, grad)`` ascends: ``pixels.backward(-grad)`` then one Adam step.
    Adam works element by element, so pictures of a batch never influence each other.
    """

    def __init__(self, spectrum: torch.Tensor, height: int, width: int, lr: float = 0.05, decay: float = 1.0,
                 saturation: float = 1.0, contrast: float = 1.0):
        self.height, self.width = height, width
        self.spectrum = spectrum.detach().clone().requires_grad_(True)  # [B, 3, H, W//2+1, 2]
        self.scale = _frequency_scale(height, width, decay).to(spectrum.device)[None, None, :, :, None]
        self.color = color_matrix(saturation, contrast).to(spectrum.device)
        self.optimizer = Adam([self.spectrum], lr=lr)

    @classmethod
    def random(cls, generators: Sequence[torch.Generator], height: int, width: int, device="cpu",
               lr: float = 0.05, decay: float = 1.0, std: float = SPECTRUM_INIT_STD,
               saturation: float = 1.0, contrast: float = 1.0) -> "FourierCanvas":
        """Faint random noise, one picture per generator (each generator draws its own picture)."""
        shape = (3, height, width // 2 + 1, 2)
        spectrum = torch.stack([torch.randn(shape, generator=g) * std for g in generators])
        return cls(spectrum.to(device), height, width, lr, decay, saturation, contrast)

    @classmethod
    def from_image(cls, pixels: torch.Tensor, lr: float = 0.05, decay: float = 1.0,
                   margin: float = 0.02, saturation: float = 1.0,
                   contrast: float = 1.0) -> "FourierCanvas":
        """Start from given pictures [B, 3, H, W] in [0, 1] (a photo, a solid colour, a gradient).

        Values are pulled into [margin, 1 - margin] first: the sigmoid never reaches 0 or 1, and
        pixels near the ends would otherwise need enormous parameters and barely move.
        """
        _, _, height, width = pixels.shape
        canvas = cls(torch.zeros(pixels.shape[0], 3, height, width // 2 + 1, 2, device=pixels.device),
                     height, width, lr, decay, saturation, contrast)
        with torch.no_grad():
            p = pixels.float().clamp(0, 1) * (1 - 2 * margin) + margin
            logits = torch.log(p) - torch.log1p(-p)
            decorrelated = torch.einsum("ij,bjhw->bihw", torch.linalg.inv(canvas.color), logits)
            spectrum = torch.fft.rfft2(decorrelated * 4.0, norm="ortho")
            canvas.spectrum.copy_(torch.view_as_real(spectrum) / canvas.scale)
        return canvas

    def render(self) -> torch.Tensor:
        spectrum = torch.view_as_complex(self.spectrum * self.scale)
        image = torch.fft.irfft2(spectrum, s=(self.height, self.width), norm="ortho") / 4.0
        rgb = torch.einsum("ij,bjhw->bihw", self.color, image)
        return torch.sigmoid(rgb)

    def update(self, pixels: torch.Tensor, grad: torch.Tensor) -> None:
        self.optimizer.zero_grad(set_to_none=True)
        pixels.backward(-grad)
        self.optimizer.step()

    @property
    def pixels(self) -> torch.Tensor:
        with torch.no_grad():
            return self.render()


# --- random transforms ----------------------------------------------------------------------

@dataclass(frozen=True)
class TransformSettings:
    jitter: int = 10  # random shift in pixels at 128 px (grey comes in at the edges)
    scale: float = 0.1  # zoom by a factor in [1 - scale, 1 + scale]
    rotate: float = 10.0  # degrees either way


class RandomTransforms:
    """``transform(pixels, generator)`` for ``ascend``: one random shift + zoom + rotation per
    picture, with grey beyond the picture's edges (so the edges get painted like the middle).

    Each picture draws from its own generator (the loop's shared ``generator`` is unused), so a
    picture transforms identically alone or in a batch. Differentiable, one ``grid_sample`` for
    the whole batch, and the network sees a picture of the canvas's own size (no padding cost).
    With ``wrap`` (a seamless tile) what leaves on one side comes back on the other, instead of grey.
    """

    def __init__(self, generators: Sequence[torch.Generator], settings: TransformSettings = TransformSettings(),
                 reference_side: int = 128, wrap: bool = False):
        self.generators = list(generators)
        self.settings = settings
        self.reference_side = reference_side
        self.wrap = wrap

    def __call__(self, pixels: torch.Tensor, generator: Optional[torch.Generator] = None) -> torch.Tensor:
        s = self.settings
        height, width = pixels.shape[-2:]
        shift = s.jitter * max(height, width) / self.reference_side
        thetas = []
        for g in self.generators:
            u = torch.rand(4, generator=g, dtype=torch.float64).tolist()
            dy, dx = ((2 * v - 1) * shift for v in u[:2])
            zoom = 1.0 + (2 * u[2] - 1) * s.scale
            angle = math.radians((2 * u[3] - 1) * s.rotate)
            cos, sin = math.cos(angle) / zoom, math.sin(angle) / zoom
            # affine_grid maps output coordinates in [-1, 1] to input coordinates in [-1, 1]
            thetas.append([[cos, -sin * height / width, 2 * dx / width],
                           [sin * width / height, cos, 2 * dy / height]])
        theta = torch.tensor(thetas, dtype=pixels.dtype, device=pixels.device)
        grid = F.affine_grid(theta, list(pixels.shape), align_corners=False)
        if self.wrap:  # the torus: coordinates taken modulo the picture ([-1, 1] has length 2)
            grid = torch.remainder(grid + 1.0, 2.0) - 1.0
        padding = "border" if self.wrap else "zeros"  # border: only the half pixel at the wrap line
        return F.grid_sample(pixels - 0.5, grid, mode="bilinear", padding_mode=padding, align_corners=False) + 0.5


# --- filters that never fire ----------------------------------------------------------------

class LeakyNet(nn.Module):
    """``net`` with a leaky last activation for the filters being painted (same call as FeatureNet).

    If ``layer``'s stage ends in a ReLU or ReLU6, a filter that is negative everywhere on noise
    gets no gradient and its picture stays grey, and one that passes 6 stops growing. Here picture
    i sees filter ``channels[i]`` through ``relu6(x) + slope * x``, which equals the real activation
    up to a small tilt and always has a gradient; every other filter keeps its real activation.
    Layers that do not end in a ReLU pass through untouched. The shared network itself is never
    modified (other jobs may be using it at the same time).
    """

    def __init__(self, net: FeatureNet, layer: str, channels: Sequence[int], slope: float = 0.05):
        super().__init__()
        self.net, self.layer, self.channels, self.slope = net, layer, list(channels), slope
        self.index = net.stage_names.index(layer)
        stage = net.stages[self.index]
        self.leaky = isinstance(stage, nn.Sequential) and isinstance(stage[-1], (nn.ReLU, nn.ReLU6))
        self.spec = net.spec

    @property
    def device(self) -> torch.device:
        return self.net.device

    def forward(self, pixels: torch.Tensor, layers) -> dict[str, torch.Tensor]:
        layers = set(layers)
        if not self.leaky or layers != {self.layer}:
            return self.net(pixels, layers)
        if self.index == 0:
            x = (pixels - self.net.mean) / self.net.std
        else:
            below = self.net.stage_names[self.index - 1]
            x = self.net(pixels, [below])[below]
        if self.net.channels_last:
            x = x.contiguous(memory_format=torch.channels_last)
        stage = self.net.stages[self.index]
        with fast.autocast(self.net.device, self.net.autocast_dtype, fast.pixel_count(pixels)):  # as the net
            pre = stage[:-1](x).float()
        top = 6.0 if isinstance(stage[-1], nn.ReLU6) else math.inf
        mask = torch.zeros(pre.shape[0], pre.shape[1], 1, 1, device=pre.device, dtype=pre.dtype)
        mask[torch.arange(pre.shape[0]), torch.as_tensor(self.channels)] = self.slope
        return {self.layer: pre.clamp(0.0, top) + mask * pre}


def strongest_rival(layer: str, indices: Sequence[int], temperature: float = 1.0) -> Objective:
    """Per picture: a soft maximum of the mean activations of all *other* channels of the layer.

    Subtracting it makes picture i paint what sets channel ``indices[i]`` apart from the rest,
    rather than something that excites everything (a saturated colour, say)."""
    def fn(acts) -> torch.Tensor:
        means = acts[layer].mean(dim=(2, 3))  # [B, C]
        rows = torch.arange(means.shape[0], device=means.device)
        others = means.index_put((rows, torch.as_tensor(list(indices), device=means.device)),
                                 torch.tensor(-math.inf, device=means.device))
        return temperature * torch.logsumexp(others / temperature, dim=1)
    return Objective(fn, {layer}, f"rival({layer})")


def filter_objective(layer: str, channels: Sequence[int], rival_weight: float) -> Objective:
    objective = batch_channels(layer, list(channels))
    if rival_weight:
        objective = objective - rival_weight * strongest_rival(layer, channels)
    return objective


# --- filters of the first layer: drawn ------------------------------------------------------

GRATING_ZOOM = 4  # first-layer pictures are drawn at a quarter of their size, each pixel shown 4x4
GRATING_MIN_FREQUENCY = 1 / 8  # cycles per pixel: slower waves are the filter's colour, not its stripes
GRATING_MIN_SHARE = 0.3  # the stripes stay visible next to a strong colour preference
_FFT_SIDE = 64


def pixel_convolution(net: FeatureNet, layer: str) -> Optional[nn.Conv2d]:
    """The convolution if ``layer`` is one convolution straight on the pixels (then an activation),
    else None."""
    if net.stage_names.index(layer) != 0:
        return None
    convs = [m for m in net.stages[0].modules() if isinstance(m, nn.Conv2d)]
    return convs[0] if len(convs) == 1 and convs[0].in_channels == 3 and convs[0].groups == 1 else None


def first_layer_pictures(net: FeatureNet, layer: str, channels: Sequence[int], size: int) -> list[Image.Image]:
    """The picture that excites each filter of a pixel convolution most: its preferred colour (the
    response to a flat picture) plus the colour grating of its strongest frequency above
    GRATING_MIN_FREQUENCY (a filter's response to a grating is the Fourier transform of its
    weights there), drawn at size / GRATING_ZOOM and magnified without blurring."""
    conv = pixel_convolution(net, layer)
    weights = conv.weight.detach().float().cpu() / net.std.detach().float().cpu().view(1, 3, 1, 1)
    spectrum = torch.fft.fft2(weights, s=(_FFT_SIDE, _FFT_SIDE))  # [C, 3, n, n]
    side = max(1, size // GRATING_ZOOM)
    freqs = torch.fft.fftfreq(_FFT_SIDE)
    too_slow = (freqs[:, None] ** 2 + freqs[None, :] ** 2).sqrt() < GRATING_MIN_FREQUENCY
    y, x = torch.meshgrid(torch.arange(side).float(), torch.arange(side).float(), indexing="ij")
    pictures = []
    for c in channels:
        per_colour = spectrum[int(c)]
        strength = per_colour.abs().pow(2).sum(0).sqrt()  # [n, n]: response to the best unit grating
        colour, colour_strength = per_colour[:, 0, 0].real, float(strength[0, 0])
        stripes = strength.masked_fill(too_slow, 0)
        iy, ix = divmod(int(stripes.argmax()), _FFT_SIDE)
        stripes_strength = float(stripes[iy, ix])
        if max(colour_strength, stripes_strength) < 1e-4:  # a filter without weights (unused): nothing to see
            pictures.append(Image.new("RGB", (size, size), (128, 128, 128)))
            continue
        wave = torch.exp(2j * math.pi * (float(freqs[iy]) * y + float(freqs[ix]) * x))
        grating = (per_colour[:, iy, ix, None, None] / max(stripes_strength, 1e-8) * wave).real
        deviation = (colour[:, None, None] * (1.0 if colour_strength > 1e-8 else 0.0)
                     + max(stripes_strength, GRATING_MIN_SHARE * colour_strength) * grating)
        pixels = 0.5 + 0.5 * deviation / deviation.abs().max().clamp_min(1e-8)
        pictures.append(to_pil(pixels).resize((size, size), Image.NEAREST))
    return pictures


def _drawn(net: FeatureNet, layer: str, channels: Sequence[int], settings: "FilterSettings",
           reporter: Reporter, batches: int = 1) -> list[Image.Image]:
    pictures = first_layer_pictures(net, layer, channels, settings.size)
    strip = contact_sheet(pictures, columns=len(pictures))
    strip.info["channels"] = list(channels)
    reporter.watch(lambda: strip)
    reporter.check_cancel()
    for index in range(batches):
        reporter.step(index, 1, 1)
    return pictures


# --- rendering filters ----------------------------------------------------------------------


def picture_generator(seed: int, channel: int) -> torch.Generator:
    """Each (seed, channel) picture gets its own random stream, whatever batch it is rendered in."""
    return torch.Generator().manual_seed(int(seed) * 1_000_003 + int(channel) + 1)


def _check(net: FeatureNet, layer: str, channels: Sequence[int]) -> None:
    count = net.spec.layer(layer).channels
    for c in channels:
        if not 0 <= int(c) < count:
            raise ValueError(f"layer '{layer}' has filters 0 to {count - 1}; there is no filter {c}")


def render_batch(net: FeatureNet, layer: str, channels: Sequence[int], settings: Optional[FilterSettings] = None,
                 *, on_step: Optional[Callable[[int, FourierCanvas], None]] = None,
                 check_cancel: Optional[Callable[[], None]] = None,
                 transforms: TransformSettings = TransformSettings(),
                 start: Optional[Image.Image] = None) -> FourierCanvas:
    """One ascent for a batch: picture i paints channel ``channels[i]``; returns the canvas.

    ``on_step(step, canvas)`` is called after every step, ``check_cancel()`` before every step.
    ``start`` (one channel only): begin from this picture, resized, instead of from noise.
    """
    channels = [int(c) for c in channels]
    _check(net, layer, channels)
    settings = settings or FilterSettings()
    seed, size = settings.seed, settings.size
    if start is not None:
        first = to_tensor(start.convert("RGB").resize((size, size), Image.BICUBIC), net.device)
        canvas = FourierCanvas.from_image(first, lr=settings.lr)
    else:
        canvas = FourierCanvas.random([picture_generator(seed, c) for c in channels], size, size,
                                      device=net.device, lr=settings.lr)
    transform = RandomTransforms([picture_generator(seed, c) for c in channels], transforms, wrap=settings.seamless)
    # ascend's own generator only feeds its shared jitter and tiling, both unused here
    with fast.circular_padding(net, settings.seamless):  # the Fourier canvas itself always wraps
        ascend(canvas, LeakyNet(net, layer, channels), filter_objective(layer, channels, settings.rival_weight),
               steps=settings.steps, generator=torch.Generator().manual_seed(seed), transform=transform,
               on_step=(lambda step: on_step(step, canvas)) if on_step else None, check_cancel=check_cancel)
    return canvas


def visualize_filters(net: FeatureNet, layer: str, channels: Sequence[int],
                      settings: Optional[FilterSettings] = None, *, batch_size: int = 16,
                      on_progress: Optional[ProgressFn] = None, cancel: Optional[threading.Event] = None,
                      ) -> list[Image.Image]:
    """Pictures of many filters of one layer, ``batch_size`` of them per forward/backward pass.

    The progress stages are the batches. Every few steps the batch being painted comes as the
    preview: a strip of its pictures, left to right, whose ``info["channels"]`` lists their filters
    (so a gallery can put each picture in its own place while it grows).
    """
    channels = [int(c) for c in channels]
    _check(net, layer, channels)
    settings = settings or FilterSettings()
    batches = [channels[i:i + batch_size] for i in range(0, len(channels), batch_size)]
    reporter = Reporter(on_progress, cancel, "batch", [len(b) for b in batches], previews=GRID_PREVIEWS)
    if pixel_convolution(net, layer) is not None:
        return _drawn(net, layer, channels, settings, reporter, len(batches))
    pictures: list[Image.Image] = []
    for index, batch in enumerate(batches):
        def on_step(step: int, canvas: FourierCanvas, index=index, batch=batch) -> None:
            reporter.watch(lambda: _strip(canvas, batch))
            reporter.step(index, step, settings.steps)

        canvas = render_batch(net, layer, batch, settings, on_step=on_step, check_cancel=reporter.check_cancel)
        pictures += [to_pil(p) for p in canvas.pixels]
    return pictures


GRID_PREVIEWS = Previews(every=4, first_look=2)  # thumbnails grow visibly within seconds, the first within a second


def _strip(canvas: FourierCanvas, channels: Sequence[int]) -> Image.Image:
    strip = contact_sheet([to_pil(p) for p in canvas.pixels], columns=len(channels))
    strip.info["channels"] = list(channels)
    return strip


def visualize_filter(net: FeatureNet, layer: str, channel: int, settings: Optional[FilterSettings] = None, *,
                     on_progress: Optional[ProgressFn] = None, cancel: Optional[threading.Event] = None,
                     start: Optional[Image.Image] = None) -> Image.Image:
    """The picture of one filter, with a live preview every few steps. From ``start`` (e.g. its
    thumbnail) it needs far fewer steps than from noise: the ascent only adds the finer detail."""
    settings = settings or FilterSettings()
    reporter = Reporter(on_progress, cancel, "filter", previews=Previews(every=2))
    if pixel_convolution(net, layer) is not None:
        return _drawn(net, layer, [channel], settings, reporter)[0]

    def on_step(step: int, canvas: FourierCanvas) -> None:
        reporter.watch(lambda: to_pil(canvas.pixels))
        reporter.step(0, step, settings.steps)

    canvas = render_batch(net, layer, [channel], settings, on_step=on_step, check_cancel=reporter.check_cancel,
                          start=start)
    return to_pil(canvas.pixels)
