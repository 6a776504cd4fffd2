"""Regions: masks, quick starts, and dream / palette / style acting only where the region says."""
from dataclasses import replace

import numpy as np
import pytest
import torch
from PIL import Image

from engine.dreaming.dream import deep_dream
from engine.dreaming.settings import DreamSettings
from engine.images.pictures import load_image, read_recipe, save_png
from engine.images.tensors import region_mask, to_tensor
from engine.dreaming.palette.journey import palette_dream
from engine.dreaming.palette.settings import CanvasSchedule, PaletteSettings, photo_schedule
from engine.images.region import Region, auto_region, region_from_recipe, region_recipe
from engine.style.transfer import builtin_style_path, gram, masked_gram, stylize
from engine.style.settings import StyleSettings
from tests.conftest import gradient_picture

pytestmark = pytest.mark.usefixtures("one_torch_thread")


def left_half(width=128, height=96, split=64) -> np.ndarray:
    mask = np.zeros((height, width), np.float32)
    mask[:, :split] = 1.0
    return mask


def pixels(image: Image.Image) -> np.ndarray:
    return np.asarray(image, dtype=np.float32) / 255.0


def change(before: Image.Image, after: Image.Image) -> np.ndarray:
    """Per-pixel mean absolute change, [H, W]."""
    return np.abs(pixels(after) - pixels(before)).mean(axis=-1)


def quick_dream(**overrides) -> DreamSettings:
    return DreamSettings(layers={"block3": 1.0}, octaves=2, steps=8, step_size=0.02, **overrides)


# --- the mask itself --------------------------------------------------------------------------

def test_a_region_survives_its_recipe_exactly_and_is_small():
    region = Region.from_mask(left_half(), feather=0.05)
    data = region_recipe(region)
    assert len(data["region"]["mask_png"]) < 4000  # a few kB of base64, fine in a PNG text chunk
    back = region_from_recipe(data)
    assert np.array_equal(back.levels, region.levels) and back.feather == pytest.approx(0.05)
    assert region_from_recipe({}) is None and region_recipe(None) == {}


def test_a_region_pickles_so_it_can_travel_to_a_worker_process():
    import pickle
    region = Region.from_mask(left_half(), feather=0.02)
    back = pickle.loads(pickle.dumps(region))
    assert np.array_equal(back.levels, region.levels) and back.feather == region.feather


def test_masks_come_as_floats_bytes_or_pictures_and_large_ones_are_shrunk():
    alpha = np.zeros((60, 80, 4), np.uint8)
    alpha[:30, :, 3] = 255  # only the alpha channel counts in an RGBA picture
    from_rgba = Region.from_mask(Image.fromarray(alpha, "RGBA"))
    assert from_rgba.levels[:30].min() == 255 and from_rgba.levels[30:].max() == 0
    assert np.array_equal(Region.from_mask(left_half() * 255).levels, Region.from_mask(left_half()).levels)
    big = Region.from_mask(np.ones((1200, 1600), np.float32))
    assert max(big.levels.shape) == 512 and big.coverage() == pytest.approx(1.0)
    assert Region.from_mask(left_half()).inverted().coverage() == pytest.approx(0.5)


def test_feather_softens_only_near_the_edge():
    hard = region_mask(Region.from_mask(left_half()), 96, 128)[0, 0]
    soft = region_mask(Region.from_mask(left_half(), feather=0.05), 96, 128)[0, 0]  # about 6 px
    assert set(hard.unique().tolist()) == {0.0, 1.0}
    assert 0.2 < float(soft[48, 64]) < 0.8  # on the edge: halfway
    assert float(soft[48, 20]) == 1.0 and float(soft[48, 110]) == 0.0  # far from it: untouched


@pytest.mark.parametrize("text", [{"mask_png": "not base64!"}, {"mask_png": "aGVsbG8="}, {}])
def test_a_damaged_region_in_a_recipe_is_refused_plainly(text):
    with pytest.raises(ValueError, match="region"):
        Region.from_recipe(text)


# --- quick starts -----------------------------------------------------------------------------

def landscape() -> Image.Image:
    """Smooth blue sky over a dark, textured field."""
    rng = np.random.default_rng(0)
    rgb = np.zeros((90, 120, 3), np.float32)
    rgb[:40] = [0.35, 0.55, 0.9]
    rgb[40:] = np.clip(0.2 + 0.25 * rng.random((50, 120, 1)) * [0.6, 1.0, 0.4], 0, 1)
    return Image.fromarray((rgb * 255).astype(np.uint8))


def disc_on_grey() -> Image.Image:
    y, x = np.mgrid[0:90, 0:120]
    inside = (y - 45) ** 2 + (x - 60) ** 2 < 25 ** 2
    rgb = np.where(inside[..., None], [220, 40, 30], [128, 128, 128]).astype(np.uint8)
    return Image.fromarray(rgb)


