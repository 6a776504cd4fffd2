"""A print in a real browser (issue 27): it shows its progress tile by tile, and its download is a PNG
that states 300 dpi. The smallest print that is finished on tiles: 2048 px on the long side."""
import re

import pytest
from PIL import Image

from engine.images.pictures import png_dpi, read_recipe
from tests.conftest import (download_button_places, gradient_picture, open_dream_with_upload, wait_for_app,
                            watch_download_button)

pytestmark = pytest.mark.browser


def test_a_print_shows_its_tiles_and_downloads_at_300_dpi(page, app_url, tmp_path):
    photo = tmp_path / "holiday.jpg"
    gradient_picture(320, 240, seed=7).save(photo, quality=92)
    open_dream_with_upload(page, app_url, photo)
    page.get_by_text("Soft strokes").click()  # the lightest preset: the print is long enough as it is
    wait_for_app(page)
    page.locator("details").filter(has_text="Advanced settings").locator("summary").click()
    side = page.get_by_role("spinbutton", name="Longest side (px)")
    side.wait_for()
    side.fill("2048")
    side.press("Enter")
    wait_for_app(page)
    page.get_by_text("2048\u00d71536 px").first.wait_for(timeout=30_000)  # said before the press
    page.get_by_role("button", name="Dream", exact=True).click()
    watch_download_button(page)

    page.get_by_text(re.compile(r"tile \d+ of 12")).first.wait_for(timeout=600_000)  # progress per tile
    page.screenshot(path=str(tmp_path / "tiles.png"))
    page.get_by_text("Your dream").wait_for(timeout=900_000)
    page.get_by_role("button", name="Download PNG").wait_for()
    wait_for_app(page)
    page.wait_for_timeout(500)  # the slider's pictures decode
    # Drawn once where it stays: the run's end used to move it 29 px ("Starting…" under the pressed
    # button went), and a press in that moment was lost.
    assert len(download_button_places(page)) == 1, download_button_places(page)
    page.get_by_text("Made with Soft strokes \u00b7 seed 0 \u00b7 2048x1536 px").wait_for()  # the print's size, not "Medium"
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download PNG").click()
    saved = tmp_path / "print.png"
    download_info.value.save_as(saved)
    assert "2048x1536" in download_info.value.suggested_filename
    assert Image.open(saved).size == (2048, 1536)
    assert png_dpi(saved.read_bytes()) == 300
    assert read_recipe(saved)["print"]["size"] == [2048, 1536]
    assert page.locator("text=Traceback").count() == 0
