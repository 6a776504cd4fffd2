"""Paint a region in a real browser (mouse strokes on our own canvas) and dream only inside it."""
import re

import numpy as np
import pytest
from PIL import Image
from playwright.sync_api import expect

from engine.images.pictures import read_recipe
from engine.images.region import region_from_recipe
from engine.images.tensors import region_mask
from tests.conftest import download, gradient_picture, open_dream_with_upload, wait_for_app

pytestmark = pytest.mark.browser


def open_painter(page, app_url, photo):
    open_dream_with_upload(page, app_url, photo)
    open_region_expander(page)
    stage = page.locator(".dl-region .dl-stage")
    picture = page.locator(".dl-region img").element_handle()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=picture)
    stage.wait_for()
    return stage


def open_region_expander(page) -> None:
    expander = page.locator("details").filter(has_text="Paint a region (optional)")
    for _ in range(3):  # a click while the page re-runs can be lost
        wait_for_app(page)
        if expander.get_attribute("open") is None:
            expander.locator("summary").click()
        try:
            page.locator(".dl-region .dl-tools").wait_for(timeout=10_000)
            return
        except Exception:
            continue


def paint_stroke(page, stage, points):
    """Drag the mouse through ``points`` given as fractions (x, y) of the photo, with the photo in view
    (as a person scrolls to it: a mouse outside the window paints nothing)."""
    stage.scroll_into_view_if_needed()
    box = stage.bounding_box()
    at = [(box["x"] + fx * box["width"], box["y"] + fy * box["height"]) for fx, fy in points]
    page.mouse.move(*at[0])
    page.mouse.down()
    for x, y in at[1:]:
        page.mouse.move(x, y, steps=8)
    page.mouse.up()


def coverage(page) -> int:
    caption = page.get_by_text(re.compile(r"only in the pink area \(\d+% of the photo\)"))
    caption.wait_for()
    return int(re.search(r"\((\d+)%", caption.inner_text()).group(1))


def test_paint_a_region_and_dream_only_inside_it(page, app_url, tmp_path):
    photo = tmp_path / "meadow.png"
    original = gradient_picture(320, 240, seed=7)
    original.save(photo)
    stage = open_painter(page, app_url, photo)
    page.get_by_text("Nothing painted: the whole photo changes.").wait_for()
    page.get_by_role("slider", name="Brush size").fill("120")
    for y in (0.15, 0.35, 0.55, 0.75, 0.9):  # zig-zag strokes over the left third
        paint_stroke(page, stage, [(0.03, y), (0.3, y), (0.03, y + 0.1)])
    assert 15 <= coverage(page) <= 50
    page.get_by_role("slider", name="Soft edge").press("Home")  # "None": a hard edge
    wait_for_app(page)

    page.get_by_role("button", name="Dream", exact=True).click()
    page.get_by_text("Your dream").wait_for(timeout=120_000)
    saved, _ = download(page, tmp_path, "dream.png")

    region = region_from_recipe(read_recipe(saved))
    assert region is not None and region.feather == 0.0
    mask = region_mask(region, 240, 320)[0, 0].numpy()
    assert mask[:, :60].mean() > 0.8 and mask[:, 160:].max() == 0.0  # painted on the left only
    moved = np.abs(np.asarray(Image.open(saved), np.float32) - np.asarray(original, np.float32)).mean(axis=-1)
    assert moved[mask == 0].max() == 0.0  # outside the painted region: not one pixel changed
    assert moved[mask == 1].mean() > 5  # inside: clearly dreamt (in 0..255 levels)
    assert page.locator("text=Traceback").count() == 0


def test_quick_start_invert_erase_and_clear(page, app_url, tmp_path):
    photo = tmp_path / "sky.png"
    sky = np.zeros((240, 320, 3), np.uint8)
    sky[:120] = (90, 140, 230)
    sky[120:] = np.random.default_rng(0).integers(20, 90, (120, 320, 3))
    Image.fromarray(sky).save(photo)
    stage = open_painter(page, app_url, photo)

    page.get_by_role("button", name="Sky", exact=True).click()
    sky_share = coverage(page)
    assert 40 <= sky_share <= 60
    page.get_by_role("button", name="Invert").click()
    page.wait_for_function(f"() => !document.body.innerText.includes('pink area ({sky_share}%')")
    assert abs(coverage(page) - (100 - sky_share)) <= 1
    page.get_by_role("button", name="Eraser").click()
    page.get_by_role("slider", name="Brush size").fill("60")
    before = coverage(page)
    paint_stroke(page, stage, [(0.02, 0.8), (0.98, 0.8)])
    page.wait_for_function(f"() => !document.body.innerText.includes('pink area ({before}%')")
    assert coverage(page) < before
    page.get_by_role("button", name="Clear").click()
    page.get_by_text("Nothing painted: the whole photo changes.").wait_for()
    assert page.locator("text=Traceback").count() == 0


def test_a_painted_region_is_still_there_after_visiting_another_page(page, app_url, tmp_path):
    photo = tmp_path / "meadow.png"
    gradient_picture(320, 240, seed=7).save(photo)
    stage = open_painter(page, app_url, photo)
    page.get_by_role("slider", name="Brush size").fill("120")
    for y in (0.2, 0.5, 0.8):
        paint_stroke(page, stage, [(0.05, y), (0.4, y)])
    page.get_by_role("slider", name="Soft edge").press("Home")  # "None"
    page.wait_for_timeout(1000)  # every stroke re-runs the page: read the caption once they are all in
    wait_for_app(page)
    painted = coverage(page)

    for name in ("Style Transfer", "Deep Dream"):
        page.locator("[data-testid='stSidebarNav']").get_by_text(name, exact=True).click()
        page.locator("h1", has_text=name).wait_for()
        wait_for_app(page)
    open_region_expander(page)
    wait_for_app(page)
    assert abs(coverage(page) - painted) <= 1  # the strokes, not an empty canvas or the quick start
    expect(page.get_by_role("slider", name="Soft edge")).to_have_attribute("aria-valuetext", "None")
    canvas = page.locator(".dl-region canvas").element_handle()
    page.wait_for_function("c => { const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
                           " for (let i = 3; i < d.length; i += 4) if (d[i] > 0) return true; return false; }",
                           arg=canvas)  # the canvas shows them too


def test_a_closed_region_expander_still_says_the_region_is_active_and_the_caption_names_it(page, app_url, tmp_path):
    photo = tmp_path / "meadow.png"
    gradient_picture(160, 120, seed=7).save(photo)
    stage = open_painter(page, app_url, photo)
    page.get_by_role("slider", name="Brush size").fill("120")
    paint_stroke(page, stage, [(0.05, 0.3), (0.4, 0.3), (0.05, 0.6)])
    painted = coverage(page)
    wait_for_app(page)
    page.locator("details").filter(has_text="Paint a region (optional)").locator("summary").click()
    wait_for_app(page)
    hint = page.get_by_text(re.compile(r"A painted region is active: the effect happens only there"))
    expect(hint).to_be_visible()
    assert f"({painted}% of the photo)" in hint.inner_text()

    page.get_by_role("button", name="Dream", exact=True).click()
    page.get_by_text("Your dream").wait_for(timeout=120_000)
    wait_for_app(page)
    expect(page.get_by_text(re.compile(r"Made with .* only in your painted region \(\d+% of the photo\)")).first
           ).to_be_visible()
