"""A studio, not a form, in a real browser: settings survive page changes, the session history
keeps results and restores one, a downloaded PNG brings its settings back and makes the same
picture again, a stopped job can be downloaded, and four first visitors arriving together on a
fresh server all upload and finish."""
from __future__ import annotations

import re

import numpy as np
import pytest
from PIL import Image
from playwright.sync_api import expect

from engine.images.pictures import read_recipe
from tests.conftest import download, gradient_picture, upload, wait_for_app

pytestmark = pytest.mark.browser
NAV = "[data-testid='stSidebarNav']"


def go_to(page, title: str) -> None:
    page.locator(NAV).get_by_text(title, exact=True).click()
    wait_for_app(page)


def choose(page, text: str) -> None:
    """Click a radio option by its label (the input itself sits under the label)."""
    page.get_by_text(text, exact=True).click()
    wait_for_app(page)


def smallest_size(page) -> None:
    page.get_by_role("slider", name="Picture size").press("Home")  # "Small (fast)"
    wait_for_app(page)


def set_seed(page, seed: int) -> None:
    page.get_by_text("Advanced settings").click()
    box = page.get_by_role("spinbutton", name="Random seed")
    box.fill(str(seed))
    box.press("Enter")
    page.wait_for_timeout(2500)  # the rerun that takes the new number may not have started yet
    wait_for_app(page)
    assert box.input_value() == str(seed)


def dream(page) -> None:
    """Press Dream and wait until the new picture has reached the session's history."""
    made = history_buttons(page).count()
    page.get_by_role("button", name="Dream", exact=True).click()
    expect(history_buttons(page)).to_have_count(made + 1, timeout=180_000)  # (inside a shadow root)
    page.get_by_text("Your dream").wait_for()
    wait_for_app(page)


def history_buttons(page):
    return page.locator(".dl-history button")


def test_settings_survive_a_page_round_trip(page, app_url):
    page.goto(f"{app_url}/deep_dream")
    wait_for_app(page)
    choose(page, "Creatures")
    smallest_size(page)
    set_seed(page, 42)
    page.screenshot(path=str(page_shot(page, "before-leaving")))
    go_to(page, "Style Transfer")
    page.get_by_role("button", name="Great wave", exact=True).click()  # a second painting
    page.wait_for_timeout(2500)  # as for the seed: the rerun that takes it may not have started yet
    wait_for_app(page)
    go_to(page, "Deep Dream")
    assert page.get_by_role("radio", name="Creatures").is_checked()
    assert "Small" in page.get_by_role("slider", name="Picture size").get_attribute("aria-valuetext")
    # A number input is drawn at its default first and takes its kept value a moment later
    # (Streamlit's number_input on remount), so wait for the value instead of reading it at once.
    page.get_by_text("Advanced settings").click()
    expect(page.get_by_role("spinbutton", name="Random seed")).to_have_value("42", timeout=5_000)
    go_to(page, "Style Transfer")
    assert page.get_by_role("button", name="Great wave", exact=True).get_attribute("aria-pressed") == "true"
    page.screenshot(path=str(page_shot(page, "style-back")))


def page_shot(page, name):
    from tests.conftest import ROOT
    shots = ROOT / "test-results"
    shots.mkdir(exist_ok=True)
    return shots / f"studio-{name}.png"


def test_history_keeps_the_last_results_and_restores_one(page, app_url):
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto(f"{app_url}/deep_dream")
    wait_for_app(page)
    smallest_size(page)
    choose(page, "Creatures")
    dream(page)
    # The page scrolls to the result once the job panel is gone: the new picture comes into the window.
    top = None
    for _ in range(50):
        top = page.locator(".dl-compare").first.bounding_box()
        if top is not None and 0 <= top["y"] < 600:
            break
        page.wait_for_timeout(100)
    assert top is not None and 0 <= top["y"] < 600, top
    choose(page, "Soft strokes")
    dream(page)
    thumbs = history_buttons(page)
    assert thumbs.count() == 2
    assert "Soft strokes" in thumbs.nth(0).get_attribute("title")  # newest first
    assert "Creatures" in thumbs.nth(1).get_attribute("title")

    go_to(page, "Home")
    history_buttons(page).nth(1).click()
    dialog = page.get_by_role("dialog")
    dialog.locator(".dl-compare").wait_for()
    expect(dialog.get_by_role("button", name="Download PNG")).to_be_visible()  # drawn just after the picture
    page.screenshot(path=str(page_shot(page, "history-dialog")))
    dialog.get_by_role("button", name="Restore these settings").click()
    page.get_by_text("The settings of that picture are back").wait_for()
    wait_for_app(page)
    assert page.get_by_role("radio", name="Creatures").is_checked()
    assert "Small" in page.get_by_role("slider", name="Picture size").get_attribute("aria-valuetext")
    assert history_buttons(page).count() == 2


