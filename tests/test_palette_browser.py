"""The Hybrid Palette in a real browser: build a two-filter palette, paint it on a photo, compare, download."""
import json
import re

import pytest
from PIL import Image
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from engine.images import read_recipe
from tests.conftest import gradient_picture, upload, wait_for_app

pytestmark = pytest.mark.browser


def nav(page, title: str) -> None:
    """Go to another page of the app in the same session (a new URL would start a new session)."""
    page.locator("[data-testid='stSidebarNav']").get_by_text(title, exact=True).click()
    page.locator("h1", has_text=title).wait_for()
    wait_for_app(page)


def add_from_gallery(page, wanted: int = 2) -> int:
    """Open filters in the Filter Gallery and press "Add to palette"; how many were added (0 if the
    gallery page has no such button)."""
    nav(page, "Filter Gallery")
    picks = page.get_by_role("button", name=re.compile(r"^#\d+$"))
    try:
        picks.first.wait_for(timeout=150_000)  # thumbnails not precomputed are painted first
    except PlaywrightTimeout:
        return 0
    added = 0
    for i in range(min(wanted, picks.count())):
        picks.nth(i).click()
        add = page.get_by_role("button", name="Add to palette")
        try:
            add.wait_for(timeout=90_000)
            wait_for_app(page)
            add.click()
            page.get_by_text("is in your palette").wait_for(timeout=30_000)
        except PlaywrightTimeout:
            break
        wait_for_app(page)
        added += 1
    return added


def test_two_filter_palette_painted_on_a_photo(page, app_url, tmp_path):
    photo = tmp_path / "meadow.jpg"
    gradient_picture(300, 200, seed=8).save(photo, quality=92)

    page.goto(f"{app_url}/hybrid_palette")
    wait_for_app(page)
    from_gallery = add_from_gallery(page)
    print(f"filters added from the Filter Gallery: {from_gallery}, typed: {2 - from_gallery}")
    nav(page, "Hybrid Palette")
    if from_gallery < 2:  # the gallery page offers no (or only one) "Add to palette": type the rest
        typed = ["block8:12", "block12:40:0.5"][from_gallery:]
        page.get_by_role("textbox", name="Add filters by name").fill(", ".join(typed))
        page.get_by_role("button", name="Add", exact=True).click()
        wait_for_app(page)
    expect(page.get_by_role("slider", name="Weight")).to_have_count(2, timeout=30_000)

    page.get_by_role("radio", name="Upload").click()
    uploaders = page.locator("[data-testid='stFileUploader']")
    uploaders.filter(has_text="Choose a photo").wait_for()
    labels = uploaders.all_inner_texts()
    upload(page, photo, uploader_index=next(i for i, text in enumerate(labels) if "Choose a photo" in text))
    page.get_by_text("Your photo", exact=True).last.wait_for()
    expect(page.get_by_role("slider", name="Weight")).to_have_count(2)
    page.get_by_role("button", name="Paint").click()

    page.get_by_text("Your painting").wait_for(timeout=120_000)
    slider = page.locator(".dl-compare")
    slider.wait_for()
    assert slider.locator("img").count() == 2
    natural = slider.locator("img.dl-after").evaluate("img => [img.naturalWidth, img.naturalHeight]")
    assert natural == [300, 200]
    page.screenshot(path=str(tmp_path / "palette_page.png"))

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download PNG").click()
    saved = tmp_path / "palette.png"
    download_info.value.save_as(saved)
    assert Image.open(saved).size == (300, 200)
    recipe = read_recipe(saved)
    assert recipe["kind"] == "palette" and recipe["start"] == "photo" and len(recipe["palettes"][0]) == 2

    page.get_by_text("Save or load a palette").click()
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Save palette (JSON)").click()
    saved_palette = json.loads(download_info.value.path().read_text())
    assert [(f["layer"], f["channel"]) for f in saved_palette["filters"]] == \
        [(f["layer"], f["channel"]) for f in recipe["palettes"][0]]
    assert page.locator("text=Traceback").count() == 0
