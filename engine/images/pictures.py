"""The one way pictures come in and go out: loading anything a user may upload, PNG recipes.

``load_image`` is the only door for pictures in the app and the CLI. It turns whatever a phone
or desktop produces into 8-bit RGB (EXIF orientation applied, CMYK / 16-bit / 32-bit / float
mapped, transparency composited on white (with a note), first frame of animations) and refuses everything
else with one plain sentence (``ImageError``).

Nothing here imports torch (the tensor helpers are in ``engine.images.tensors``): the app's server decodes
pictures with Pillow alone, and the command line refuses a bad file before torch loads.

Pillow's decompression-bomb guard stays on: nothing here (or anywhere in DreamLab) touches
``Image.MAX_IMAGE_PIXELS`` or ``ImageFile.LOAD_TRUNCATED_IMAGES``. On top of it we refuse
anything above ``MAX_SOURCE_PIXELS`` (below Pillow's warning threshold) before decoding a pixel.
"""
from __future__ import annotations

import functools
import importlib
import io
import json
import math
import os
import warnings
from dataclasses import dataclass, field
from typing import BinaryIO, Optional, Sequence, Union

import numpy as np
from PIL import ExifTags, Image, PngImagePlugin, UnidentifiedImageError

from engine import __version__

DEFAULT_MAX_SIDE = 1600  # pictures are scaled to this before any work (the app's default)
MAX_SOURCE_PIXELS = 60_000_000  # refuse to even decode pictures larger than this (< Pillow's 89.5 MP warning)
MIN_SIDE = 32  # every picture that comes out has sides at least this long
MIN_SOURCE_SIDE = 8  # below this a picture is refused as too small; between the two it is enlarged
SMALL_TARGET_SIDE = 128  # tiny pictures are enlarged so their shorter side is this (if max_side allows)
MAX_ASPECT = 20  # longer side / shorter side; thinner pictures are refused
RECIPE_KEY = "dreamlab"
BACKGROUND = (255, 255, 255)  # what transparent pixels are composited on
# The formats we let Pillow try (MPO, the multi-picture JPEG of some cameras, comes with JPEG). Formats
# that run outside programs (EPS: Ghostscript) or that nobody uploads as a photo are never tried.
FORMATS = ("JPEG", "PNG", "WEBP", "GIF", "TIFF", "BMP", "DIB", "AVIF", "ICO", "PPM", "TGA")
FORMAT_HINT = "use JPEG, PNG, WebP, GIF, TIFF or BMP"

Source = Union[str, os.PathLike, bytes, BinaryIO]

# EXIF orientation -> the transposition that shows the picture upright.
_ORIENT = {
    2: (Image.Transpose.FLIP_LEFT_RIGHT,),
    3: (Image.Transpose.ROTATE_180,),
    4: (Image.Transpose.FLIP_TOP_BOTTOM,),
    5: (Image.Transpose.TRANSPOSE,),
    6: (Image.Transpose.ROTATE_270,),
    7: (Image.Transpose.TRANSVERSE,),
    8: (Image.Transpose.ROTATE_90,),
}
_SIXTEEN_BIT = ("I;16", "I;16B", "I;16L", "I;16N")
# How picture files start: bytes like these that Pillow cannot open are a damaged picture.
_SIGNATURES = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"II*\x00", b"MM\x00*")


class ImageError(ValueError):
    """A picture DreamLab refuses, with one plain sentence saying why."""


@dataclass
class LoadedImage:
    image: Image.Image  # always 8-bit RGB
    notes: list[str] = field(default_factory=list)  # things the user should be told


