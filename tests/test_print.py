"""Prints, wallpapers, seamless tiles and time estimates (issue 27), on small pictures with fixed seeds."""
from __future__ import annotations

import threading

import numpy as np
import pytest
import torch
from PIL import Image

from engine.dreaming import printing
from engine.dreaming.dream import deep_dream
from engine.dreaming.settings import DreamSettings, FilterSettings
from engine.images.pictures import png_bytes, png_dpi, read_recipe
from engine.images.seamless import make_tileable, seam_score, seam_scores, tile_preview
from engine.images.shapes import (FITS, SHAPES, crop_to_aspect, finish_plan, fit_to_shape, print_recipe,
                                  size_refusal, subject_centre)
from engine.progress import Cancelled

SEAMLESS = 1.5  # the bar: the seam at most 1.5x the usual change between neighbouring lines


def quick(**overrides) -> DreamSettings:
    values = dict(layers={"block6": 1.0}, octaves=2, steps=4, seed=3, step_size=0.02)
    return DreamSettings(**{**values, **overrides})


@pytest.fixture(scope="module")
def coffee():
    from tests.conftest import ROOT
    image = Image.open(ROOT / "assets" / "samples" / "coffee.jpg").convert("RGB")
    return image.resize((192, 128), Image.LANCZOS)


# --- wallpapers -----------------------------------------------------------------------------

@pytest.mark.parametrize("fit", FITS)
@pytest.mark.parametrize("name", list(SHAPES))
def test_every_shape_gives_exactly_its_pixels(cat_photo, name, fit):
    assert fit_to_shape(cat_photo, name, fit).size == SHAPES[name].size


