"""The Filter Gallery in a real browser: open it, enlarge a filter, add it to the palette; a layer
switch never shows the previous layer's pictures; a phone-wide screen keeps several columns."""
import pytest
from playwright.sync_api import expect

from tests.conftest import wait_for_app

pytestmark = pytest.mark.browser


def open_gallery(page, app_url, layer_option: str) -> None:
    page.goto(f"{app_url}/filter_gallery")
    wait_for_app(page)
    page.get_by_role("heading", name="Filter Gallery").wait_for()
    page.get_by_role("combobox", name="Layer (low → high)").click()
    page.get_by_role("option", name=layer_option).click()
    wait_for_app(page)


def thumbnails(page, layer: str, state: str = "done"):
    return page.locator(f"img[data-layer='{layer}'][data-state='{state}']")


def shown_width(page, natural_width: int) -> float:
    """The on-screen width of the enlarged picture, once the finished one (of that many pixels) is loaded."""
    wait_for_app(page)
    picture = ".st-key-gallery-enlarged [data-testid='stImage'] img"
    page.wait_for_function(f"() => {{ const i = document.querySelector(\"{picture}\"); return i && i.complete && "
                           f"i.naturalWidth === {natural_width} && i.getBoundingClientRect().width > 0; }}")
    return page.locator(picture).first.evaluate("i => i.getBoundingClientRect().width")


def test_open_gallery_enlarge_a_filter_and_add_it_to_the_palette(page, app_url):
    # a low, precomputed layer: its thumbnails come straight from the shipped sprite sheet
    open_gallery(page, app_url, "block0 · edges & colours (16 filters)")
    expect(thumbnails(page, "block0")).to_have_count(16)
    assert thumbnails(page, "block0").first.evaluate("i => i.naturalWidth") == 128

    page.locator("button[data-channel='3']").click()
    panel = page.locator(".st-key-gallery-enlarged")
    panel.get_by_role("heading", name="block0 · filter 3").wait_for()
    panel.get_by_text("Filter 3 of block0, large: 320 px").wait_for(timeout=180_000)  # the finished picture
    panel.get_by_text("Pushes the picture towards").wait_for()
    large_width = shown_width(page, 320)

    # Extra large: painted at 512 px and shown bigger than Large, with its own download
    panel.get_by_role("radio", name="Extra large").click()
    panel.get_by_text("Filter 3 of block0, extra large: 512 px").wait_for(timeout=180_000)
    assert shown_width(page, 512) > large_width * 1.3
    assert panel.get_by_role("button", name="Download PNG").count() == 1

    panel.get_by_role("button", name="Add to palette").click()
    panel.get_by_text("is in your palette").wait_for()
    assert panel.get_by_role("button", name="Add to palette").is_disabled()

    panel.get_by_role("link", name="Paint with your palette").click()
    page.get_by_role("heading", name="Hybrid Palette").wait_for()
    wait_for_app(page)
    page.get_by_text("block0 · filter 3").first.wait_for()
    assert page.locator("text=Traceback").count() == 0
    assert page.locator("[data-testid='stException']").count() == 0


def test_a_new_layer_never_shows_the_old_layers_thumbnails(page, app_url):
    open_gallery(page, app_url, "block0 · edges & colours (16 filters)")
    expect(thumbnails(page, "block0")).to_have_count(16)
    page.get_by_role("combobox", name="Layer (low → high)").click()
    page.get_by_role("option", name="head · whole objects (1280 filters)").click()
    # at once: the head layer's cells, waiting to be painted; none of block0's pictures
    page.locator("button[data-channel='15'] >> text=#15").wait_for(timeout=10_000)
    expect(page.locator("img[data-layer='block0']")).to_have_count(0, timeout=5_000)
    page.get_by_text("16 filters of head are being painted").wait_for()
    # then they grow in their cells while the job runs (a cold worker loads the network first)
    thumbnails(page, "head", "painting").first.wait_for(timeout=180_000)
    assert page.locator("img[data-layer='block0']").count() == 0
    page.get_by_test_id("stMainBlockContainer").get_by_role("button", name="Stop").click()  # the test has seen enough; keep the machine free
    page.get_by_role("button", name="Paint filters 0–15").wait_for(timeout=60_000)
    page.get_by_text("Stopped. The filters not painted yet are left blank.").wait_for()
    expect(page.locator("img[data-layer='head']")).to_have_count(0)


def test_a_phone_wide_screen_keeps_several_sharp_columns(browser, app_url):
    context = browser.new_context(viewport={"width": 400, "height": 900})
    page = context.new_page()
    page.set_default_timeout(60_000)
    try:
        open_gallery(page, app_url, "block1 · edges & colours (24 filters)")
        cells = thumbnails(page, "block1")
        expect(cells).to_have_count(16)
        boxes = [cells.nth(i).bounding_box() for i in range(16)]
        columns = len({round(b["x"]) for b in boxes})
        rows = len({round(b["y"]) for b in boxes})
        assert columns >= 3 and rows <= 6, (columns, rows)
        assert all(b["width"] <= 128.5 for b in boxes)  # never stretched beyond their own pixels
        assert max(b["y"] + b["height"] for b in boxes) - min(b["y"] for b in boxes) < 1000
        page.locator("button[data-channel='5']").click()
        page.locator(".st-key-gallery-enlarged").get_by_role("heading", name="block1 · filter 5").wait_for()
    finally:
        context.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_a_page_of_thumbnails_fills_every_row(browser, app_url, width):
    """16 thumbnails in 5 columns left a row of one: the columns divide a full page, desktop and phone."""
    context = browser.new_context(viewport={"width": width, "height": 1200})
    page = context.new_page()
    page.set_default_timeout(60_000)
    try:
        open_gallery(page, app_url, "block0 · edges & colours (16 filters)")
        cells = thumbnails(page, "block0")
        expect(cells).to_have_count(16)
        rows: dict[int, int] = {}
        for i in range(16):
            top = round(cells.nth(i).bounding_box()["y"])
            rows[top] = rows.get(top, 0) + 1
        assert len(set(rows.values())) == 1 and len(rows) > 1, rows  # equal, full rows
        assert page.evaluate("() => document.scrollingElement.scrollWidth <= window.innerWidth")
    finally:
        context.close()
