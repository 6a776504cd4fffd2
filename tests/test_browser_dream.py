"""Deep Dream in a real browser: upload a photo, dream, compare, download."""
import pytest
from PIL import Image

from engine.images import read_recipe
from tests.conftest import gradient_picture, wait_for_app

pytestmark = pytest.mark.browser


def test_upload_dream_slider_and_download(page, app_url, tmp_path):
    photo = tmp_path / "holiday.jpg"
    gradient_picture(320, 240, seed=5).save(photo, quality=92)

    page.goto(f"{app_url}/deep_dream")
    wait_for_app(page)
    page.get_by_role("radio", name="Upload").click()
    page.locator("input[type='file']").first.set_input_files(str(photo))
    page.get_by_text("Your photo", exact=True).last.wait_for()
    wait_for_app(page)
    page.get_by_role("button", name="Dream").click()

    page.get_by_text("Your dream").wait_for(timeout=120_000)
    slider = page.locator(".dl-compare")
    slider.wait_for()
    assert slider.locator("img").count() == 2
    # Drag the handle: the "before" picture's clip follows the pointer.
    box = slider.bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.25, box["y"] + box["height"] / 2)
    assert abs(float(slider.get_attribute("data-position")) - 25) < 3
    natural = slider.locator("img.dl-after").evaluate("img => [img.naturalWidth, img.naturalHeight]")
    assert natural == [320, 240]

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download PNG").click()
    saved = tmp_path / "dream.png"
    download_info.value.save_as(saved)
    assert Image.open(saved).size == (320, 240)
    assert read_recipe(saved)["kind"] == "dream"
    assert page.locator("text=Traceback").count() == 0