def test_a_crop_keeps_the_shapes_proportions_and_centres_the_subject():
    picture = Image.new("RGB", (600, 300), (20, 60, 30))
    picture.paste((250, 240, 200), (380, 70, 540, 230))  # the subject, right of the middle
    x, y = subject_centre(picture)
    assert 0.65 < x < 0.80 and 0.4 < y < 0.6
    crop = crop_to_aspect(picture, 1179 / 2556, (x, y))
    assert abs(crop.width / crop.height - 1179 / 2556) < 0.01  # cropped, never stretched
    middle = np.asarray(crop)[crop.height // 2, crop.width // 2]
    assert middle.tolist() == [250, 240, 200]


def test_unknown_shape_is_a_plain_error(cat_photo):
    with pytest.raises(ValueError, match="choose from: phone"):
        fit_to_shape(cat_photo, "billboard")


# --- print size, dpi, the server's cap --------------------------------------------------------

def test_a_print_png_states_300_dpi_and_keeps_its_recipe():
    recipe = {"kind": "dream", **print_recipe((64, 48))}
    data = png_bytes(Image.new("RGB", (64, 48)), recipe)
    assert png_dpi(data) == pytest.approx(300, abs=0.1)
    assert read_recipe(data)["print"]["size"] == [64, 48]
    assert png_dpi(png_bytes(Image.new("RGB", (8, 8)), {"kind": "dream"})) is None  # plain results say nothing


def test_max_pixels_refuses_with_a_sentence(monkeypatch):
    monkeypatch.delenv("DREAMLAB_MAX_PIXELS", raising=False)
    assert size_refusal(4096, 3072) is None
    assert "4096 px" in size_refusal(5000, 100)
    monkeypatch.setenv("DREAMLAB_MAX_PIXELS", "4000000")
    assert "4.0 megapixels" in size_refusal(4096, 3072)
    assert size_refusal(1920, 1080) is None
    monkeypatch.setenv("DREAMLAB_MAX_PIXELS", "lots")
    assert size_refusal(4096, 3072) is None  # a malformed cap is ignored, never a crash


def test_finish_plan_halves_to_the_work_size_and_doubles_back():
    assert finish_plan((4096, 3072)) == ((1024, 768), [(2048, 1536), (4096, 3072)])
    assert finish_plan((1920, 1080)) == ((1920, 1080), [])  # made directly


# --- seamless -------------------------------------------------------------------------------

def test_photos_have_seams_and_a_tileable_photo_has_none(coffee):
    assert seam_score(coffee) > 3
    assert seam_score(make_tileable(coffee)) < SEAMLESS
    assert make_tileable(coffee).size == coffee.size


def test_tile_preview_is_three_by_three(coffee):
    preview = tile_preview(coffee)
    assert preview.size == (3 * coffee.width, 3 * coffee.height)
    assert np.array_equal(np.asarray(preview)[coffee.height:2 * coffee.height, :coffee.width], np.asarray(coffee))


def test_circular_padding_changes_the_border_only_while_on_and_is_undone(lite0):
    from engine.network import fast
    pixels = torch.rand(1, 3, 64, 64, generator=torch.Generator().manual_seed(0))
    before = lite0(pixels, ["block4"])["block4"]
    with fast.circular_padding(lite0):
        wrapped = lite0(pixels, ["block4"])["block4"]
        rolled = lite0(pixels.roll(32, dims=3), ["block4"])["block4"]
    after = lite0(pixels, ["block4"])["block4"]
    assert torch.equal(before, after)
    assert not torch.allclose(before, wrapped)
    # on a torus a shift of the picture shifts the features (block4 is 8x smaller: 4 columns)
    assert torch.allclose(wrapped.roll(4, dims=3), rolled, atol=0.05)


def test_a_seamless_dream_of_a_photo_tiles_and_a_plain_one_does_not(lite0, coffee, one_torch_thread):
    plain = deep_dream(coffee, quick(), lite0)
    seamless = deep_dream(coffee, quick(seamless=True), lite0)
    assert seam_score(plain) > 2 * SEAMLESS
    assert max(seam_scores(seamless)) <= SEAMLESS
    assert seamless.size == coffee.size


def test_seamless_filter_art_tiles(lite0, one_torch_thread):
    from engine.dreaming.filters import visualize_filter
    picture = visualize_filter(lite0, "block6", 5, FilterSettings(size=96, steps=12, seamless=True))
    assert seam_score(picture) <= SEAMLESS


# --- prints: tiles, stop and resume ---------------------------------------------------------

@pytest.fixture
def small_tiles(monkeypatch):
    monkeypatch.setattr(printing, "FINISH_TILE", 64)
    monkeypatch.setattr(printing, "FINISH_OVERLAP", 12)


def test_a_print_is_exactly_its_size_with_progress_per_tile(lite0, coffee, small_tiles, one_torch_thread):
    seen = []
    picture = printing.print_dream(coffee, quick(steps=2), lite0, (256, 170), on_progress=seen.append, work_side=96)
    assert picture.size == (256, 170)
    tiles = [p for p in seen if p.stage == "tile"]
    assert [p.step for p in tiles] == list(range(1, 4 * 3 + 1))  # 256x170 in tiles of at most 64: 4x3
    assert tiles[-1].fraction == pytest.approx(1.0)
    assert all(a.fraction <= b.fraction for a, b in zip(seen, seen[1:]))


def test_a_stopped_print_keeps_its_tiles_and_resumes_to_the_same_picture(lite0, coffee, small_tiles,
                                                                        one_torch_thread):
    whole = printing.print_dream(coffee, quick(steps=2), lite0, (256, 170), work_side=96)
    cancel = threading.Event()

    def stop_after_five(progress):
        if progress.stage == "tile" and progress.step == 5:
            cancel.set()

    with pytest.raises(Cancelled) as stopped:
        printing.print_dream(coffee, quick(steps=2), lite0, (256, 170), on_progress=stop_after_five,
                             cancel=cancel, work_side=96)
    partial = stopped.value.partial
    assert partial.size == (256, 170)
    resume = printing.Resume.from_partial(partial)
    assert (resume.level, resume.tiles_done) == (0, 5)
    enlarged = printing.enlarge(printing.print_dream(coffee, quick(steps=2), lite0, (128, 85), work_side=96),
                                (256, 170))
    done_rows = np.asarray(partial)[:60]  # the first row of tiles is finished, not just enlarged
    assert not np.array_equal(done_rows, np.asarray(enlarged)[:60])
    again = printing.print_dream(coffee, quick(steps=2), lite0, (256, 170), resume=resume, work_side=96)
    assert np.array_equal(np.asarray(again), np.asarray(whole))


def test_a_seamless_print_stays_seamless(lite0, coffee, small_tiles, one_torch_thread):
    picture = printing.print_dream(coffee, quick(steps=2, seamless=True), lite0, (256, 170), work_side=96)
    assert max(seam_scores(picture)) <= SEAMLESS


def test_tile_weights_fade_across_the_overlap_and_cover_everything():
    boxes = printing.tile_boxes(200, 130, 64, 12)
    coverage = np.zeros((130, 200))
    for rows, cols, weights in boxes:
        assert weights.max() == 1.0 and weights.min() > 0
        coverage[np.ix_(rows, cols)] = np.maximum(coverage[np.ix_(rows, cols)], weights)
    assert coverage.min() == 1.0  # every pixel is some tile's core
    wrapped = printing.tile_boxes(200, 130, 64, 12, wrap=True)
    assert wrapped[0][0][0] == 130 - 12  # the first tile reaches round to the bottom


def test_a_print_larger_than_4096_is_refused(lite0, coffee):
    with pytest.raises(ValueError, match="at most 4096"):
        printing.print_dream(coffee, quick(), lite0, (5000, 3000))


def test_a_seamless_palette_on_a_photo_tiles(lite0, one_torch_thread):
    from tests.conftest import ROOT
    from engine.dreaming.palette.data import PaletteFilter
    from engine.dreaming.palette.journey import palette_dream
    from engine.dreaming.palette.settings import PaletteSettings
    rocket = Image.open(ROOT / "assets" / "samples" / "rocket.jpg").convert("RGB").resize((192, 128))
    assert seam_score(rocket) > 3
    settings = PaletteSettings().made_seamless()
    settings.photo.octaves, settings.photo.steps = 2, 4
    painted = palette_dream(rocket, [PaletteFilter("block6", 12, 1.0)], settings, lite0)
    assert max(seam_scores(painted)) <= SEAMLESS


def test_sized_dream_makes_a_wallpaper_of_its_exact_pixels_or_keeps_the_photo_size(lite0, coffee, small_tiles,
                                                                                    one_torch_thread, monkeypatch):
    from engine.images import shapes
    monkeypatch.setitem(shapes.SHAPES, "tiny-phone", shapes.Shape("tiny-phone", 90, 195, "test"))
    picture, recipe = printing.sized_dream(coffee, quick(steps=1), lite0, shape="tiny-phone")
    assert picture.size == (90, 195) and recipe["shape"] == "tiny-phone"
    plain, recipe = printing.sized_dream(coffee, quick(steps=1), lite0)
    assert plain.size == coffee.size and "dpi" not in recipe
