"""The pixels of a colour or gradient start, and the Fourier canvas a palette paints on (no photo)."""
from __future__ import annotations

import torch

from engine.dreaming.filters import FourierCanvas, picture_generator
from engine.dreaming.palette.starts import Start, hex_color

CANVAS_NOISE_STD = 0.01  # faint seeded noise on colour / gradient starts, so the seed number matters


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
