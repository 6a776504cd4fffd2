"""The one way pictures come in and go out: loading anything a user may upload, tensors, PNG recipes.

Pillow's decompression-bomb guard stays on: nothing here touches ``Image.MAX_IMAGE_PIXELS``.
"""
from __future__ import annotations

import io
import json
import os
import warnings
from dataclasses import dataclass, field
from typing import BinaryIO, Union

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image, ImageOps, ImageSequence, PngImagePlugin, UnidentifiedImageError

from . import __version__

DEFAULT_MAX_SIDE = 1600  # pictures are scaled to this before any work (the app's default)
MAX_SOURCE_PIXELS = 60_000_000  # refuse to even decode pictures larger than this
MIN_SIDE = 32
RECIPE_KEY = "dreamlab"
BACKGROUND = (255, 255, 255)  # what transparent pixels are composited on

Source = Union[str, os.PathLike, bytes, BinaryIO]


class ImageError(ValueError):
    """A picture DreamLab refuses, with one plain sentence saying why."""


@dataclass
class LoadedImage:
    image: Image.Image  # always 8-bit RGB
    notes: list[str] = field(default_factory=list)  # things the user should be told


def load_image(source: Source, max_side: int | None = DEFAULT_MAX_SIDE) -> LoadedImage:
    """Open any picture a phone or desktop may produce as 8-bit RGB, or raise ImageError."""
    data = _read_bytes(source)
    if not data:
        raise ImageError("The file is empty.")
    notes: list[str] = []
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data)) as im:
                _check_size(im)
                frame = _first_frame(im, notes)
                frame = ImageOps.exif_transpose(frame)
                rgb = _to_rgb(frame)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise ImageError("This picture is far too large to open safely.") from None
        except UnidentifiedImageError:
            raise ImageError("This is not a picture DreamLab can read (use JPEG, PNG, WebP, GIF, TIFF or BMP).") from None
        except ImageError:
            raise
        except (OSError, SyntaxError, ValueError, EOFError):
            raise ImageError("The picture file is damaged or incomplete, so it cannot be read.") from None
    rgb = _limit_side(rgb, max_side, notes)
    if min(rgb.size) < MIN_SIDE:
        raise ImageError(f"This picture is too small or too thin to work with "
                         f"({rgb.width}x{rgb.height} px; each side needs at least {MIN_SIDE} px).")
    return LoadedImage(rgb, notes)


def _read_bytes(source: Source) -> bytes:
    if isinstance(source, (bytes, bytearray)):
        return bytes(source)
    if isinstance(source, (str, os.PathLike)):
        try:
            with open(source, "rb") as f:
                return f.read()
        except FileNotFoundError:
            raise ImageError(f"No such file: {os.fspath(source)}") from None
        except IsADirectoryError:
            raise ImageError(f"That is a folder, not a picture: {os.fspath(source)}") from None
    if hasattr(source, "getvalue"):
        return source.getvalue()
    return source.read()


def _check_size(im: Image.Image) -> None:
    if im.width * im.height > MAX_SOURCE_PIXELS:
        raise ImageError(f"This picture is too large ({im.width}x{im.height} px); "
                         f"the limit is {MAX_SOURCE_PIXELS // 1_000_000} megapixels.")


def _first_frame(im: Image.Image, notes: list[str]) -> Image.Image:
    if getattr(im, "n_frames", 1) > 1:
        notes.append(f"This file holds {im.n_frames} pictures (frames or pages); DreamLab uses the first.")
        im = next(ImageSequence.Iterator(im))
    im.load()
    return im.copy()


def _to_rgb(im: Image.Image) -> Image.Image:
    if im.mode in ("I;16", "I;16B", "I;16L", "I;16N", "I", "F"):
        return Image.fromarray(_to_uint8(np.asarray(im))).convert("RGB")
    if im.mode == "P" and "transparency" in im.info:
        im = im.convert("RGBA")
    if im.mode in ("RGBA", "LA", "PA", "RGBa", "La"):
        rgba = im.convert("RGBA")
        background = Image.new("RGBA", rgba.size, BACKGROUND + (255,))
        return Image.alpha_composite(background, rgba).convert("RGB")
    return im.convert("RGB")


def _to_uint8(values: np.ndarray) -> np.ndarray:
    """Map 16-bit, 32-bit integer or float samples onto 0..255 sensibly."""
    values = values.astype(np.float64)
    finite = values[np.isfinite(values)]
    lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    if lo >= 0 and hi <= 1.0:
        scale_lo, scale_hi = 0.0, 1.0  # float pictures in 0..1
    elif lo >= 0 and hi <= 255:
        scale_lo, scale_hi = 0.0, 255.0
    elif lo >= 0 and hi <= 65535:
        scale_lo, scale_hi = 0.0, 65535.0
    else:
        scale_lo, scale_hi = lo, hi if hi > lo else lo + 1
    values = np.nan_to_num(values, nan=scale_lo, posinf=scale_hi, neginf=scale_lo)
    out = (values - scale_lo) / (scale_hi - scale_lo) * 255.0
    return np.clip(out + 0.5, 0, 255).astype(np.uint8)


def _limit_side(im: Image.Image, max_side: int | None, notes: list[str]) -> Image.Image:
    if max_side and max(im.size) > max_side:
        scale = max_side / max(im.size)
        size = (max(1, round(im.width * scale)), max(1, round(im.height * scale)))
        notes.append(f"The picture was scaled from {im.width}x{im.height} to {size[0]}x{size[1]} px.")
        im = im.resize(size, Image.LANCZOS)
    return im


# --- tensors ------------------------------------------------------------------------------

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


def fit_side(size: tuple[int, int], max_side: int) -> tuple[int, int]:
    """(W, H) scaled so its longest side is ``max_side``."""
    w, h = size
    scale = max_side / max(w, h)
    return max(1, round(w * scale)), max(1, round(h * scale))


# --- PNG with recipe ----------------------------------------------------------------------

def png_bytes(image: Image.Image, recipe: dict) -> bytes:
    """Lossless PNG whose text chunk ``dreamlab`` holds the recipe that made it."""
    info = PngImagePlugin.PngInfo()
    info.add_text(RECIPE_KEY, json.dumps({**recipe, "version": __version__}, sort_keys=True))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", pnginfo=info)
    return buffer.getvalue()


def save_png(image: Image.Image, path: str | os.PathLike, recipe: dict) -> None:
    with open(path, "wb") as f:
        f.write(png_bytes(image, recipe))


def read_recipe(source: Source) -> dict:
    with Image.open(io.BytesIO(_read_bytes(source))) as im:
        return json.loads(im.info[RECIPE_KEY])
