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
from numpy.lib.stride_tricks import sliding_window_view
from PIL import Image

MAX_SIDE = 512  # a mask is kept (and stored in recipes) at most this big
ANALYSIS_SIDE = 160  # quick starts look at the photo this small
AUTO_KINDS = {"sky": "Sky", "bright": "Bright areas", "dark": "Dark areas", "subject": "Subject (centre)"}

MaskLike = Union[np.ndarray, Image.Image]  # or a torch tensor (read through .detach(), never imported here)


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

    # --- what the engine uses (as a tensor: engine.images.tensors.region_mask) -------------

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
    if hasattr(mask, "detach"):  # a torch tensor
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
    return _area_resize(_area_resize(values, size[0], axis=0), size[1], axis=1)


def _area_resize(values: np.ndarray, size: int, axis: int) -> np.ndarray:
    """Shrink one axis to ``size`` by averaging, bin by bin as torch's "area" interpolation does
    (bin i covers floor(i * n / size) .. ceil((i + 1) * n / size))."""
    n = values.shape[axis]
    starts = (np.arange(size) * n) // size
    ends = -((-(np.arange(1, size + 1)) * n) // size)
    sums = np.cumsum(np.moveaxis(values, axis, 0), axis=0, dtype=np.float64)
    sums = np.concatenate([np.zeros_like(sums[:1]), sums])
    means = (sums[ends] - sums[starts]) / (ends - starts).reshape(-1, *([1] * (values.ndim - 1)))
    return np.moveaxis(means.astype(np.float32), 0, axis)


def soften(values: np.ndarray, radius: float) -> np.ndarray:
    """Gaussian blur of a mask; ``radius`` (pixels) is about two standard deviations."""
    sigma = max(radius / 2.0, 1e-3)
    half = max(1, int(round(3 * sigma)))
    x = np.arange(-half, half + 1, dtype=np.float32)
    kernel = np.exp(-0.5 * (x / np.float32(sigma)) ** 2)
    kernel = kernel / kernel.sum()
    values = np.asarray(values, dtype=np.float32)
    rows = sliding_window_view(np.pad(values, ((0, 0), (half, half)), mode="edge"), kernel.size, axis=1) @ kernel
    return sliding_window_view(np.pad(rows, ((half, half), (0, 0)), mode="edge"), kernel.size, axis=0) @ kernel


# --- quick starts --------------------------------------------------------------------------

def auto_region(image: Image.Image, kind: str) -> Region:
    """A first guess at a region from the photo alone: "sky", "bright", "dark" or "subject"."""
    if kind not in AUTO_KINDS:
        raise ValueError(f"unknown quick start '{kind}' (choose from: {', '.join(AUTO_KINDS)})")
    rgb = _analysis_pixels(image)
    guess = {"sky": sky_mask, "bright": bright_mask, "dark": dark_mask, "subject": subject_mask}[kind](rgb)
    h, w = _fit_size(image.size[::-1], MAX_SIDE)
    full = _bilinear_resize(_bilinear_resize(guess.astype(np.float32), h, axis=0), w, axis=1)
    return Region.from_mask(np.clip(full, 0, 1))


def _bilinear_resize(values: np.ndarray, size: int, axis: int) -> np.ndarray:
    """One axis to ``size`` by linear interpolation between pixel centres (torch's bilinear,
    align_corners=False, without antialiasing)."""
    n = values.shape[axis]
    source = np.maximum((np.arange(size, dtype=np.float32) + 0.5) * np.float32(n / size) - 0.5, 0)
    low = np.minimum(source.astype(np.int64), n - 1)
    high = np.minimum(low + 1, n - 1)
    share = (source - low).reshape(-1, *([1] * (values.ndim - 1)))
    moved = np.moveaxis(values, axis, 0)
    return np.moveaxis(moved[low] * (1 - share) + moved[high] * share, 0, axis).astype(np.float32)


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
    current = seed & allowed
    while True:
        grown = _dilate(current, 1) & allowed
        if np.array_equal(grown, current):
            return current
        current = grown


def _dilate(mask: np.ndarray, radius: int, outside: bool = False) -> np.ndarray:
    """True wherever a True lies within ``radius`` pixels (a square); beyond the edges counts as ``outside``."""
    size = 2 * radius + 1
    padded = np.pad(mask, radius, constant_values=outside)
    rows = sliding_window_view(padded, size, axis=0).any(axis=-1)
    return sliding_window_view(rows, size, axis=1).any(axis=-1)


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
    grown = _dilate(mask.astype(bool), radius)
    return ~_dilate(~grown, radius, outside=False)  # erosion; beyond the edges counts as inside