def load_image(source: Source, max_side: Optional[int] = DEFAULT_MAX_SIDE) -> LoadedImage:
    """Open any picture a phone or desktop may produce as 8-bit RGB, or raise ImageError.

    Pictures larger than ``max_side`` (longest side, px) are scaled down before any work, with
    a note; JPEGs are decoded at a reduced scale straight away, other formats are box-reduced
    right after decoding, so memory stays near the size of the file's pixels, once.
    """
    if max_side is not None and max_side < MIN_SIDE:
        raise ValueError(f"the maximum side must be at least {MIN_SIDE} px, got {max_side}")
    data = _read_bytes(source)
    if not data:
        raise ImageError("The file is empty.")
    notes: list[str] = []
    try:
        # Pillow warns above MAX_IMAGE_PIXELS and raises above twice that; we make the warning an
        # error too. (catch_warnings is process-wide, so another thread may briefly see the filter
        # differently; _check_size below refuses those pictures anyway, so the guard never lapses.)
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            warnings.filterwarnings("ignore", "(Possibly )?[Cc]orrupt EXIF", UserWarning)  # we ignore bad EXIF
            with Image.open(io.BytesIO(data), formats=_formats()) as im:
                rgb, original = _decode(im, max_side, notes)
    except ImageError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageError(f"This picture is far too large to open safely: DreamLab opens pictures of up to "
                         f"{MAX_SOURCE_PIXELS // 1_000_000} megapixels (for example 9000x6600 px).") from None
    except UnidentifiedImageError:
        raise ImageError(_not_a_picture(data)) from None
    except MemoryError:
        raise ImageError("This picture is too large to open on this machine.") from None
    except Exception as err:  # any other failure decoding untrusted bytes is a damaged file, never a traceback
        raise ImageError("The picture file is damaged or incomplete, so it cannot be read.") from err
    rgb = _final_size(rgb, original, max_side, notes)
    return LoadedImage(rgb, notes)


# The Pillow plugins that read FORMATS. Importing just these (not ``Image.init()``, which imports all
# of Pillow's plugins, PDF's among them) saves about a fifth of a second at every start.
_PLUGINS = ("JpegImagePlugin", "PngImagePlugin", "WebPImagePlugin", "GifImagePlugin", "TiffImagePlugin",
            "BmpImagePlugin", "AvifImagePlugin", "IcoImagePlugin", "PpmImagePlugin", "TgaImagePlugin",
            "MpoImagePlugin")


@functools.lru_cache(maxsize=1)
def _formats() -> tuple[str, ...]:
    for plugin in _PLUGINS:
        try:
            importlib.import_module(f"PIL.{plugin}")
        except ImportError:  # e.g. AVIF in a Pillow built without it
            pass
    return tuple(name for name in FORMATS if name in Image.OPEN)


