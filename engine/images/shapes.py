"""Result sizes without torch: print sizes, wallpaper shapes, and the shared server's pixel cap.

A *shape* is named by what it is for (a phone, a desktop) and has an exact pixel size. A photo is
brought to a shape without ever being stretched: ``crop`` keeps the largest part of the photo
with the shape's proportions, placed so that its subject (``engine.images.region.subject_mask``)
is as near the middle as the photo allows; ``extend`` keeps the whole photo and fills the rest
with a blurred, enlarged copy of it (the dream then paints over both). Either is then scaled,
by one factor for both sides, to exactly the shape's pixels.

``size_refusal`` is the check a page makes before the press: ``DREAMLAB_MAX_PIXELS`` (a shared
server's cap on a result's pixels) refuses larger results with one sentence.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Optional

import numpy as np
from PIL import Image, ImageFilter

from engine.images.region import auto_region

PRINT_DPI = 300  # what a print's PNG says (pHYs), so a print shop reads its size right
MAX_PRINT_SIDE = 4096  # the largest result's longest side
PRINT_SIZES = {"a4": 3508, "poster": 4096}  # longest sides: A4 at 300 dpi (297 mm), a poster
PRINT_LABELS = {"a4": "Print A4 300 dpi (3508 px)", "poster": "Poster (4096 px)"}
MAX_PIXELS_ENV = "DREAMLAB_MAX_PIXELS"
FITS = ("crop", "extend")


@dataclass(frozen=True)
class Shape:
    name: str
    width: int
    height: int
    label: str  # plain words for a menu

    @property
    def size(self) -> tuple[int, int]:
        return self.width, self.height


SHAPES: dict[str, Shape] = {shape.name: shape for shape in (
    Shape("phone", 1179, 2556, "Phone (iPhone, 1179\u00d72556)"),
    Shape("phone-android", 1080, 2400, "Phone (Android, 1080\u00d72400)"),
    Shape("desktop-hd", 1920, 1080, "Desktop HD (1920\u00d71080)"),
    Shape("desktop-qhd", 2560, 1440, "Desktop QHD (2560\u00d71440)"),
    Shape("desktop-4k", 3840, 2160, "Desktop 4K (3840\u00d72160)"),
    Shape("square", 2048, 2048, "Square (2048\u00d72048)"),
)}


def get_shape(name: str) -> Shape:
    """The shape called ``name``; ValueError listing the names otherwise."""
    try:
        return SHAPES[str(name).strip().lower()]
    except KeyError:
        raise ValueError(f"unknown shape '{name}' (choose from: {', '.join(SHAPES)})") from None


def fit_to_shape(image: Image.Image, shape: str | Shape, fit: str = "crop",
                 centre: Optional[tuple[float, float]] = None) -> Image.Image:
    """``image`` cropped (or extended) to ``shape``'s proportions with its subject centred, then
    scaled to exactly ``shape``'s pixels. ``centre`` (fractions of width and height) overrides the
    subject found in the photo, e.g. where a person dragged the crop."""
    shape = shape if isinstance(shape, Shape) else get_shape(shape)
    if fit not in FITS:
        raise ValueError(f"unknown fit '{fit}' (choose from: {', '.join(FITS)})")
    image = image.convert("RGB")
    centre = centre if centre is not None else subject_centre(image)
    framed = crop_to_aspect(image, shape.width / shape.height, centre) if fit == "crop" \
        else extend_to_aspect(image, shape.width / shape.height)
    return framed.resize(shape.size, Image.LANCZOS)


def subject_centre(image: Image.Image) -> tuple[float, float]:
    """Where the photo's subject is, as fractions (x, y) of its width and height: the centre of
    mass of the torch-free subject mask (the middle when nothing stands out)."""
    levels = auto_region(image, "subject").levels.astype(np.float64)
    total = levels.sum()
    if total <= 0:
        return 0.5, 0.5
    h, w = levels.shape
    ys, xs = np.mgrid[0:h, 0:w]
    return float(((xs + 0.5) * levels).sum() / total / w), float(((ys + 0.5) * levels).sum() / total / h)


def crop_to_aspect(image: Image.Image, aspect: float, centre: tuple[float, float] = (0.5, 0.5)) -> Image.Image:
    """The largest part of ``image`` with width / height = ``aspect``, centred on ``centre`` as
    far as the photo's edges allow."""
    w, h = image.size
    if w / h > aspect:
        cw, ch = max(1, round(h * aspect)), h
    else:
        cw, ch = w, max(1, round(w / aspect))
    left = _placed(centre[0] * w, cw, w)
    top = _placed(centre[1] * h, ch, h)
    return image.crop((left, top, left + cw, top + ch))


def _placed(centre: float, span: int, length: int) -> int:
    return int(min(max(round(centre - span / 2), 0), length - span))


