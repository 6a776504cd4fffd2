"""The Hybrid Palette in a real browser: build a two-filter palette, paint it on a photo, compare, download;
add filters by plain choice, load palettes, a journey GIF worth sharing, settings kept and restored."""
import json
import re

import pytest
from PIL import Image
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from engine.images.pictures import read_recipe
from engine.dreaming.palette.data import PaletteFilter, palette_json
from tests.conftest import ROOT, gradient_picture, upload, wait_for_app

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
    picks = page.locator("button[data-channel]")  # the gallery grid's filters
    try:
        picks.first.wait_for(timeout=60_000)  # thumbnails not precomputed are painted first
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
            page.get_by_text("is in your palette").first.wait_for(timeout=30_000)
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
        page.get_by_role("textbox", name="Or type filters").fill(", ".join(typed))
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

    wait_for_app(page)  # the runs that follow a finished painting, before the expander is opened
    page.get_by_text("Save or load a palette").click()
    wait_for_app(page)  # the expander is tracked: opening it reruns the page
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Save palette (JSON)").click()
    saved_palette = json.loads(download_info.value.path().read_text())
    assert [(f["layer"], f["channel"]) for f in saved_palette["filters"]] == \
        [(f["layer"], f["channel"]) for f in recipe["palettes"][0]]
    assert page.locator("text=Traceback").count() == 0


def shot(page, name: str) -> None:
    folder = ROOT / "test-results"
    folder.mkdir(exist_ok=True)
    page.screenshot(path=str(folder / f"palette-{name}.png"), full_page=True)


def chips(page):
    return page.get_by_role("slider", name="Weight")


def remove_buttons(page):
    return page.locator("div[class*='st-key-palette'][class*='remove'] button")


def type_filters(page, text: str, shown) -> None:
    """Type filters, press Add once and wait until ``shown`` appears."""
    wait_for_app(page)
    page.get_by_role("textbox", name="Or type filters").fill(text)
    page.get_by_role("button", name="Add", exact=True).click()
    shown.wait_for(timeout=20_000)
    wait_for_app(page)


def uploader(page, label: str) -> int:
    uploaders = page.locator("[data-testid='stFileUploader']")
    uploaders.filter(has_text=label).wait_for()
    return next(i for i, text in enumerate(uploaders.all_inner_texts()) if label in text)


def test_add_a_filter_by_plain_choice_and_load_palettes_in_an_expander_that_stays_open(page, app_url, tmp_path):
    page.goto(f"{app_url}/hybrid_palette")
    wait_for_app(page)
    page.get_by_role("combobox", name="Layer", exact=True).click()
    page.get_by_role("option", name="block3 · strokes & textures").click()
    number = page.get_by_role("spinbutton", name="Filter (0 to 39)")  # block3's own number box
    number.wait_for()
    wait_for_app(page)
    number.fill("7")
    number.press("Enter")
    page.wait_for_timeout(1000)  # the rerun that takes the number may not have started yet
    wait_for_app(page)
    expect(number).to_have_value("7")
    page.get_by_role("button", name="Add this filter").click()
    page.get_by_text("block3 · filter 7").wait_for(timeout=20_000)
    expect(page.get_by_role("button", name="In your palette")).to_be_disabled()

    type_filters(page, "block 10 filter 5", page.get_by_text("block10 · filter 5"))
    expect(chips(page)).to_have_count(2)
    type_filters(page, "blok 10 5", page.get_by_text("names no layer of this network"))
    expect(page.get_by_role("textbox", name="Or type filters")).to_have_value("blok 10 5")  # to correct it
    expect(page.get_by_text("for example block 8 filter 12").first).to_be_visible()
    shot(page, "added")

    palettes = []
    for name, filters in (("sea", [PaletteFilter("block3", 4, 0.7)]),
                          ("forest", [PaletteFilter("block8", 2), PaletteFilter("block10", 5, 0.5)])):
        palettes.append(tmp_path / f"{name}.json")
        palettes[-1].write_text(palette_json(filters, "lite0"))
    page.get_by_text("Save or load a palette").click()
    wait_for_app(page)
    for path, count in zip(palettes, (1, 2)):
        upload(page, path, uploader_index=uploader(page, "Load a palette"))
        page.get_by_text(f"Loaded {path.name}").wait_for()
        wait_for_app(page)
        expect(chips(page)).to_have_count(count)
        # Still open as the user left it, and no file lingers in the uploader: nothing piles up.
        expect(page.get_by_role("button", name="Save palette (JSON)")).to_be_visible()
        expect(page.locator("[data-testid='stFileUploader']").filter(has_text="Load a palette")
               .locator("[data-testid='stFileChip']")).to_have_count(0)
    shot(page, "loaded")
    assert page.locator("text=Traceback").count() == 0