def _decode(im: Image.Image, max_side: Optional[int], notes: list[str]) -> tuple[Image.Image, tuple[int, int]]:
    """Decode the first frame, small where possible, upright, as RGB. Returns it and the upright
    size of the picture in the file."""
    _check_size(im)
    _first_frame(im, notes)
    orientation = _orientation(im)
    stored = im.size
    original = (stored[1], stored[0]) if orientation in (5, 6, 7, 8) else stored
    target = fit_side(stored, max_side) if max_side and max(stored) > max_side else None
    if target and im.format in ("JPEG", "MPO"):
        im.draft(im.mode, target)  # libjpeg decodes at 1/2, 1/4 or 1/8 scale, never below target
    im.load()
    sixteen_bit = im.mode in _SIXTEEN_BIT
    frame = _reducible(im)
    if target:
        factor = min(frame.width // target[0], frame.height // target[1])
        if factor >= 2:
            frame = frame.reduce(factor)
    for method in _ORIENT.get(orientation, ()):
        frame = frame.transpose(method)
    _check_transparency(frame, notes)
    return _to_rgb(frame, sixteen_bit), original


def _read_bytes(source: Source) -> bytes:
    if isinstance(source, (bytes, bytearray, memoryview)):
        return bytes(source)
    if isinstance(source, (str, os.PathLike)):
        try:
            with open(source, "rb") as f:
                return f.read()
        except FileNotFoundError:
            raise ImageError(f"No such file: {os.fspath(source)}") from None
        except IsADirectoryError:
            raise ImageError(f"That is a folder, not a picture: {os.fspath(source)}") from None
        except PermissionError:
            raise ImageError(f"This file cannot be read (permission denied): {os.fspath(source)}") from None
    if hasattr(source, "getvalue"):
        return source.getvalue()
    return source.read()


def _check_size(im: Image.Image) -> None:
    w, h = im.size
    if w * h > MAX_SOURCE_PIXELS:
        raise ImageError(f"This picture is too large ({w}x{h} px, {w * h / 1e6:.0f} megapixels); "
                         f"the limit is {MAX_SOURCE_PIXELS // 1_000_000} megapixels, so scale it down first.")
    if min(w, h) < MIN_SOURCE_SIDE:
        raise ImageError(f"This picture is too small to work with ({w}x{h} px; "
                         f"each side needs at least {MIN_SOURCE_SIDE} px).")
    if max(w, h) > MAX_ASPECT * min(w, h):
        raise ImageError(f"This picture is too long and thin ({w}x{h} px); "
                         f"the longer side may be at most {MAX_ASPECT} times the shorter.")


def _first_frame(im: Image.Image, notes: list[str]) -> None:
    frames = getattr(im, "n_frames", 1)
    if frames > 1:
        if im.format == "TIFF":
            what = f"This TIFF file has {frames} pages; DreamLab uses the first page."
        elif im.format == "MPO":
            what = f"This file holds {frames} pictures; DreamLab uses the first."
        else:
            what = f"This is an animation with {frames} frames; DreamLab uses the first frame."
        notes.append(what)
        im.seek(0)


def _orientation(im: Image.Image) -> int:
    try:
        value = im.getexif().get(ExifTags.Base.Orientation, 1)
        return int(value) if int(value) in _ORIENT else 1
    except Exception:  # broken EXIF: show the picture as stored
        return 1


def _reducible(im: Image.Image) -> Image.Image:
    """The decoded frame in a mode that Image.reduce and our RGB conversion handle."""
    if im.mode in _SIXTEEN_BIT:
        return im.convert("I")  # values stay 0..65535 (the caller remembers they were 16-bit)
    if im.mode == "P":
        has_alpha = "transparency" in im.info or getattr(im.palette, "mode", "") == "RGBA"
        return im.convert("RGBA" if has_alpha else "RGB")
    if im.mode in ("PA", "RGBa", "La"):
        return im.convert("RGBA")
    if im.mode == "1":
        return im.convert("L")
    if im.mode in ("L", "RGB") and "transparency" in im.info:  # PNG with a transparent colour (tRNS)
        return im.convert("RGBA")
    if im.mode in ("L", "LA", "I", "F", "RGB", "RGBA", "CMYK"):
        return im
    return im.convert("RGB")  # YCbCr, LAB, HSV, ...


def _check_transparency(im: Image.Image, notes: list[str]) -> None:
    """Say when transparent parts become white; refuse a picture with nothing visible in it."""
    if im.mode not in ("RGBA", "LA"):
        return
    alpha = np.asarray(im.getchannel("A"))
    if alpha.max() == 0:
        raise ImageError("This picture is completely transparent, so there is nothing in it to work with. "
                         "Choose a picture you can see.")
    if alpha.min() < 255:
        share = max(0.01, float((alpha < 255).mean()))
        notes.append(f"The transparent parts of this picture ({share:.0%} of it) were filled with white.")


def _to_rgb(im: Image.Image, sixteen_bit: bool = False) -> Image.Image:
    if im.mode in ("I", "F"):
        return Image.fromarray(_to_uint8(np.asarray(im), sixteen_bit)).convert("RGB")
    if im.mode in ("RGBA", "LA"):
        rgba = im.convert("RGBA")
        background = Image.new("RGBA", rgba.size, BACKGROUND + (255,))
        return Image.alpha_composite(background, rgba).convert("RGB")
    return im.convert("RGB")


def _to_uint8(values: np.ndarray, sixteen_bit: bool = False) -> np.ndarray:
    """Map 16-bit, 32-bit integer or float samples onto 0..255 sensibly: by the range their type
    suggests (0..1 for floats, 0..255, 0..65535), or stretched when they fit none of those."""
    is_float = values.dtype.kind == "f"
    values = values.astype(np.float32)
    finite = np.isfinite(values)
    if not finite.all():
        values = np.where(finite, values, 0.0).astype(np.float32)
    lo, hi = (float(values.min()), float(values.max())) if values.size else (0.0, 1.0)
    if sixteen_bit or (lo >= 0 and 255 < hi <= 65535):
        lo, hi = 0.0, 65535.0
    elif lo >= 0 and hi <= 1.0 and is_float:
        lo, hi = 0.0, 1.0  # float pictures in 0..1
    elif lo >= 0 and hi <= 255:
        lo, hi = 0.0, 255.0
    elif hi <= lo:
        hi = lo + 1.0
    out = (values - lo) * np.float32(255.0 / (hi - lo)) + np.float32(0.5)
    return np.clip(out, 0, 255).astype(np.uint8)


def _final_size(im: Image.Image, original: tuple[int, int], max_side: Optional[int],
                notes: list[str]) -> Image.Image:
    """Scale down to ``max_side``, or enlarge tiny pictures to a workable size; say which."""
    w, h = original
    short, long = min(w, h), max(w, h)
    scale = max_side / long if max_side and long > max_side else 1.0
    if short * scale < MIN_SIDE:  # a tiny picture, or a thin one that max_side made too thin
        scale = (SMALL_TARGET_SIDE if short < MIN_SIDE else MIN_SIDE) / short
        if max_side:
            scale = min(scale, max_side / long)  # stay within max_side where possible ...
        scale = max(scale, MIN_SIDE / short)  # ... but never thinner than MIN_SIDE
    size = (w, h) if scale == 1.0 else (max(MIN_SIDE, round(w * scale)), max(MIN_SIDE, round(h * scale)))
    if size[0] * size[1] < w * h:
        notes.append(f"The picture was scaled from {w}x{h} to {size[0]}x{size[1]} px.")
    elif size[0] * size[1] > w * h:
        notes.append(f"The picture is very small ({w}x{h} px), so it was enlarged to {size[0]}x{size[1]} px.")
    return im if im.size == size else im.resize(size, Image.LANCZOS)


def _not_a_picture(data: bytes) -> str:
    """The one-line refusal for bytes Pillow does not recognise as any picture it may open."""
    head = data[:4096]
    if head.startswith(_SIGNATURES) or (head[:4] == b"RIFF" and head[8:12] == b"WEBP"):
        return "The picture file is damaged or incomplete, so it cannot be read."
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if b"<svg" in text and text.startswith(b"<"):
        return "SVG drawings are not supported; save it as PNG or JPEG first."
    if head.startswith(b"%PDF"):
        return "PDF documents are not pictures DreamLab can read; export the page as PNG or JPEG."
    if head[4:8] == b"ftyp" and head[8:12] in (b"heic", b"heix", b"hevc", b"hevx", b"mif1", b"msf1", b"heim", b"heis"):
        return "HEIC pictures (the iPhone's own format) cannot be read here; share or export it as JPEG."
    if b"\x00" not in head:
        try:
            head.decode("utf-8")
            return "This is a text file, not a picture."
        except UnicodeDecodeError as err:
            if err.start >= len(head) - 3:  # only a character cut off at the end of the sample
                return "This is a text file, not a picture."
    return f"This is not a picture DreamLab can read ({FORMAT_HINT})."


def fit_side(size: tuple[int, int], max_side: int) -> tuple[int, int]:
    """(W, H) scaled so its longest side is ``max_side``."""
    w, h = size
    scale = max_side / max(w, h)
    return max(1, round(w * scale)), max(1, round(h * scale))


# --- PNG with recipe ----------------------------------------------------------------------

def png_bytes(image: Image.Image, recipe: dict, dpi: Optional[int] = None) -> bytes:
    """Lossless PNG whose text chunk ``dreamlab`` holds the recipe that made it. Its resolution
    (the pHYs chunk) is ``dpi``, or the recipe's ``dpi`` (a print's: 300), so that a print shop
    reads the size right; without either the PNG says nothing about it."""
    info = PngImagePlugin.PngInfo()
    info.add_text(RECIPE_KEY, json.dumps({**recipe, "version": __version__}, sort_keys=True))
    dpi = dpi or _recipe_dpi(recipe)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", pnginfo=info, **({"dpi": (dpi, dpi)} if dpi else {}))
    return buffer.getvalue()


def _recipe_dpi(recipe: dict) -> Optional[int]:
    value = recipe.get("dpi") if isinstance(recipe, dict) else None
    return int(value) if isinstance(value, (int, float)) and 0 < value <= 10_000 else None


def png_dpi(source: Source) -> Optional[float]:
    """The resolution a PNG states (dots per inch, to 0.1), or None when it states none. PNG keeps
    dots per metre, so 300 dpi comes back as 299.9994 before rounding."""
    with Image.open(io.BytesIO(_read_bytes(source))) as im:
        dpi = im.info.get("dpi")
    return round(float(dpi[0]), 1) if dpi else None


def save_png(image: Image.Image, path: str | os.PathLike, recipe: dict, dpi: Optional[int] = None) -> None:
    with open(path, "wb") as f:
        f.write(png_bytes(image, recipe, dpi))


def read_recipe(source: Source) -> dict:
    with Image.open(io.BytesIO(_read_bytes(source))) as im:
        return json.loads(im.info[RECIPE_KEY])


def contact_sheet(pictures: Sequence[Image.Image], columns: int, gap: int = 0,
                  background=(255, 255, 255)) -> Image.Image:
    """Pictures of one size in a grid, row by row."""
    w, h = pictures[0].size
    rows = math.ceil(len(pictures) / columns)
    sheet = Image.new("RGB", (columns * w + (columns - 1) * gap, rows * h + (rows - 1) * gap), background)
    for i, picture in enumerate(pictures):
        sheet.paste(picture, ((i % columns) * (w + gap), (i // columns) * (h + gap)))
    return sheet
