"""Regions: where on a photo an effect may happen.

A ``Region`` is a soft mask in 0..1 (1 = change here, 0 = leave untouched), kept as 8 bits at
most ``MAX_SIDE`` pixels on a side, so that the copy written into a recipe (a PNG, base64) is
exactly the mask the job used: a restored recipe reproduces the picture.

Quick starts (``auto_region``) come from simple image analysis, no downloaded weights:
"sky", "bright", "dark" and "subject" (something in the middle that differs from the edges).
"""
from __future__ import annotations

import base64
import io
from dataclasses import dataclass
from typing import Optional, Union

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

MAX_SIDE = 512  # a mask is kept (and stored in recipes) at most this big
ANALYSIS_SIDE = 160  # quick starts look at the photo this small
AUTO_KINDS = {"sky": "Sky", "bright": "Bright areas", "dark": "Dark areas", "subject": "Subject (centre)"}

MaskLike = Union[np.ndarray, torch.Tensor, Image.Image]


@dataclass(frozen=True, eq=False)
class Region:
    """A mask of 8-bit levels [h, w] (uint8 numpy, 255 = fully inside)."""
    levels: np.ndarray
    feather: float = 0.0  # the soft edge already blurred into ``levels``, as a fraction of the longest side

    @classmethod
    def from_mask(cls, mask: MaskLike, feather: float = 0.0) -> "Region":
        """Any mask (0..1 floats, 0..255 bytes, a greyscale or RGBA picture: alpha counts) scaled to
        at most ``MAX_SIDE`` and softened by ``feather`` (a fraction of its longest side, 0..0.2)."""
        values = _as_float_mask(mask)
        values = _fit(values, MAX_SIDE)
        if feather > 0:
            values = soften(values, feather * max(values.shape))
        return cls(_quantise(values), float(feather))

    # --- what the engine uses -------------------------------------------------------------

    def mask(self, height: int, width: int, device: Union[str, torch.device] = "cpu") -> torch.Tensor:
        """The mask resized to (height, width) as [1, 1, H, W] floats in 0..1."""
        values = torch.from_numpy(self.levels.astype(np.float32) / 255.0)[None, None]
        if values.shape[-2:] != (height, width):
            shrinking = height < values.shape[-2] or width < values.shape[-1]
            values = F.interpolate(values, size=(height, width), mode="bilinear", align_corners=False,
                                   antialias=shrinking).clamp_(0, 1)
        return values.to(device)

    def coverage(self) -> float:
        """How much of the picture is inside, 0..1."""
        return float(self.levels.mean() / 255.0)

    def is_empty(self) -> bool:
        return not self.levels.any()

    def inverted(self) -> "Region":
        return Region(255 - self.levels, self.feather)

    def picture(self) -> Image.Image:
        """The mask as a greyscale picture (white = inside)."""
        return Image.fromarray(self.levels, mode="L")

    # --- the recipe -----------------------------------------------------------------------

    def recipe(self) -> dict:
        buffer = io.BytesIO()
        self.picture().save(buffer, format="PNG", optimize=True)
        return {"mask_png": base64.b64encode(buffer.getvalue()).decode("ascii"), "feather": self.feather,
                "size": [int(self.levels.shape[1]), int(self.levels.shape[0])],
                "coverage": round(self.coverage(), 4)}

    @classmethod
    def from_recipe(cls, data: dict) -> "Region":
        """The region a recipe holds (exactly the mask that made the picture)."""
        try:
            raw = base64.b64decode(data["mask_png"], validate=True)
            with Image.open(io.BytesIO(raw)) as picture:
                levels = np.asarray(picture.convert("L"), dtype=np.uint8).copy()
        except (KeyError, TypeError, ValueError, OSError):
            raise ValueError("this recipe's region is damaged (its mask cannot be read)") from None
        if max(levels.shape) > MAX_SIDE:
            raise ValueError("this recipe's region is larger than DreamLab writes")
        return cls(levels, float(data.get("feather", 0.0)))


def region_recipe(region: Optional[Region]) -> dict:
    """What a recipe holds about a region: {"region": ...}, or nothing for the whole picture."""
    return {"region": region.recipe()} if region is not None else {}


def region_from_recipe(recipe: dict) -> Optional[Region]:
    """The recipe's region, or None when the effect covered the whole picture."""
    data = recipe.get("region")
    return Region.from_recipe(data) if data else None