def test_journey_gif_size_settings_round_trip_and_restore_from_history(page, app_url, tmp_path):
    page.set_viewport_size({"width": 1400, "height": 1200})
    page.goto(f"{app_url}/hybrid_palette")
    wait_for_app(page)
    page.get_by_role("radio", name=re.compile("Noise")).click()
    page.get_by_text("Faint random noise").wait_for()
    wait_for_app(page)
    page.get_by_text("Advanced settings").click()
    wait_for_app(page)
    page.get_by_role("slider", name="Steps").press("Home")  # 8 steps: quick
    wait_for_app(page)
    seed = page.get_by_role("spinbutton", name="Random seed")
    seed.fill("3")
    seed.press("Enter")
    page.wait_for_timeout(1500)
    wait_for_app(page)
    page.get_by_text("Journey through palettes").click()
    wait_for_app(page)
    for typed in ("block5:3", "block10:20"):
        for remove in range(chips(page).count()):
            remove_buttons(page).first.click()
            wait_for_app(page)
        layer, number = typed.split(":")
        type_filters(page, typed, page.get_by_text(f"{layer} · filter {number}"))
        page.get_by_role("button", name="Keep this palette as a stop").click()
        page.get_by_text(f"Stop {1 if typed == 'block5:3' else 2}:").wait_for(timeout=20_000)
        wait_for_app(page)
    page.get_by_role("button", name="Paint", exact=True).click()
    page.get_by_role("button", name="Stop").or_(page.get_by_text("Your painting")).first.wait_for(timeout=20_000)
    page.get_by_text("Your painting").wait_for(timeout=180_000)  # a fresh worker loads the network first
    gif_button = page.get_by_role("button", name=re.compile(r"^Download GIF \(512 × 512 px, [\d.]+ [kM]B\)"))
    gif_button.wait_for(timeout=120_000)
    wait_for_app(page)
    gif_button.scroll_into_view_if_needed()
    shot(page, "journey")
    with page.expect_download() as info:
        gif_button.click()
    saved = tmp_path / "journey.gif"
    info.value.save_as(saved)
    gif = Image.open(saved)
    assert gif.size == (512, 512) and gif.n_frames >= 5  # the start, then frames of both palettes
    assert re.fullmatch(r"dreamlab-hybrid-palette-a-journey-on-noise-small-seed3-\d{8}-\d{6}\.gif",
                        info.value.suggested_filename)

    # A page round trip keeps the settings, the palette and the stops.
    nav(page, "Deep Dream")
    nav(page, "Hybrid Palette")
    # (a kept widget shows its default for a moment after a page change, then its kept value)
    expect(page.get_by_role("radio", name=re.compile("Noise"))).to_have_attribute("aria-checked", "true")
    expect(page.get_by_text("Stop 2:")).to_be_visible()
    shot(page, "round-trip")

    # Changed, then restored from the session's history.
    page.get_by_role("radio", name=re.compile("Gradient")).click()
    wait_for_app(page)
    remove_buttons(page).first.click()
    wait_for_app(page)
    expect(chips(page)).to_have_count(0)
    page.locator("[data-testid='stSidebarNav']").get_by_text("Home", exact=True).click()
    wait_for_app(page)
    page.locator(".dl-history button").first.click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_role("button", name="Restore these settings").click()
    page.get_by_text("The settings of that picture are back").wait_for(timeout=20_000)
    page.locator("h1", has_text="Hybrid Palette").wait_for()
    wait_for_app(page)
    expect(page.get_by_role("radio", name=re.compile("Noise"))).to_have_attribute("aria-checked", "true",
                                                                                  timeout=20_000)
    expect(page.get_by_text("block10 · filter 20")).to_be_visible(timeout=20_000)
    seed = page.get_by_role("spinbutton", name="Random seed")
    if seed.count() == 0:  # Advanced settings are drawn only while open: open them to see the seed
        page.get_by_text("Advanced settings").click()
    expect(seed).to_have_value("3", timeout=20_000)
    shot(page, "restored")
    assert page.locator("text=Traceback").count() == 0
