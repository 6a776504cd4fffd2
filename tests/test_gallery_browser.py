"""The Filter Gallery in a real browser: open it, enlarge a filter, add it to the palette."""
import pytest

from tests.conftest import wait_for_app

pytestmark = pytest.mark.browser


def test_open_gallery_enlarge_a_filter_and_add_it_to_the_palette(page, app_url):
    page.goto(f"{app_url}/filter_gallery")
    wait_for_app(page)
    page.get_by_role("heading", name="Filter Gallery").wait_for()
    # a low, precomputed layer: its thumbnails come straight from the shipped sprite sheet
    page.get_by_role("combobox", name="Layer (low → high)").click()
    page.get_by_role("option", name="block0 · edges & colours (16 filters)").click()
    wait_for_app(page)
    page.wait_for_function("() => [...document.querySelectorAll(\"[data-testid='stImage'] img\")]"
                           ".filter(i => i.complete && i.naturalWidth === 128).length === 16")

    page.get_by_role("button", name="#3", exact=True).click()
    panel = page.locator(".st-key-gallery-enlarged")
    panel.get_by_role("heading", name="block0 · filter 3").wait_for()
    panel.get_by_text("Pushes the picture towards").wait_for(timeout=180_000)  # after the large painting
    wait_for_app(page)
    panel.locator("[data-testid='stImage'] img").first.wait_for()
    page.wait_for_function("() => document.querySelector(\".st-key-gallery-enlarged [data-testid='stImage'] img\")"
                           ".naturalWidth === 256")
    assert panel.get_by_text("Filter 3 of block0, 256 px").count() == 1

    panel.get_by_role("button", name="Add to palette").click()
    panel.get_by_text("is in your palette").wait_for()
    assert panel.get_by_role("button", name="Add to palette").is_disabled()

    panel.get_by_role("link", name="Paint with your palette").click()
    page.get_by_role("heading", name="Hybrid Palette").wait_for()
    wait_for_app(page)
    page.get_by_text("block0 · filter 3").first.wait_for()
    assert page.locator("text=Traceback").count() == 0
    assert page.locator("[data-testid='stException']").count() == 0