def test_a_downloaded_png_restores_its_settings_and_makes_the_same_picture(page, browser, app_url, tmp_path):
    page.goto(f"{app_url}/deep_dream")
    wait_for_app(page)
    smallest_size(page)
    choose(page, "Soft strokes")
    set_seed(page, 7)
    dream(page)
    first, suggested = download(page, tmp_path, "first.png")
    # page, preset, size, seed and when it was made
    assert re.fullmatch(r"dreamlab-deep-dream-soft-strokes-small-seed7-\d{8}-\d{6}\.png", suggested), suggested
    recipe = read_recipe(first)
    assert recipe["seed"] == 7 and recipe["page"] == "dream"

    # Someone else, in a fresh session, drops that PNG on the photo picker.
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    other = context.new_page()
    other.set_default_timeout(60_000)
    try:
        other.goto(f"{app_url}/deep_dream")
        wait_for_app(other)
        other.get_by_role("radio", name="Upload").click()
        upload(other, first)
        other.get_by_role("button", name="Restore the settings this was made with").click()
        other.get_by_text("The settings of that picture are back").wait_for(timeout=20_000)
        wait_for_app(other)
        assert other.get_by_role("radio", name="Sample").get_attribute("aria-checked") == "true"  # its photo
        other.screenshot(path=str(page_shot(other, "png-restored")))
        assert other.get_by_role("radio", name="Soft strokes").is_checked()
        other.get_by_text("Advanced settings").click()  # its widgets are drawn only while it is open
        expect(other.get_by_role("spinbutton", name="Random seed")).to_have_value("7", timeout=10_000)
        wait_for_app(other)
        dream(other)
        again, suggested_again = download(other, tmp_path, "again.png")
        assert suggested_again != suggested  # identical settings, yet a name of its own
    finally:
        context.close()
    a = np.asarray(Image.open(first).convert("RGB"), dtype=np.int16)
    b = np.asarray(Image.open(again).convert("RGB"), dtype=np.int16)
    assert a.shape == b.shape
    assert np.abs(a - b).max() <= 1  # same seed, same settings: the same picture


def test_stop_then_download_where_it_got_to(page, app_url, tmp_path):
    big = tmp_path / "big.jpg"
    gradient_picture(1600, 1200, seed=2).save(big, quality=90)
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto(f"{app_url}/deep_dream")
    wait_for_app(page)
    page.get_by_role("radio", name="Upload").click()
    upload(page, big)
    page.get_by_role("slider", name="Picture size").press("End")  # "Full size (slow)"
    wait_for_app(page)
    page.get_by_role("button", name="Dream", exact=True).click()  # one click is enough (see ui/region.py)
    page.get_by_text("Working:").wait_for(timeout=20_000)
    preview = page.locator("[data-testid='stImage']").filter(has_text="Live preview")
    preview.wait_for(timeout=60_000)
    page.wait_for_timeout(1000)  # the preview has its height
    assert_in_view(page, preview, "working")
    page.mouse.move(700, 300)
    page.mouse.wheel(0, -3000)  # back up to the settings: the job panel stays in the window
    page.wait_for_timeout(500)
    assert_in_view(page, preview, "working-scrolled-up")
    page.locator(".st-key-stop-dream button").click()
    page.get_by_text("Stopped").first.wait_for(timeout=60_000)
    wait_for_app(page)
    saved, suggested = download(page, tmp_path, "stopped.png", page.locator(".st-key-dream-stopped-download button").first)
    assert suggested.startswith("dreamlab-deep-dream-classic-dream")
    recipe = read_recipe(saved)
    assert recipe["stopped"] is True and recipe["page"] == "dream"
    assert Image.open(saved).size[0] >= 64
    assert page.locator("text=Traceback").count() == 0


def assert_in_view(page, element, shot: str) -> None:
    """The whole of ``element`` inside the 1400x1000 window, without scrolling."""
    page.screenshot(path=str(page_shot(page, shot)))
    box = element.bounding_box()
    assert box is not None and box["height"] > 100
    assert box["y"] >= 0 and box["y"] + box["height"] <= 1000, box


def test_four_first_visitors_arriving_together_all_upload_and_finish(browser, tmp_path):
    """A fresh server of its own (nothing imported or cached yet), four visitors at once."""
    from tests.conftest import start_app_server, stop_app_server
    photo = tmp_path / "visitor.jpg"
    gradient_picture(400, 300, seed=9).save(photo, quality=92)
    proc, url = start_app_server()
    contexts = [browser.new_context(viewport={"width": 1400, "height": 1000}) for _ in range(4)]
    try:
        pages = [c.new_page() for c in contexts]
        for p in pages:
            p.set_default_timeout(180_000)
            p.goto(f"{url}/deep_dream", wait_until="commit")
        for p in pages:  # each picks Upload and drops a photo as soon as it can, without waiting for the others
            p.get_by_role("radio", name="Upload").click()
            photo_picker = p.locator("[data-testid='stFileUploader']").filter(has_text="Choose a photo")
            photo_picker.locator("input[type='file']").set_input_files(str(photo))
        for p in pages:
            p.locator("[data-testid='stFileUploader']").filter(has_text="Choose a photo").locator(
                "[data-testid='stFileChip']").wait_for(timeout=60_000)
            p.get_by_text("Your photo", exact=True).last.wait_for(timeout=120_000)
        for p in pages:
            wait_for_app(p)
            p.get_by_role("slider", name="Picture size").press("Home")
        for p in pages:
            wait_for_app(p)
            p.get_by_role("button", name="Dream", exact=True).click()
        for p in pages:
            p.get_by_text("Your dream").wait_for(timeout=300_000)
            assert p.locator("[data-testid='stFileChip']").count() == 1  # the upload was never lost
            assert p.locator("text=Traceback").count() == 0
    except Exception:
        for i, p in enumerate(pages):
            p.screenshot(path=str(page_shot(p, f"visitor-{i}")))
        raise
    finally:
        for c in contexts:
            c.close()
        stop_app_server(proc)
