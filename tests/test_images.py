"""The one image loader: every kind of picture a user may upload comes out as sensible 8-bit RGB,
and everything else is refused with one plain line. All inputs are generated in tests/make_inputs.py."""
from __future__ import annotations

import io
import os
import subprocess
import sys
import tomllib
import warnings
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageFile, features

from engine.images import pictures as images
from engine.images.pictures import ImageError, LoadedImage, load_image

try:
    from . import make_inputs as mi  # tests/ as a package
except ImportError:
    import tests.make_inputs as mi  # the subprocess runs in the repository root

ROOT = Path(__file__).resolve().parents[1]
PILLOW_DEFAULT_MAX_PIXELS = int(1024 * 1024 * 1024 // 4 // 3)  # Pillow's own default, 89,478,485


def close(colour, expected, tolerance=24) -> bool:
    return all(abs(int(a) - int(b)) <= tolerance for a, b in zip(colour, expected))


def assert_quadrants(image: Image.Image, tolerance=24):
    got = mi.quadrant_colours(image)
    for name, expected in mi.QUADRANTS.items():
        assert close(got[name], expected, tolerance), f"{name}: got {got[name]}, expected {expected}"


def load(data: bytes, **kwargs) -> LoadedImage:
    loaded = load_image(data, **kwargs)
    assert loaded.image.mode == "RGB"
    return loaded


def pixel(image: Image.Image, x: int, y: int):
    return image.getpixel((x, y))


# --- orientation ------------------------------------------------------------------------------

@pytest.mark.parametrize("orientation", range(1, 9))
def test_exif_orientation_shows_the_picture_upright(orientation):
    loaded = load(mi.exif_jpeg(orientation))
    assert loaded.image.size == (64, 48)
    assert_quadrants(loaded.image)


def test_exif_orientation_combines_with_downscaling():
    # stored 600x800 (portrait) with orientation 6: upright it is 800x600
    loaded = load(mi.exif_jpeg(6, 800, 600), max_side=200)
    assert loaded.image.size == (200, 150)
    assert_quadrants(loaded.image)
    assert "800x600" in loaded.notes[0] and "200x150" in loaded.notes[0]


def test_broken_exif_is_ignored_not_fatal():
    data = mi.encode(mi.quadrants(), "JPEG", quality=95,
                     exif=b"Exif\x00\x00II*\x00\x08\x00\x00\x00\xff\xff garbage")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # and no "Corrupt EXIF" warning leaks out
        assert_quadrants(load(data).image)


# --- colour modes -----------------------------------------------------------------------------

def test_cmyk_jpeg_adobe_inverted_comes_out_in_the_right_colours():
    data = mi.cmyk_jpeg()
    with Image.open(io.BytesIO(data)) as raw:
        assert raw.mode == "CMYK" and "adobe" in raw.info  # really an Adobe (inverted) CMYK JPEG
    assert_quadrants(load(data).image, tolerance=30)  # red ink loads as red, etc.


def test_big_cmyk_jpeg_decoded_small_keeps_its_colours():
    loaded = load(mi.cmyk_jpeg(2000, 1500), max_side=200)
    assert loaded.image.size == (200, 150)
    assert_quadrants(loaded.image, tolerance=30)


def test_grayscale():
    image = load(mi.gray_png()).image
    array = np.asarray(image)
    assert (array[..., 0] == array[..., 1]).all() and (array[..., 1] == array[..., 2]).all()
    assert array[0, 0, 0] < array[-1, -1, 0]  # the gradient survives


def test_grayscale_with_alpha_is_composited_on_white():
    image = load(mi.la_png()).image
    assert pixel(image, 5, 5) == (0, 0, 0)  # opaque black
    assert pixel(image, 50, 5) == (255, 255, 255)  # transparent black -> the white background


@pytest.mark.parametrize("make", [mi.palette_png_transparent, mi.palette_gif_transparent])
def test_palette_with_transparency(make):
    image = load(make()).image
    assert pixel(image, 5, 5) == (255, 0, 0)
    assert pixel(image, 50, 5) == (255, 255, 255)


def test_grayscale_with_a_transparent_colour():
    image = load(mi.gray_png_transparent_colour()).image
    assert pixel(image, 5, 5) == (255, 255, 255)  # value 0 is transparent -> white
    assert pixel(image, 50, 5) == (100, 100, 100)


def test_rgba_is_composited_on_white():
    image = load(mi.rgba_png()).image
    assert pixel(image, 5, 5) == (255, 0, 0)
    assert pixel(image, 50, 5) == (255, 255, 255)
    assert close(pixel(image, 50, 40), (255, 127, 127), 2)  # half-transparent red over white: pink


def test_one_bit():
    image = load(mi.one_bit_png()).image
    assert pixel(image, 5, 5) == (0, 0, 0) and pixel(image, 50, 5) == (255, 255, 255)


def test_sixteen_bit_grayscale_maps_the_full_range():
    data = mi.png16_gray()
    with Image.open(io.BytesIO(data)) as raw:
        assert raw.mode.startswith("I;16")
    image = load(data).image
    assert pixel(image, 5, 5) == (0, 0, 0)
    assert close(pixel(image, 30, 5), (128, 128, 128), 1)
    assert pixel(image, 60, 5) == (255, 255, 255)


def test_dark_sixteen_bit_grayscale_stays_dark():
    # 200 of 65535 is nearly black; it must not be stretched to white
    assert close(pixel(load(mi.png16_gray_dark()).image, 5, 5), (1, 1, 1), 1)


def test_sixteen_bit_rgb():
    image = load(mi.png16_rgb()).image
    assert pixel(image, 5, 5) == (255, 0, 0)
    assert close(pixel(image, 50, 5), (128, 128, 128), 1)


def test_thirty_two_bit_integer_tiff_is_stretched_to_its_range():
    data = mi.tiff_int32()
    with Image.open(io.BytesIO(data)) as raw:
        assert raw.mode == "I"
    row = np.asarray(load(data).image)[10, :, 0].astype(int)
    assert row[0] == 0 and row[-1] == 255
    assert (np.diff(row) >= 0).all()  # left to right, dark to light


def test_float_tiff_in_zero_to_one():
    data = mi.tiff_float()
    with Image.open(io.BytesIO(data)) as raw:
        assert raw.mode == "F"
    array = np.asarray(load(data).image)[..., 0].astype(int)
    assert array[0, 0] == 0  # the NaN sample: black, no crash
    assert array[10, 0] == 0 and array[10, -1] == 255
    assert abs(array[10, 32] - 129) <= 2


def test_to_uint8_ranges():
    assert images._to_uint8(np.array([0.0, 0.5, 1.0], np.float32)).tolist() == [0, 128, 255]
    assert images._to_uint8(np.array([0, 128, 255], np.int32)).tolist() == [0, 128, 255]
    assert images._to_uint8(np.array([0, 65535], np.int32)).tolist() == [0, 255]
    assert images._to_uint8(np.array([-5.0, 5.0], np.float32)).tolist() == [0, 255]
    assert images._to_uint8(np.array([7, 7], np.int32)).tolist() == [7, 7]
    assert images._to_uint8(np.array([np.inf, -np.inf, np.nan, 0.5], np.float32)).tolist() == [0, 0, 0, 128]


# --- several frames ---------------------------------------------------------------------------

@pytest.mark.parametrize("make, word", [(mi.animated_gif, "frame"), (mi.multipage_tiff, "page"),
                                        (mi.animated_webp, "frame"), (mi.apng, "frame"),
                                        (mi.mpo, "first")])
def test_first_frame_with_a_note(make, word):
    loaded = load(make())
    assert close(pixel(loaded.image, 10, 10), (255, 0, 0), 2)  # the first frame is the red one
    assert len(loaded.notes) == 1 and word in loaded.notes[0] and "first" in loaded.notes[0]


def test_webp():
    assert_quadrants(load(mi.webp()).image)


@pytest.mark.skipif(not features.check("avif"), reason="this Pillow has no AVIF support")
def test_avif():
    assert_quadrants(load(mi.encode(mi.quadrants(), "AVIF", quality=90)).image, tolerance=40)


# --- size -------------------------------------------------------------------------------------

def test_huge_jpeg_is_decoded_small_and_scaled_with_a_note():
    data = mi.big_jpeg(4000, 3000)
    with Image.open(io.BytesIO(data)) as im:
        decoded, original = images._decode(im, 400, [])
    assert original == (4000, 3000)
    assert decoded.size == (500, 375)  # libjpeg decoded it at 1/8 scale: never 12 MP in memory
    loaded = load(data, max_side=400)
    assert loaded.image.size == (400, 300)
    assert loaded.notes == ["The picture was scaled from 4000x3000 to 400x300 px."]


def test_huge_png_is_reduced_right_after_decoding():
    data = mi.big_png(3000, 2000)
    with Image.open(io.BytesIO(data)) as im:
        decoded, _ = images._decode(im, 300, [])
    assert decoded.size == (300, 200)
    loaded = load(data, max_side=300)
    assert loaded.image.size == (300, 200)
    assert "3000x2000" in loaded.notes[0]
    # the picture is still the picture: a gradient from its left to its right
    row = np.asarray(loaded.image)[100, :, 0].astype(int)
    assert row[0] < 10 and row[-1] > 245


def test_default_max_side_and_no_limit():
    data = mi.big_png(2000, 1000)
    assert load(data).image.size == images.fit_side((2000, 1000), images.DEFAULT_MAX_SIDE)
    loaded = load(data, max_side=None)
    assert loaded.image.size == (2000, 1000) and loaded.notes == []


def test_pictures_within_the_limit_are_untouched():
    source = mi.quadrants(300, 200)
    loaded = load(mi.encode(source, "PNG"), max_side=300)
    assert loaded.notes == [] and np.array_equal(np.asarray(loaded.image), np.asarray(source))


def test_tiny_picture_is_enlarged_with_a_note():
    loaded = load(mi.tiny_png(12, 12))
    assert loaded.image.size == (images.SMALL_TARGET_SIDE,) * 2
    assert "enlarged" in loaded.notes[0] and "12x12" in loaded.notes[0]
    assert_quadrants(loaded.image, tolerance=40)


def test_tiny_picture_respects_a_small_max_side():
    loaded = load(mi.tiny_png(16, 12), max_side=64)
    assert loaded.image.size == (64, 48)


def test_thin_picture_scaled_down_keeps_a_workable_short_side():
    loaded = load(mi.encode(mi.gradient(1600, 100), "PNG"), max_side=400)
    assert min(loaded.image.size) == images.MIN_SIDE
    assert loaded.image.size == (512, 32)  # the aspect ratio is kept; MIN_SIDE wins over max_side


def test_max_side_below_the_minimum_is_a_usage_error():
    with pytest.raises(ValueError, match="at least"):
        load_image(mi.gray_png(), max_side=10)


# --- refusals ---------------------------------------------------------------------------------

REFUSALS = [
    (mi.empty, "empty"),
    (mi.text, "text file"),
    (mi.svg, "SVG"),
    (mi.truncated_jpeg, "damaged or incomplete"),
    (mi.truncated_png, "damaged or incomplete"),
    (mi.heic, "HEIC"),
    (lambda: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
    (lambda: bytes(range(256)) * 8, "not a picture DreamLab can read"),
    (mi.too_thin_png, "too long and thin"),
    (mi.too_small_png, "too small"),
    (lambda: b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "damaged or incomplete"),
]


@pytest.mark.parametrize("make, words", REFUSALS, ids=[w for _, w in REFUSALS])
def test_refused_with_one_plain_line(make, words):
    with pytest.raises(ImageError) as caught:
        load_image(make())
    message = str(caught.value)
    assert words in message
    assert "\n" not in message and len(message) < 200 and message.endswith(".")


@pytest.mark.parametrize("side, words", [(20_000, "far too large"),  # > 2x Pillow's limit: Pillow raises
                                         (10_000, "far too large"),  # > Pillow's limit: its warning
                                         (8_000, "64 megapixels")])   # > our own 60 MP limit
def test_decompression_bombs_are_refused(side, words):
    data = mi.bomb_png(side)
    assert len(data) < 200_000  # a few kB that would decode to hundreds of MB
    with pytest.raises(ImageError, match=words):
        load_image(data)
    assert Image.MAX_IMAGE_PIXELS == PILLOW_DEFAULT_MAX_PIXELS


def test_our_limit_is_below_pillows_guard():
    assert images.MAX_SOURCE_PIXELS < PILLOW_DEFAULT_MAX_PIXELS


# --- where pictures come from -----------------------------------------------------------------

def test_sources_path_bytes_and_file_objects(tmp_path):
    data = mi.webp()
    path = tmp_path / "picture.webp"
    path.write_bytes(data)
    for source in (str(path), path, data, bytearray(data), io.BytesIO(data)):
        assert_quadrants(load_image(source).image)

    class Upload(io.BytesIO):  # like Streamlit's UploadedFile: a BytesIO, maybe already read
        pass
    upload = Upload(data)
    upload.read()
    assert_quadrants(load_image(upload).image)


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(ImageError, match="No such file"):
        load_image(tmp_path / "nope.jpg")
    with pytest.raises(ImageError, match="folder"):
        load_image(tmp_path)


# --- Pillow's guard stays on everywhere -------------------------------------------------------

GUARD_SCRIPT = r"""
import importlib, pkgutil, sys, warnings
from pathlib import Path
from PIL import Image, ImageFile
default = (Image.MAX_IMAGE_PIXELS, ImageFile.LOAD_TRUNCATED_IMAGES)
root = Path(sys.argv[1])
warnings.simplefilter("ignore")
failed = []
for package in ("engine", "ui"):
    if not (root / package / "__init__.py").exists() and not (root / package).is_dir():
        continue
    for info in pkgutil.iter_modules([str(root / package)]):
        if info.name == "__main__":
            continue
        try:
            importlib.import_module(f"{package}.{info.name}")
        except Exception as err:
            failed.append(f"{package}.{info.name}: {type(err).__name__}")
import tests.make_inputs as mi  # the subprocess runs in the repository root
from engine.images.pictures import ImageError, load_image
for make in [*mi.ACCEPTED.values(), *mi.REFUSED.values()]:
    try:
        load_image(make())
    except ImageError:
        pass
print(default == (Image.MAX_IMAGE_PIXELS, ImageFile.LOAD_TRUNCATED_IMAGES), default[0], Image.MAX_IMAGE_PIXELS,
      ImageFile.LOAD_TRUNCATED_IMAGES, failed)
"""


def test_pillow_guard_is_untouched_after_importing_everything_and_loading_pictures():
    result = subprocess.run([sys.executable, "-c", GUARD_SCRIPT, str(ROOT)], capture_output=True,
                            text=True, timeout=120, cwd=ROOT)
    assert result.returncode == 0, result.stderr[-2000:]
    same, default, after, truncated, failed = result.stdout.strip().split(" ", 4)
    assert same == "True", result.stdout
    assert int(default) == int(after) == PILLOW_DEFAULT_MAX_PIXELS
    assert truncated == "False"
    # and in this process too, after every test above
    assert Image.MAX_IMAGE_PIXELS == PILLOW_DEFAULT_MAX_PIXELS
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False


def test_no_source_file_switches_the_guard_off():
    offenders = []
    for folder, subfolders, files in os.walk(ROOT):
        subfolders[:] = [d for d in subfolders if not d.startswith(".") and d not in ("tests", "__pycache__")]
        for path in (Path(folder) / name for name in files if name.endswith(".py")):
            offenders += _guard_switches(path)
    assert not offenders, offenders


def _guard_switches(path: Path) -> list[str]:
    found = []
    for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
        code = line.split("#")[0]
        if ("MAX_IMAGE_PIXELS" in code or "LOAD_TRUNCATED_IMAGES" in code) and "=" in code.replace("==", ""):
            found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    return found


# --- the app's upload limit matches the loader -------------------------------------------------

def test_streamlit_config_matches_the_loader_and_suits_the_public():
    from dreamlab.studio.inputs import MAX_UPLOAD_MB
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["maxUploadSize"] == MAX_UPLOAD_MB
    assert config["client"]["showErrorDetails"] in ("none", "type")  # never a traceback in the browser
    assert config["client"]["toolbarMode"] == "viewer"
    assert config["browser"]["gatherUsageStats"] is False
    # XSRF is switched off only in the Dockerfile (Hugging Face's iframe), never for every deployment
    assert config["server"].get("enableXsrfProtection", True) is True


def test_a_fully_transparent_picture_is_refused_plainly():
    empty = Image.new("RGBA", (64, 48), (0, 0, 0, 0))
    with pytest.raises(ImageError, match="completely transparent"):
        load(mi.encode(empty, "PNG"))


def test_transparent_parts_turned_white_are_mentioned():
    loaded = load_image(mi.rgba_png())
    assert any("transparent parts" in note and "50%" in note for note in loaded.notes)
    assert not any("transparent" in note for note in load_image(mi.webp()).notes)


def test_far_too_large_states_the_limit():
    with pytest.raises(ImageError, match=r"far too large.*60 megapixels"):
        load(mi.bomb_png())
