"""Smoother gradient steps for pictures ascended pixel by pixel, and the measures that check them.

A raw gradient of a CNN w.r.t. pixels is mostly pixel-level, independently coloured noise; a
normalised step along it paints that noise into the picture as fine "rainbow grain". Before each
step ``smooth_gradient``:

* blurs the gradient with a cascade of Gaussians (sigma x 0.5, 1, 2, averaged), as the well-known
  PyTorch deep-dream scripts do; ``smoothness`` sets sigma in pixels;
* blurs its colour (what is left after its brightness) ``CHROMA_BLUR`` times more than its
  brightness, so a step changes brightness and broad hues rather than painting each channel
  its own noise.

``fine_energy`` measures the grain: the energy of the finest Laplacian-pyramid level.
"""
from __future__ import annotations

import functools
import math

import torch
import torch.nn.functional as F

BLUR_SCALES = (0.5, 1.0, 2.0)


def gaussian_kernel(sigma: float) -> torch.Tensor:
    """A normalised 1-D Gaussian of radius ~3 sigma."""
    radius = max(1, math.ceil(3 * sigma))
    x = torch.arange(-radius, radius + 1, dtype=torch.float32)
    kernel = torch.exp(-0.5 * (x / sigma) ** 2)
    return kernel / kernel.sum()


def blur(pixels: torch.Tensor, sigma: float) -> torch.Tensor:
    """Separable Gaussian blur of [B, C, H, W], edges reflected."""
    if sigma <= 0:
        return pixels
    kernel = gaussian_kernel(sigma).to(pixels.device, pixels.dtype)
    radius = kernel.numel() // 2
    channels = pixels.shape[1]
    height, width = pixels.shape[-2:]
    mode = "reflect" if radius < min(height, width) else "replicate"
    x = F.pad(pixels, (radius, radius, 0, 0), mode=mode)
    x = F.conv2d(x, kernel.view(1, 1, 1, -1).expand(channels, 1, 1, -1), groups=channels)
    x = F.pad(x, (0, 0, radius, radius), mode=mode)
    return F.conv2d(x, kernel.view(1, 1, -1, 1).expand(channels, 1, -1, 1), groups=channels)


def cascade_response(rows: int, cols: int, sigma: float, device) -> torch.Tensor:
    """Frequency response [rows, cols // 2 + 1] of the mean of Gaussian blurs at ``sigma`` x 0.5, 1
    and 2 (for ``rfft2`` of a rows x cols picture)."""
    return _cascade_response(rows, cols, float(sigma), str(device))


@functools.lru_cache(maxsize=32)  # one picture size per octave, two sigmas: computed once each
def _cascade_response(rows: int, cols: int, sigma: float, device: str) -> torch.Tensor:
    fy = torch.fft.fftfreq(rows, device=device).view(-1, 1)
    fx = torch.fft.rfftfreq(cols, device=device).view(1, -1)
    squared = (fy ** 2 + fx ** 2) * (2 * math.pi ** 2)
    return sum(torch.exp(-squared * (sigma * s) ** 2) for s in BLUR_SCALES) / len(BLUR_SCALES)


def fast_fft_length(n: int) -> int:
    """The smallest length >= n with no prime factor above 5 (FFTs of such lengths are fastest)."""
    while True:
        m = n
        for p in (2, 3, 5):
            while m % p == 0:
                m //= p
        if m == 1:
            return n
        n += 1


def _reflect_padded(grad: torch.Tensor, sigma: float) -> tuple[torch.Tensor, int]:
    """``grad`` with edges reflected by at least 3 x the largest sigma, grown to FFT-friendly sizes."""
    height, width = grad.shape[-2:]
    pad = min(math.ceil(3 * sigma * max(BLUR_SCALES)), height - 1, width - 1)
    bottom = min(fast_fft_length(height + 2 * pad) - height - pad, height - 1)
    right = min(fast_fft_length(width + 2 * pad) - width - pad, width - 1)
    if pad <= 0 and bottom <= 0 and right <= 0:
        return grad.float(), 0
    return F.pad(grad.float(), (pad, right, pad, bottom), mode="reflect"), pad


def _blur_in_frequency(grad: torch.Tensor, sigma: float, filter_spectrum, wrap: bool = False) -> torch.Tensor:
    """With ``wrap`` the picture is a torus (a seamless tile): the FFT's own wrap-around is the padding."""
    height, width = grad.shape[-2:]
    x, pad = (grad.float(), 0) if wrap else _reflect_padded(grad, sigma)
    rows, cols = x.shape[-2:]
    blurred = torch.fft.irfft2(filter_spectrum(torch.fft.rfft2(x), rows, cols), s=(rows, cols))
    return blurred[..., pad:pad + height, pad:pad + width].to(grad.dtype)


LUMA = torch.tensor([0.299, 0.587, 0.114])
CHROMA_BLUR = 2.0


def smooth_gradient(grad: torch.Tensor, smoothness: float, wrap: bool = False) -> torch.Tensor:
    """``grad`` with pixel-level noise removed; ``smoothness`` 0 leaves it untouched.

    Brightness blurred at ``smoothness``, colour at ``CHROMA_BLUR`` x that. Both blurs are linear,
    so they share one transform: blur(luma) + blur'(grad - luma) = blur'(grad) + (blur - blur')(luma).
    ``wrap``: a seamless picture, blurred across its opposite edges."""
    if smoothness <= 0:
        return grad
    luma_weights = LUMA.to(grad.device, torch.float32).view(1, 3, 1, 1)

    def filtered(spectrum: torch.Tensor, rows: int, cols: int) -> torch.Tensor:
        fine = cascade_response(rows, cols, smoothness, grad.device)
        coarse = cascade_response(rows, cols, CHROMA_BLUR * smoothness, grad.device)
        luma = (spectrum * luma_weights).sum(dim=1, keepdim=True)
        return spectrum * coarse + luma * (fine - coarse)

    return _blur_in_frequency(grad, CHROMA_BLUR * smoothness, filtered, wrap)


# --- measures ---------------------------------------------------------------------------------

def fine_level(pixels: torch.Tensor) -> torch.Tensor:
    """The finest level of a Laplacian pyramid: the picture minus its blurred, half-size copy
    brought back to full size."""
    height, width = pixels.shape[-2:]
    low = F.avg_pool2d(blur(pixels, 1.0), 2, ceil_mode=True)
    up = F.interpolate(low, size=(height, width), mode="bilinear", align_corners=False)
    return pixels - up


def fine_energy(pixels: torch.Tensor) -> float:
    """Mean squared value of the finest Laplacian level (pixel-level grain and sharp detail)."""
    return float(fine_level(pixels.float()).pow(2).mean())
