"""Pictures as tensors and back: the torch side of ``engine.images.pictures`` (which needs no torch, so
the app's server and the command line's checks decode pictures without loading it)."""
from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

from engine.images.region import Region


def to_tensor(image: Image.Image, device: torch.device | str = "cpu") -> torch.Tensor:
    """RGB PIL image -> float tensor [1, 3, H, W] in [0, 1]."""
    array = np.asarray(image.convert("RGB"), dtype=np.float32) / 255.0
    return torch.from_numpy(array).permute(2, 0, 1).unsqueeze(0).to(device)


def to_pil(tensor: torch.Tensor) -> Image.Image:
    """Float tensor [1, 3, H, W] or [3, H, W] in [0, 1] -> RGB PIL image."""
    if tensor.dim() == 4:
        tensor = tensor[0]
    array = (tensor.detach().float().clamp(0, 1) * 255 + 0.5).to(torch.uint8)
    return Image.fromarray(array.permute(1, 2, 0).cpu().numpy())


def resize(tensor: torch.Tensor, size: tuple[int, int]) -> torch.Tensor:
    """Resize [B, C, H, W] to (H, W) with antialiasing when shrinking."""
    if tuple(tensor.shape[-2:]) == tuple(size):
        return tensor
    return F.interpolate(tensor, size=size, mode="bilinear", align_corners=False, antialias=True)


def region_mask(region: Region, height: int, width: int, device: torch.device | str = "cpu") -> torch.Tensor:
    """A region's mask resized to (height, width) as [1, 1, H, W] floats in 0..1."""
    values = torch.from_numpy(region.levels.astype(np.float32) / 255.0)[None, None]
    if values.shape[-2:] != (height, width):
        shrinking = height < values.shape[-2] or width < values.shape[-1]
        values = F.interpolate(values, size=(height, width), mode="bilinear", align_corners=False,
                               antialias=shrinking).clamp_(0, 1)
    return values.to(device)
