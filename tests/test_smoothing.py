"""Art quality gates (issue 17): smoothed dream steps leave less grain, palettes show on photos,
palettes on noise are vivid. Real Lite0, small pictures, fixed seeds."""
from dataclasses import replace

import numpy as np
import pytest
import torch
from PIL import Image

from engine.dreaming.dream import deep_dream
from engine.dreaming.settings import DreamSettings
from engine.dreaming.filters import COLOR_MATRIX, color_matrix
from engine.images.tensors import to_tensor
from engine.dreaming.palette.journey import palette_dream
from engine.dreaming.palette.objective import filter_rises
from engine.dreaming.palette.settings import CanvasSchedule, PaletteSettings, photo_schedule
from engine.ascent.smoothing import (CHROMA_BLUR, LUMA, _blur_in_frequency, cascade_response, fast_fft_length,
                                     fine_energy, smooth_gradient)

PALETTE = [("block10", 12, 1.0), ("block12", 40, 0.5)]  # issue 17's case


@pytest.fixture(scope="module")
def small_cat(cat_photo):
    return cat_photo.resize((192, 128), Image.LANCZOS)


def energy(net, image, layer):
    with torch.no_grad():
        return float(net(to_tensor(image), [layer])[layer].pow(2).mean())


def test_smoothing_removes_pixel_noise_and_keeps_broad_shapes():
    generator = torch.Generator().manual_seed(0)
    noise = torch.randn(1, 3, 64, 64, generator=generator)
    y, x = torch.meshgrid(torch.linspace(0, 3, 64), torch.linspace(0, 3, 64), indexing="ij")
    broad = torch.stack([torch.sin(x), torch.cos(y), torch.sin(x + y)]).unsqueeze(0)
    assert torch.equal(smooth_gradient(noise, 0.0), noise)
    assert fine_energy(smooth_gradient(noise, 1.5)) < 0.02 * fine_energy(noise)
    smoothed = smooth_gradient(broad, 1.5)
    assert torch.nn.functional.cosine_similarity(smoothed.flatten(), broad.flatten(), dim=0) > 0.97


def split_luma(grad: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """(brightness [B, 1, H, W], colour [B, 3, H, W]) with grad == brightness + colour."""
    luma = torch.einsum("c,bchw->bhw", LUMA.to(grad.device, grad.dtype), grad).unsqueeze(1)
    return luma, grad - luma


def cascade_blur(grad: torch.Tensor, sigma: float) -> torch.Tensor:
    """The reference: one blur alone, the mean of Gaussian blurs at ``sigma`` x 0.5, 1 and 2."""
    return _blur_in_frequency(grad, sigma, lambda spectrum, rows, cols: spectrum * cascade_response(
        rows, cols, sigma, grad.device))


def test_one_transform_blurs_brightness_and_colour_as_two_would():
    grad = torch.randn(1, 3, 37, 53, generator=torch.Generator().manual_seed(0))
    luma, chroma = split_luma(grad)
    separately = cascade_blur(luma, 1.5) + cascade_blur(chroma, CHROMA_BLUR * 1.5)
    torch.testing.assert_close(smooth_gradient(grad, 1.5), separately, rtol=0, atol=2e-3 * float(separately.abs().max()))


def test_fft_lengths_have_only_small_prime_factors():
    assert [fast_fft_length(n) for n in (1, 7, 11, 67, 804, 1060)] == [1, 8, 12, 72, 810, 1080]


def test_smoothed_dream_has_less_grain_at_no_lower_gain(lite0, small_cat):
    smooth = DreamSettings(layers={"block8": 1.0}, octaves=2, steps=8, step_size=0.012)
    raw = replace(smooth, smoothness=0.0)
    assert smooth.smoothness > 0  # on by default
    results = {s.smoothness: deep_dream(small_cat, s, lite0) for s in (raw, smooth)}
    base_grain, base_energy = fine_energy(to_tensor(small_cat)), energy(lite0, small_cat, "block8")
    grain = {k: fine_energy(to_tensor(r)) / base_grain for k, r in results.items()}
    gain = {k: energy(lite0, r, "block8") / base_energy for k, r in results.items()}
    assert grain[smooth.smoothness] < 0.75 * grain[0.0], (grain, gain)
    assert gain[smooth.smoothness] > 0.95 * gain[0.0], (grain, gain)
    assert gain[smooth.smoothness] > 1.5, gain


def test_palette_filters_stand_out_on_a_photo_at_default_settings(lite0, small_cat):
    new = palette_dream(small_cat, PALETTE, PaletteSettings(), lite0)
    old = palette_dream(small_cat, PALETTE, PaletteSettings(photo=replace(photo_schedule(), smoothness=0.0, jitter=16, step_size=0.012)), lite0)
    rises, old_rises = filter_rises(lite0, PALETTE, small_cat, new), filter_rises(lite0, PALETTE, small_cat, old)
    assert rises[0] >= 3.0 and rises[1] >= 1.5, rises
    assert rises[0] > old_rises[0] and fine_energy(to_tensor(new)) < fine_energy(to_tensor(old)), (rises, old_rises)


def saturation(image: Image.Image) -> float:
    return float(np.asarray(image.convert("HSV"), np.float32)[..., 1].mean() / 255)


def test_palette_on_noise_is_vivid_and_the_gallery_keeps_its_colours(lite0):
    canvas = CanvasSchedule(size=96, steps=32)
    vivid = palette_dream("noise", PALETTE, PaletteSettings(canvas=canvas), lite0)
    pale = palette_dream("noise", PALETTE, PaletteSettings(canvas=replace(canvas, saturation=1.0, contrast=1.0)), lite0)
    assert saturation(vivid) > 1.5 * saturation(pale), (saturation(vivid), saturation(pale))
    brightness = [np.asarray(p.convert("L"), np.float32).std() for p in (vivid, pale)]
    assert brightness[0] > 1.2 * brightness[1], brightness
    assert torch.equal(color_matrix(), COLOR_MATRIX)  # the Filter Gallery's single-filter look is unchanged