def test_sky_bright_and_dark_quick_starts_find_them():
    sky = region_mask(auto_region(landscape(), "sky"), 90, 120)[0, 0]
    assert float(sky[:36].mean()) > 0.95 and float(sky[44:].mean()) < 0.05
    bright = region_mask(auto_region(landscape(), "bright"), 90, 120)[0, 0]
    dark = region_mask(auto_region(landscape(), "dark"), 90, 120)[0, 0]
    assert float(bright[:36].mean()) > 0.95 and float(dark[44:].mean()) > 0.95


def test_subject_quick_start_finds_what_stands_out_in_the_middle():
    subject = region_mask(auto_region(disc_on_grey(), "subject"), 90, 120)[0, 0].numpy()
    y, x = np.mgrid[0:90, 0:120]
    disc = (y - 45) ** 2 + (x - 60) ** 2 < 25 ** 2
    assert subject[disc].mean() > 0.9 and subject[~disc].mean() < 0.05


def test_subject_of_a_flat_picture_is_a_central_ellipse_and_unknown_kinds_are_refused():
    flat = region_mask(auto_region(Image.new("RGB", (120, 90), (90, 90, 90)), "subject"), 90, 120)[0, 0]
    assert float(flat[45, 60]) == 1.0 and float(flat[0, 0]) == 0.0
    with pytest.raises(ValueError, match="quick start"):
        auto_region(disc_on_grey(), "clouds")


# --- Deep Dream and the palette act only inside -------------------------------------------------

def test_dream_changes_only_inside_a_hard_region(lite0):
    photo = gradient_picture(128, 96, seed=1)
    dreamt = deep_dream(photo, quick_dream(), lite0, region=Region.from_mask(left_half()))
    moved = change(photo, dreamt)
    assert moved[:, 64:].max() == 0.0  # outside: every pixel exactly as it was
    assert moved[:, :64].mean() > 0.03  # inside: clearly dreamt


def test_a_feathered_region_blends_in_and_leaves_the_far_side_untouched(lite0):
    photo = gradient_picture(128, 96, seed=1)
    region = Region.from_mask(left_half(), feather=0.05)
    moved = change(photo, deep_dream(photo, quick_dream(), lite0, region=region))
    soft = region_mask(region, 96, 128)[0, 0].numpy()
    assert moved[soft == 0].max() == 0.0
    assert moved[:, :50].mean() > 0.03
    assert moved[:, 60:68].mean() < moved[:, :50].mean()  # the soft edge changes less


def test_a_small_region_is_dreamt_as_strongly_as_a_whole_picture(lite0):
    photo = gradient_picture(128, 96, seed=1)
    mask = np.zeros((96, 128), np.float32)
    mask[24:72, 32:96] = 1.0
    inside = mask > 0
    regional = change(photo, deep_dream(photo, quick_dream(), lite0, region=Region.from_mask(mask)))[inside].mean()
    whole = change(photo, deep_dream(photo, quick_dream(), lite0))[inside].mean()
    assert 0.5 < regional / whole < 2.0


def test_a_restored_recipe_reproduces_the_dream(lite0, tmp_path):
    photo = gradient_picture(128, 96, seed=3)
    settings = quick_dream(seed=4)
    region = Region.from_mask(left_half(), feather=0.08)
    first = deep_dream(photo, settings, lite0, region=region)
    save_png(first, tmp_path / "dream.png", {**settings.recipe(), **region_recipe(region)})

    recipe = read_recipe(tmp_path / "dream.png")
    restored = DreamSettings(**{k: recipe[k] for k in ("layers", "model", "octaves", "octave_scale", "steps",
                                                          "step_size", "jitter", "tile", "seed")})
    again = deep_dream(photo, restored, lite0, region=region_from_recipe(recipe))
    assert np.array_equal(np.asarray(first), np.asarray(again))
    assert np.array_equal(np.asarray(load_image(tmp_path / "dream.png").image), np.asarray(first))


def test_palette_on_a_photo_paints_only_inside_and_keeps_the_region_in_its_recipe(lite0):
    photo = gradient_picture(128, 96, seed=2)
    region = Region.from_mask(left_half()).inverted()  # the right half
    settings = PaletteSettings(photo=replace(photo_schedule(), steps=6, octaves=2))
    from engine.dreaming.palette.journey import palette_journey
    journey = palette_journey(photo, [[("block5", 3, 1.0)]], settings, lite0, region=region)
    moved = change(photo, journey.image)
    assert moved[:, :64].max() == 0.0 and moved[:, 64:].mean() > 0.02
    assert np.array_equal(region_from_recipe(journey.recipe).levels, region.levels)