# --- masks as arrays -----------------------------------------------------------------------

def _as_float_mask(mask: MaskLike) -> np.ndarray:
    if isinstance(mask, Image.Image):
        if mask.mode in ("RGBA", "LA", "PA") or "transparency" in mask.info:
            return np.asarray(mask.convert("RGBA"), dtype=np.float32)[..., 3] / 255.0
        return np.asarray(mask.convert("L"), dtype=np.float32) / 255.0
    if isinstance(mask, torch.Tensor):
        mask = mask.detach().float().cpu().numpy()
    values = np.asarray(mask)
    values = values.reshape(values.shape[-2:]) if values.ndim > 2 else values
    if values.ndim != 2 or values.size == 0:
        raise ValueError("a region mask must be a 2-D picture")
    values = values.astype(np.float32)
    if values.max(initial=0.0) > 1.0:
        values = values / 255.0
    return np.clip(values, 0.0, 1.0)


def _quantise(values: np.ndarray) -> np.ndarray:
    return (np.clip(values, 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8)


def _fit(values: np.ndarray, side: int) -> np.ndarray:
    h, w = values.shape
    if max(h, w) <= side:
        return values
    scale = side / max(h, w)
    size = (max(1, round(h * scale)), max(1, round(w * scale)))
    small = F.interpolate(torch.from_numpy(values)[None, None], size=size, mode="area")
    return small[0, 0].numpy()


def soften(values: np.ndarray, radius: float) -> np.ndarray:
    """Gaussian blur of a mask; ``radius`` (pixels) is about two standard deviations."""
    sigma = max(radius / 2.0, 1e-3)
    half = max(1, int(round(3 * sigma)))
    x = torch.arange(-half, half + 1, dtype=torch.float32)
    kernel = torch.exp(-0.5 * (x / sigma) ** 2)
    kernel = kernel / kernel.sum()
    t = torch.from_numpy(np.ascontiguousarray(values, dtype=np.float32))[None, None]
    t = F.conv2d(F.pad(t, (half, half, 0, 0), mode="replicate"), kernel.view(1, 1, 1, -1))
    t = F.conv2d(F.pad(t, (0, 0, half, half), mode="replicate"), kernel.view(1, 1, -1, 1))
    return t[0, 0].numpy()


# --- quick starts --------------------------------------------------------------------------

def auto_region(image: Image.Image, kind: str) -> Region:
    """A first guess at a region from the photo alone: "sky", "bright", "dark" or "subject"."""
    if kind not in AUTO_KINDS:
        raise ValueError(f"unknown quick start '{kind}' (choose from: {', '.join(AUTO_KINDS)})")
    rgb = _analysis_pixels(image)
    guess = {"sky": sky_mask, "bright": bright_mask, "dark": dark_mask, "subject": subject_mask}[kind](rgb)
    full = F.interpolate(torch.from_numpy(guess.astype(np.float32))[None, None],
                         size=_fit_size(image.size[::-1], MAX_SIDE), mode="bilinear", align_corners=False)
    return Region.from_mask(full[0, 0].clamp(0, 1).numpy())


def _fit_size(hw: tuple[int, int], side: int) -> tuple[int, int]:
    h, w = hw
    scale = min(1.0, side / max(h, w))
    return max(1, round(h * scale)), max(1, round(w * scale))


def _analysis_pixels(image: Image.Image) -> np.ndarray:
    h, w = _fit_size(image.size[::-1], ANALYSIS_SIDE)
    small = image.convert("RGB").resize((w, h), Image.BILINEAR)
    return np.asarray(small, dtype=np.float32) / 255.0


def _luma(rgb: np.ndarray) -> np.ndarray:
    return rgb @ np.array([0.299, 0.587, 0.114], dtype=np.float32)


def otsu_threshold(values: np.ndarray, bins: int = 64) -> float:
    """The level that best splits ``values`` into two groups (Otsu's method)."""
    counts, edges = np.histogram(values, bins=bins, range=(float(values.min()), float(values.max()) + 1e-6))
    centres = (edges[:-1] + edges[1:]) / 2
    weight_low = np.cumsum(counts)
    weight_high = weight_low[-1] - weight_low
    sum_low = np.cumsum(counts * centres)
    mean_low = sum_low / np.maximum(weight_low, 1)
    mean_high = (sum_low[-1] - sum_low) / np.maximum(weight_high, 1)
    between = weight_low * weight_high * (mean_low - mean_high) ** 2
    return float(edges[1:][int(np.argmax(between))])


def _smooth(values: np.ndarray, radius: float = 2.0) -> np.ndarray:
    return soften(values, radius)


def bright_mask(rgb: np.ndarray) -> np.ndarray:
    luma = _smooth(_luma(rgb))
    return (luma > otsu_threshold(luma)).astype(np.float32)


def dark_mask(rgb: np.ndarray) -> np.ndarray:
    luma = _smooth(_luma(rgb))
    return (luma <= otsu_threshold(luma)).astype(np.float32)


def _texture(luma: np.ndarray) -> np.ndarray:
    dy = np.abs(np.diff(luma, axis=0, append=luma[-1:]))
    dx = np.abs(np.diff(luma, axis=1, append=luma[:, -1:]))
    return _smooth(dy + dx, 3.0)


def grow_within(seed: np.ndarray, allowed: np.ndarray) -> np.ndarray:
    """Everything in ``allowed`` connected to ``seed`` (morphological reconstruction)."""
    allowed_t = torch.from_numpy(allowed.astype(np.float32))[None, None]
    current = torch.from_numpy((seed & allowed).astype(np.float32))[None, None]
    while True:
        grown = F.max_pool2d(current, 3, stride=1, padding=1) * allowed_t
        if torch.equal(grown, current):
            return current[0, 0].numpy() > 0
        current = grown


def sky_mask(rgb: np.ndarray) -> np.ndarray:
    """Smooth, blue or pale, bright-enough areas that touch the top edge."""
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    luma = _luma(rgb)
    saturation = rgb.max(axis=-1) - rgb.min(axis=-1)
    bluish = (b > r + 0.03) & (b > g - 0.04)
    pale = (luma > 0.55) & (saturation < 0.18)
    smooth = _texture(luma) < 0.06
    candidate = (bluish | pale) & smooth & (luma > 0.06)
    top = np.zeros_like(candidate)
    top[0, :] = True
    sky = grow_within(top, candidate)
    return _close_holes(sky).astype(np.float32)


def _close_holes(mask: np.ndarray) -> np.ndarray:
    """Fill holes (background parts not connected to the picture's edge)."""
    outside = ~mask
    edge = np.zeros_like(mask)
    edge[0, :] = edge[-1, :] = edge[:, 0] = edge[:, -1] = True
    return ~grow_within(edge, outside)


def subject_mask(rgb: np.ndarray) -> np.ndarray:
    """What differs from every colour along the picture's edges, grown from near the middle and
    closed; a central ellipse when nothing clear stands out."""
    h, w = rgb.shape[:2]
    blurred = np.stack([_smooth(rgb[..., c], 3.0) for c in range(3)], axis=-1)
    border = np.concatenate([blurred[0], blurred[-1], blurred[:, 0], blurred[:, -1]])[::2]
    distance = np.sqrt(((blurred[:, :, None, :] - border[None, None]) ** 2).sum(-1)).min(axis=-1)
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    prior = np.exp(-(((y - h / 2) / (0.4 * h)) ** 2 + ((x - w / 2) / (0.4 * w)) ** 2))
    score = _smooth(distance, 2.0) * prior
    found = score > max(otsu_threshold(score), 0.05)
    peak = np.zeros_like(found)
    peak[np.unravel_index(int(np.argmax(score)), score.shape)] = True
    found = _close_holes(_closing(grow_within(peak, found), 3))
    if not 0.08 <= found.mean() <= 0.75:
        found = ((y - h / 2) / (0.32 * h)) ** 2 + ((x - w / 2) / (0.3 * w)) ** 2 <= 1.0
    return found.astype(np.float32)


def _closing(mask: np.ndarray, radius: int) -> np.ndarray:
    """Dilate then erode: small gaps and bays in a mask are filled."""
    t = torch.from_numpy(mask.astype(np.float32))[None, None]
    size = 2 * radius + 1
    grown = F.max_pool2d(F.pad(t, (radius,) * 4), size, stride=1)
    shrunk = -F.max_pool2d(F.pad(-grown, (radius,) * 4, value=-1.0), size, stride=1)
    return shrunk[0, 0].numpy() > 0.5
