"""Style Transfer in a real browser: pick the fast preset, paint, compare, download."""
import pytest
from PIL import Image

from engine.images.pictures import read_recipe
from engine.style.transfer import QUALITIES
from tests.conftest import wait_for_app

pytestmark = pytest.mark.browser


def test_fast_transfer_of_the_sample_gives_the_slider_and_a_download(page, app_url, tmp_path):
    page.goto(f"{app_url}/style_transfer")
    wait_for_app(page)
    page.locator(".st-key-style-quality").get_by_text("Fast").click()
    wait_for_app(page)
    page.get_by_role("button", name="Paint").click()

    page.get_by_text("Your painting").wait_for(timeout=180_000)
    slider = page.locator(".dl-compare")
    slider.wait_for()
    assert slider.locator("img").count() == 2
    wait_for_app(page)  # the page brings the finished painting into view once its run ends
    box = slider.bounding_box()
    slider.click(position={"x": box["width"] * 0.75, "y": box["height"] / 2})
    assert abs(float(slider.get_attribute("data-position")) - 75) < 3
    natural = slider.locator("img.dl-after").evaluate("img => [img.naturalWidth, img.naturalHeight]")
    assert max(natural) == QUALITIES["fast"][0]

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download PNG").click()
    saved = tmp_path / "style.png"
    download_info.value.save_as(saved)
    assert list(Image.open(saved).size) == natural
    recipe = read_recipe(saved)
    assert recipe["kind"] == "style" and recipe["quality"] == "fast"
    assert page.locator("text=Traceback").count() == 0
    assert page.locator("[data-testid='stException']").count() == 0
