"""Seamless tiles without torch: making a photo tile, a 3x3 preview, and how visible a seam is.

A dream treats a seamless picture as a torus (``engine.network.fast.circular_padding``, rolls and
tiles that wrap), but a photo's opposite borders do not match, so the torus would have a seam from
the start. ``make_tileable`` removes it before any dreaming: each pair of opposite borders is
cross-faded over a band (``BAND`` of the side), which trims the picture by that band; it is then
scaled back to its size by one factor for both sides (a zoom, never a stretch). We chose this
over refusing photos: the ghosting stays inside the band, and the dream paints over it.

``seam_score`` is the test: 2x2 copies side by side, blurred slightly; the jump across the lines
where copies meet divided by the usual change between neighbouring lines (photos score about
6-22; 1 means the seam is as visible as any other line).
"""
from __future__ import annotations

import numpy as np
from PIL import Image

from engine.images.region import soften

BAND = (0.1, 0.3)  # the share of each side make_tileable cross-fades: the calmest place in this range
SCORE_BLUR = 2.0  # px: "blurred slightly", so pixel noise does not count as a seam
PREVIEW_COPIES = 3


def make_tileable(image: Image.Image, band: float | tuple[float, float] = BAND) -> Image.Image:
    """``image`` (same size) whose left border continues its right one and top its bottom.

    After the cross-fade the seam is exactly as visible as the photo's own change between the two
    lines where the band begins, so with a range for ``band`` each axis takes the calmest place in it
    (a sky rather than a busy ground). One share for both axes keeps the final scaling a zoom."""
    low, high = (band, band) if isinstance(band, (int, float)) else band
    if not 0 < low <= high < 0.5:
        raise ValueError(f"the cross-faded band must be between 0 and half the side, got {band}")
    array = np.asarray(image.convert("RGB"), dtype=np.float32)
    share = _calmest_share(array, low, high)
    array = _cross_fade(_cross_fade(array, share, axis=1), share, axis=0)
    faded = Image.fromarray(np.clip(array + 0.5, 0, 255).astype(np.uint8))
    return faded.resize(image.size, Image.LANCZOS)


def _calmest_share(array: np.ndarray, low: float, high: float, candidates: int = 9) -> float:
    """The band share in [low, high] whose two seams (columns and rows) land where the photo changes least."""
    if low == high:
        return low
    grey = soften(array.mean(axis=2), 2 * SCORE_BLUR)
    across_columns = np.abs(np.diff(grey, axis=1)).mean(axis=0)
    across_rows = np.abs(np.diff(grey, axis=0)).mean(axis=1)

    def seam(share: float) -> float:
        h, w = grey.shape
        column = w - max(1, int(round(w * share)))
        row = h - max(1, int(round(h * share)))
        return (across_columns[column - 1] / (across_columns.mean() + 1e-3)
                + across_rows[row - 1] / (across_rows.mean() + 1e-3))
    return min(np.linspace(low, high, candidates), key=seam)


def _cross_fade(array: np.ndarray, band: float, axis: int) -> np.ndarray:
    """Overlap the last ``band`` of ``axis`` onto its first: the result is shorter by the band, and
    its first line follows its last (new[0] is old[kept], the line after old[kept - 1])."""
    length = array.shape[axis]
    width = max(1, int(round(length * band)))
    kept = length - width
    moved = np.moveaxis(array, axis, 0)
    ramp = (np.arange(width, dtype=np.float32) / width).reshape(-1, *([1] * (moved.ndim - 1)))
    out = moved[:kept].copy()
    out[:width] = ramp * moved[:width] + (1 - ramp) * moved[kept:kept + width]
    return np.moveaxis(out, 0, axis)


def tile_preview(image: Image.Image, copies: int = PREVIEW_COPIES) -> Image.Image:
    """``copies`` x ``copies`` copies side by side, with no gaps: what a tiled wall would show."""
    w, h = image.size
    sheet = Image.new("RGB", (w * copies, h * copies))
    for row in range(copies):
        for column in range(copies):
            sheet.paste(image.convert("RGB"), (column * w, row * h))
    return sheet


def seam_scores(image: Image.Image, blur: float = SCORE_BLUR) -> tuple[float, float]:
    """(across columns, across rows): the jump at the lines where 2x2 copies meet, divided by the
    mean change between neighbouring lines. About 1 for a seamless tile, 6-22 for a photo."""
    grey = np.asarray(image.convert("L"), dtype=np.float32)
    h, w = grey.shape
    mosaic = soften(np.tile(grey, (2, 2)), 2 * blur)
    return _jump(mosaic, w, axis=1), _jump(mosaic, h, axis=0)


def seam_score(image: Image.Image, blur: float = SCORE_BLUR) -> float:
    """The worse of the two ``seam_scores``."""
    return max(seam_scores(image, blur))


def _jump(mosaic: np.ndarray, seam: int, axis: int) -> float:
    """Mean |difference| between line ``seam - 1`` and line ``seam`` along ``axis``, over the mean
    of that for all neighbouring lines."""
    changes = np.abs(np.diff(mosaic, axis=axis)).mean(axis=1 - axis)  # one value per pair of lines
    usual = float(changes.mean()) + 1e-3
    return float(changes[seam - 1]) / usual
