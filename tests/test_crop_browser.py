"""Drag a wallpaper's crop frame in a real browser (Style Transfer), paint, and find the result cropped
where the frame was dragged (not around the subject found in the photo)."""
import numpy as np
import pytest
from PIL import Image
from playwright.sync_api import expect

from engine.images.pictures import read_recipe
from engine.images.shapes import fit_to_shape, subject_centre
from tests.conftest import download, gradient_picture, upload, wait_for_app

pytestmark = pytest.mark.browser


def difference(a: Image.Image, b: Image.Image) -> float:
    return float(np.abs(np.asarray(a.convert("RGB").resize((64, 64)), np.float32)
                        - np.asarray(b.convert("RGB").resize((64, 64)), np.float32)).mean())


def test_dragging_the_frame_moves_the_wallpapers_crop(page, app_url, tmp_path):
    photo = tmp_path / "wide.png"
    picture = gradient_picture(480, 240, seed=3)  # red grows to the right; its "subject" sits right of the middle
    picture.save(photo)
    page.goto(f"{app_url}/style_transfer")
    wait_for_app(page)
    page.get_by_role("radiogroup", name="Your photo").get_by_role("radio", name="Upload").click()
    upload(page, photo)
    page.locator(".st-key-style-quality").get_by_text("Fast").click()
    wait_for_app(page)
    # Instant has its own keep-colours switch: the run that drew Fast's page must have replaced it.
    keep_colours = page.get_by_text("Keep my photo's colours")
    expect(keep_colours).to_have_count(1, timeout=30_000)
    keep_colours.click()  # the finish only enlarges: a quicker print
    wait_for_app(page)
    page.get_by_role("combobox", name="Shape").click()
    page.get_by_role("option", name="Square (2048\u00d72048)").click()
    wait_for_app(page)

    stage = page.locator(".dl-crop .dl-stage")
    stage.wait_for()
    stage.scroll_into_view_if_needed()
    frame = page.locator(".dl-crop .dl-frame")
    start_x = float(page.locator(".dl-crop").get_attribute("data-x"))
    assert start_x == pytest.approx(subject_centre(picture.resize((480, 240)))[0], abs=0.02)
    page.screenshot(path=str(tmp_path / "crop-before.png"))
    box, frame_box = stage.bounding_box(), frame.bounding_box()
    x, y = frame_box["x"] + frame_box["width"] / 2, frame_box["y"] + frame_box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x - 0.5 * box["width"], y, steps=10)  # far to the left: it stops at the photo's edge
    page.mouse.up()
    wait_for_app(page)
    page.screenshot(path=str(tmp_path / "crop-after.png"))
    assert float(page.locator(".dl-crop").get_attribute("data-x")) == pytest.approx(0.25, abs=0.01)
    page.get_by_text("Centre on the subject again").wait_for()  # the page holds the dragged centre

    page.get_by_role("button", name="Paint", exact=True).click()
    page.get_by_text("Your painting").wait_for(timeout=600_000)
    saved, _ = download(page, tmp_path, "wallpaper.png")
    result = Image.open(saved)
    assert result.size == (2048, 2048)
    recipe = read_recipe(saved)
    assert recipe["shape"] == "square" and recipe["crop_centre"][0] == pytest.approx(0.25, abs=0.01)
    dragged = fit_to_shape(picture, "square", centre=(0.25, 0.5))
    around_subject = fit_to_shape(picture, "square")
    assert difference(result, dragged) < difference(result, around_subject)
    assert page.locator("text=Traceback").count() == 0