def extend_to_aspect(image: Image.Image, aspect: float) -> Image.Image:
    """The whole of ``image`` in the middle of a picture with width / height = ``aspect``; the
    space around it holds the photo itself, enlarged to cover and blurred (never stretched)."""
    w, h = image.size
    cw, ch = (round(h * aspect), h) if w / h < aspect else (w, round(w / aspect))
    cover = max(cw / w, ch / h)
    background = image.resize((max(cw, round(w * cover)), max(ch, round(h * cover))), Image.LANCZOS)
    background = crop_to_aspect(background, aspect).resize((cw, ch), Image.LANCZOS)
    background = background.filter(ImageFilter.GaussianBlur(max(cw, ch) / 40))
    background.paste(image, ((cw - w) // 2, (ch - h) // 2), _soft_edges(image.size, max(2, round(min(w, h) / 12))))
    return background


def _soft_edges(size: tuple[int, int], fade: int) -> Image.Image:
    """A mask that is opaque inside and fades out over ``fade`` px at the edges (no hard line
    between the photo and its blurred surroundings)."""
    w, h = size
    ramp_x = np.clip((np.minimum(np.arange(w), np.arange(w)[::-1]) + 0.5) / fade, 0, 1)
    ramp_y = np.clip((np.minimum(np.arange(h), np.arange(h)[::-1]) + 0.5) / fade, 0, 1)
    return Image.fromarray((np.minimum(ramp_y[:, None], ramp_x[None, :]) * 255).astype(np.uint8), mode="L")


def print_size(image_size: tuple[int, int], long_side: int) -> tuple[int, int]:
    """(W, H) with the photo's proportions and ``long_side`` as its longest side (may be larger than the photo)."""
    w, h = image_size
    scale = long_side / max(w, h)
    return max(1, round(w * scale)), max(1, round(h * scale))


def max_pixels() -> Optional[int]:
    """The shared server's cap on a result's pixels (``DREAMLAB_MAX_PIXELS``), or None for no cap.
    A value that is no whole number above 0 is ignored (the server still runs)."""
    raw = os.environ.get(MAX_PIXELS_ENV, "").strip().replace("_", "")
    try:
        value = int(float(raw)) if raw else 0
    except ValueError:
        return None
    return value if value > 0 else None


def size_refusal(width: int, height: int) -> Optional[str]:
    """One sentence saying why a result of ``width`` x ``height`` cannot be made here, or None."""
    if max(width, height) > MAX_PRINT_SIDE:
        return f"The longest side can be at most {MAX_PRINT_SIDE} px; {width}\u00d7{height} px is larger."
    cap = max_pixels()
    if cap is not None and width * height > cap:
        return (f"This server makes pictures of up to {cap / 1e6:.1f} megapixels; {width}\u00d7{height} px is "
                f"{width * height / 1e6:.1f}. Choose a smaller size, or run DreamLab on your own computer.")
    return None


# --- how a print is made (torch-free, so estimates can count its work) -------------------------

WORK_SIDE = 1024  # a print is dreamt at about this size first ...
FINISH_STEPS = 3  # ... then finished at each doubled size, tile by tile, with this many steps per tile
FINISH_TILE = 512  # a tile's core, px
FINISH_OVERLAP = 48  # px each tile reaches into its neighbours, cross-faded so no seam shows
STYLE_FINISH_STEPS = 8  # a style print's tile: L-BFGS loss evaluations
STYLE_WORK_MIN = 256  # a style print is transferred at its quality's size, at least this


def style_work_side(style_size: int) -> int:
    """A style print's working size: the quality's own (its strokes, its time)."""
    return max(STYLE_WORK_MIN, int(style_size))


def finish_plan(size: tuple[int, int], work_side: int = WORK_SIDE) -> tuple[tuple[int, int], list[tuple[int, int]]]:
    """(the work size, the finishing sizes up to ``size``), all (W, H). The work size is ``size``
    halved as often as it stays at least ``work_side`` long; each finishing size doubles it. A
    result no larger than twice ``work_side`` is made directly (no finishing)."""
    w, h = size
    halvings = 0
    while max(w, h) / 2 ** (halvings + 1) >= work_side:
        halvings += 1
    levels = [(max(1, round(w / 2 ** k)), max(1, round(h / 2 ** k))) for k in range(halvings, -1, -1)]
    return levels[0], levels[1:]


def tile_count(size: tuple[int, int], tile: int = FINISH_TILE) -> int:
    """How many tiles a finishing size is cut into (as ``engine.ascent.loop.cuts`` cuts it)."""
    return -(-size[0] // tile) * -(-size[1] // tile)


def print_recipe(size: tuple[int, int], work_side: int = WORK_SIDE) -> dict:
    """What a print adds to its recipe: its size and how it was made, and the dpi its PNG states."""
    return {"print": {"size": [int(size[0]), int(size[1])], "work_side": work_side, "finish_steps": FINISH_STEPS,
                      "tile": FINISH_TILE}, "dpi": PRINT_DPI}


def result_size(photo_size: tuple[int, int], long_side: Optional[int] = None,
                shape: Optional[str] = None) -> Optional[tuple[int, int]]:
    """The (W, H) a job should make: a shape's exact pixels, or the photo's proportions at
    ``long_side`` (may be larger than the photo); None for neither (the photo's own size)."""
    if shape:
        return get_shape(shape).size
    if long_side:
        return print_size(photo_size, int(long_side))
    return None


def needs_print(size: Optional[tuple[int, int]], photo_size: tuple[int, int]) -> bool:
    """True when a result of ``size`` goes through the print path (``engine.dreaming.printing``):
    larger than the photo it starts from, or larger than twice the working size."""
    return size is not None and (max(size) > 2 * WORK_SIDE or size[0] * size[1] > photo_size[0] * photo_size[1])