def test_a_region_needs_a_photo_start(lite0):
    with pytest.raises(ValueError, match="photo"):
        palette_dream("noise", [("block5", 3)], PaletteSettings(canvas=CanvasSchedule(steps=2, size=64)), lite0,
                      region=Region.from_mask(left_half()))


# --- style transfer: one painting inside, another outside -------------------------------------

STYLE_LAYERS = {"stem": 1.0, "block0": 1.0, "block2": 1.0}


def painting(name: str) -> Image.Image:
    return Image.open(builtin_style_path(name)).convert("RGB")


def side_distances(net, picture: Image.Image, mask: torch.Tensor, styles: dict[str, Image.Image]):
    """{side: {painting: Gram distance}} at the style layers, each side's Gram over its own pixels."""
    x = to_tensor(picture)
    distances = {"inside": {}, "outside": {}}
    with torch.no_grad():
        acts = net(x, STYLE_LAYERS)
        for name, style in styles.items():
            style_acts = net(to_tensor(style.resize((128, 128), Image.LANCZOS)), STYLE_LAYERS)
            for side, weights in (("inside", mask), ("outside", 1 - mask)):
                total = 0.0
                for layer in STYLE_LAYERS:
                    here = torch.nn.functional.adaptive_avg_pool2d(weights, acts[layer].shape[-2:])
                    g, t = masked_gram(acts[layer], here), gram(style_acts[layer])
                    total += float((g - t).pow(2).mean() / t.pow(2).mean())
                distances[side][name] = total
    return distances


def test_masked_gram_of_a_full_mask_is_the_gram():
    features = torch.randn(1, 5, 7, 9)
    assert torch.allclose(masked_gram(features, torch.ones(1, 1, 7, 9)), gram(features), atol=1e-5)


def test_two_paintings_each_paint_their_own_side(lite0):
    photo = gradient_picture(128, 96, seed=0)
    region = Region.from_mask(left_half())
    styles = {"glass": painting("stained_glass"), "wave": painting("great_wave")}
    settings = StyleSettings(size=128, steps=30, scales=1, strength=0.9, style_layers=STYLE_LAYERS, seed=0)
    result = stylize(photo, [styles["glass"]], settings=settings, net=lite0, region=region,
                     outside_styles=[styles["wave"]])
    d = side_distances(lite0, result, region_mask(region, 96, 128), styles)
    assert d["inside"]["glass"] < d["inside"]["wave"]
    assert d["outside"]["wave"] < d["outside"]["glass"]
    # and both sides moved towards their painting from where the photo was
    before = side_distances(lite0, photo, region_mask(region, 96, 128), styles)
    assert d["inside"]["glass"] < 0.7 * before["inside"]["glass"]
    assert d["outside"]["wave"] < 0.7 * before["outside"]["wave"]


def test_without_an_outside_painting_the_photo_stays_outside(lite0):
    photo = gradient_picture(128, 96, seed=0)
    settings = StyleSettings(size=128, steps=10, scales=1, style_layers=STYLE_LAYERS)
    result = stylize(photo, [painting("stained_glass")], settings=settings, net=lite0,
                     region=Region.from_mask(left_half()))
    moved = change(photo, result)
    assert moved[:, 64:].max() <= 1 / 255 + 1e-6 and moved[:, :64].mean() > 0.03
    with pytest.raises(ValueError, match="needs a region"):
        stylize(photo, [painting("stained_glass")], settings=settings, net=lite0,
                outside_styles=[painting("great_wave")])


# --- the command line -------------------------------------------------------------------------

def run_cli(*args):
    import subprocess
    import sys
    from tests.conftest import ROOT
    return subprocess.run([sys.executable, "-m", "dreamlab.cli", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)


def test_cli_dreams_in_a_mask_picture_and_a_picture_s_recipe_gives_the_same_region_again(tmp_path):
    src, mask, first, again = (tmp_path / n for n in ("in.png", "mask.png", "first.png", "again.png"))
    photo = gradient_picture(120, 80, seed=2)
    photo.save(src)
    Image.fromarray((left_half(120, 80, 40) * 255).astype(np.uint8)).save(mask)
    common = ["--layers", "block3", "--octaves", "1", "--steps", "3", "--seed", "5"]
    done = run_cli("dream", str(src), str(first), "--region", str(mask), *common)
    assert done.returncode == 0, done.stderr
    moved = change(photo, Image.open(first).convert("RGB"))
    assert moved[:, 40:].max() == 0.0 and moved[:, :40].mean() > 0.01
    done = run_cli("dream", str(src), str(again), "--region", str(first), *common)  # the recipe's region
    assert done.returncode == 0, done.stderr
    assert np.array_equal(np.asarray(Image.open(first)), np.asarray(Image.open(again)))
    bad = run_cli("dream", str(src), str(again), "--region", "clouds", *common)
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1
