"""Every kind of file a user may hand DreamLab, made on the fly (no binary test files in git).

Each maker returns the file's bytes. ``python tests/make_inputs.py DIR`` writes them all to DIR
to look at or to try with ``python -m dreamlab.cli classify DIR/<name>``.
"""
from __future__ import annotations

import io
import struct
import sys
import zlib
from pathlib import Path

import numpy as np
from PIL import Image

RED, GREEN, BLUE, YELLOW = (255, 0, 0), (0, 255, 0), (0, 0, 255), (255, 255, 0)
# The upright test picture: four coloured quadrants, wider than tall.
QUADRANTS = {"top_left": RED, "top_right": GREEN, "bottom_left": BLUE, "bottom_right": YELLOW}


def encode(image: Image.Image, fmt: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def quadrants(width: int = 64, height: int = 48) -> Image.Image:
    image = Image.new("RGB", (width, height))
    w, h = width // 2, height // 2
    boxes = [(0, 0, w, h), (w, 0, width, h), (0, h, w, height), (w, h, width, height)]
    for box, colour in zip(boxes, QUADRANTS.values()):
        image.paste(colour, box)
    return image


def quadrant_colours(image: Image.Image) -> dict[str, tuple[int, int, int]]:
    """The colour at the centre of each quadrant of ``image``."""
    w, h = image.size
    points = {"top_left": (w // 4, h // 4), "top_right": (3 * w // 4, h // 4),
              "bottom_left": (w // 4, 3 * h // 4), "bottom_right": (3 * w // 4, 3 * h // 4)}
    return {name: image.convert("RGB").getpixel(xy) for name, xy in points.items()}


def gradient(width: int, height: int) -> Image.Image:
    """A smooth RGB picture of any size, cheap to make and to compress."""
    x = np.linspace(0, 255, width, dtype=np.float32)[None, :].repeat(height, 0)
    y = np.linspace(0, 255, height, dtype=np.float32)[:, None].repeat(width, 1)
    return Image.fromarray(np.stack([x, y, 255 - x], axis=2).astype(np.uint8))


# --- a minimal PNG writer, for what Pillow will not write (16-bit RGB, bombs) -----------------

def png_chunk(tag: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)


def raw_png(width: int, height: int, bit_depth: int, colour_type: int, rows) -> bytes:
    """PNG from an iterable of raw rows (without the filter byte), compressed as they come."""
    packer = zlib.compressobj(9)
    idat = b"".join(packer.compress(b"\x00" + row) for row in rows) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, bit_depth, colour_type, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + png_chunk(b"IDAT", idat)
            + png_chunk(b"IEND", b""))


def bomb_png(side: int = 20_000) -> bytes:
    """A complete, valid 1-bit PNG of side x side pixels that compresses to a few kB."""
    row = bytes((side + 7) // 8)
    return raw_png(side, side, 1, 0, (row for _ in range(side)))


# --- pictures DreamLab must accept ------------------------------------------------------------

def exif_jpeg(orientation: int, width: int = 64, height: int = 48) -> bytes:
    """A JPEG whose stored pixels, turned as EXIF ``orientation`` says, show ``quadrants()``."""
    undo = {1: None, 2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180,
            4: Image.Transpose.FLIP_TOP_BOTTOM, 5: Image.Transpose.TRANSPOSE,
            6: Image.Transpose.ROTATE_90, 7: Image.Transpose.TRANSVERSE, 8: Image.Transpose.ROTATE_270}
    upright = quadrants(width, height)
    stored = upright.transpose(undo[orientation]) if undo[orientation] is not None else upright
    exif = Image.Exif()
    exif[0x0112] = orientation
    return encode(stored, "JPEG", quality=95, exif=exif.tobytes())


def cmyk_jpeg(width: int = 64, height: int = 48) -> bytes:
    """CMYK quadrants as Photoshop writes them (Adobe APP14 marker, inverted samples):
    red, green, blue, yellow in CMYK ink terms, laid out as ``quadrants()``."""
    image = Image.new("CMYK", (width, height))
    inks = [(0, 255, 255, 0), (255, 0, 255, 0), (255, 255, 0, 0), (0, 0, 255, 0)]
    w, h = width // 2, height // 2
    for box, ink in zip([(0, 0, w, h), (w, 0, width, h), (0, h, w, height), (w, h, width, height)], inks):
        image.paste(ink, box)
    return encode(image, "JPEG", quality=95)


def gray_png() -> bytes:
    return encode(gradient(64, 48).convert("L"), "PNG")


def la_png() -> bytes:
    """Grayscale + alpha: left half black and opaque, right half black and fully transparent."""
    image = Image.new("LA", (64, 48), (0, 255))
    image.paste((0, 0), (32, 0, 64, 48))
    return encode(image, "PNG")


def _half_transparent_palette() -> Image.Image:
    image = Image.new("P", (64, 48), 0)
    image.putpalette([255, 0, 0, 0, 255, 0] + [0] * (256 * 3 - 6))
    image.paste(1, (32, 0, 64, 48))
    return image


def palette_png_transparent() -> bytes:
    """Palette PNG: left half red, right half the transparent palette entry (tRNS)."""
    return encode(_half_transparent_palette(), "PNG", transparency=1)


def palette_gif_transparent() -> bytes:
    """The same as a GIF with a transparent colour index."""
    return encode(_half_transparent_palette(), "GIF", transparency=1)


def gray_png_transparent_colour() -> bytes:
    """Grayscale PNG whose black (value 0) is marked transparent (tRNS): left black, right grey 100."""
    image = Image.new("L", (64, 48), 0)
    image.paste(100, (32, 0, 64, 48))
    return encode(image, "PNG", transparency=0)


def rgba_png() -> bytes:
    """Left: opaque red. Right-top: fully transparent red. Right-bottom: half-transparent red."""
    image = Image.new("RGBA", (64, 48), (255, 0, 0, 255))
    image.paste((255, 0, 0, 0), (32, 0, 64, 24))
    image.paste((255, 0, 0, 128), (32, 24, 64, 48))
    return encode(image, "PNG")


def one_bit_png() -> bytes:
    """1-bit: left half black, right half white."""
    image = Image.new("1", (64, 48), 0)
    image.paste(1, (32, 0, 64, 48))
    return encode(image, "PNG")


def png16_gray() -> bytes:
    """16-bit grayscale (Pillow mode I;16): left 0, middle 32768, right 65535 (black, mid, white)."""
    values = np.zeros((48, 64), np.uint16)
    values[:, 21:42], values[:, 42:] = 32768, 65535
    return encode(Image.fromarray(values), "PNG")


def png16_gray_dark() -> bytes:
    """16-bit grayscale whose brightest sample is 200 of 65535: a nearly black picture."""
    return encode(Image.fromarray(np.full((48, 64), 200, np.uint16)), "PNG")


def png16_rgb() -> bytes:
    """16-bit-per-channel RGB (Pillow cannot write these): left red, right (half grey)."""
    left = struct.pack(">HHH", 65535, 0, 0) * 32
    right = struct.pack(">HHH", 32768, 32768, 32768) * 32
    return raw_png(64, 48, 16, 2, [left + right] * 48)


def tiff_int32() -> bytes:
    """32-bit integer TIFF (mode I) with a wide range: -1e6 on the left ... 3e6 on the right."""
    values = np.linspace(-1e6, 3e6, 64, dtype=np.float64)[None, :].repeat(48, 0).astype(np.int32)
    return encode(Image.fromarray(values), "TIFF")


def tiff_float() -> bytes:
    """32-bit float TIFF (mode F) with values 0..1, left to right, and one NaN."""
    values = np.linspace(0.0, 1.0, 64, dtype=np.float32)[None, :].repeat(48, 0)
    values[0, 0] = np.nan
    return encode(Image.fromarray(values), "TIFF")


def _frames() -> list[Image.Image]:
    return [Image.new("RGB", (64, 48), colour) for colour in (RED, GREEN, BLUE)]


def animated_gif() -> bytes:
    first, *rest = _frames()
    return encode(first, "GIF", save_all=True, append_images=rest, duration=100, loop=0)


def multipage_tiff() -> bytes:
    first, *rest = _frames()
    return encode(first, "TIFF", save_all=True, append_images=rest)


def webp() -> bytes:
    return encode(quadrants(), "WEBP", lossless=True)


def animated_webp() -> bytes:
    first, *rest = _frames()
    return encode(first, "WEBP", save_all=True, append_images=rest, duration=100, lossless=True)


def apng() -> bytes:
    first, *rest = _frames()
    return encode(first, "PNG", save_all=True, append_images=rest, duration=100)


def mpo() -> bytes:
    """A multi-picture JPEG (MPO), as some cameras save stereo or bracketed shots."""
    first, second, _ = _frames()
    return encode(first, "MPO", save_all=True, append_images=[second])


def big_jpeg(width: int = 4000, height: int = 3000) -> bytes:
    return encode(gradient(width, height), "JPEG", quality=90)


def big_png(width: int = 4000, height: int = 3000) -> bytes:
    return encode(gradient(width, height), "PNG", compress_level=1)


def tiny_png(width: int = 12, height: int = 12) -> bytes:
    return encode(quadrants(width, height), "PNG")


# --- files DreamLab must refuse with one plain line ------------------------------------------

def empty() -> bytes:
    return b""


def text() -> bytes:
    return "Shopping list:\n- eggs\n- crème fraîche\n".encode()


def svg() -> bytes:
    return (b'<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" '
            b'width="64" height="48"><rect width="64" height="48" fill="red"/></svg>\n')


def truncated_jpeg() -> bytes:
    data = encode(gradient(256, 192), "JPEG", quality=90)
    return data[: len(data) // 2]


def truncated_png() -> bytes:
    data = encode(gradient(256, 192), "PNG")
    return data[: len(data) // 2]


def heic() -> bytes:
    """The start of an iPhone HEIC file (an ISO-BMFF 'ftyp' box)."""
    return struct.pack(">I", 24) + b"ftypheic" + b"\x00\x00\x00\x00" + b"mif1heic" + bytes(64)


def too_thin_png() -> bytes:
    return encode(gradient(1000, 20), "PNG")


def too_small_png() -> bytes:
    return encode(gradient(4, 4), "PNG")


ACCEPTED = {
    "exif6.jpg": lambda: exif_jpeg(6), "cmyk.jpg": cmyk_jpeg, "gray.png": gray_png, "la.png": la_png,
    "palette-transparent.png": palette_png_transparent, "rgba.png": rgba_png, "one-bit.png": one_bit_png,
    "gray16.png": png16_gray, "rgb16.png": png16_rgb, "int32.tif": tiff_int32, "float.tif": tiff_float,
    "animated.gif": animated_gif, "pages.tif": multipage_tiff, "picture.webp": webp,
    "animated.webp": animated_webp, "animated.png": apng, "big.jpg": big_jpeg, "tiny.png": tiny_png,
    "palette-transparent.gif": palette_gif_transparent, "gray-trns.png": gray_png_transparent_colour,
    "stereo.mpo": mpo,
}
REFUSED = {
    "empty.jpg": empty, "notes.txt": text, "drawing.svg": svg, "truncated.jpg": truncated_jpeg,
    "truncated.png": truncated_png, "bomb.png": bomb_png, "photo.heic": heic,
    "thin.png": too_thin_png, "dot.png": too_small_png,
}


def write_all(folder: str | Path) -> list[Path]:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, make in {**ACCEPTED, **REFUSED}.items():
        (folder / name).write_bytes(make())
        written.append(folder / name)
    return written


if __name__ == "__main__":
    for path in write_all(sys.argv[1] if len(sys.argv) > 1 else "/tmp/dreamlab-inputs"):
        print(path)
