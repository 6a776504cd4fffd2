"""Style Transfer's Instant quality in a real browser: one press, the painted photo, its PNG's recipe."""
import pytest
from PIL import Image

from engine.images.pictures import read_recipe
from engine.style import instant_files
from tests.conftest import wait_for_app

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not instant_files.instant_available()[0], reason=instant_files.instant_available()[1])]


def test_instant_paints_the_sample_and_its_png_says_instant(page, app_url, tmp_path):
    page.goto(f"{app_url}/style_transfer")
    wait_for_app(page)
    assert page.locator(".st-key-style-quality input[type=radio]").first.is_checked()  # Instant, the first look
    page.get_by_role("button", name="Paint").click()

    page.get_by_text("Your painting").wait_for(timeout=120_000)
    slider = page.locator(".dl-compare")
    slider.wait_for()
    natural = slider.locator("img.dl-after").evaluate("img => [img.naturalWidth, img.naturalHeight]")
    assert max(natural) == 512
    page.get_by_role("button", name="Refine").wait_for()
    page.screenshot(path=str(tmp_path / "instant.png"), full_page=True)  # (for a person to look at)

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download PNG").click()
    saved = tmp_path / "style.png"
    download_info.value.save_as(saved)
    assert list(Image.open(saved).size) == natural
    recipe = read_recipe(saved)
    assert recipe["kind"] == "style" and recipe["quality"] == "instant" and recipe["strength"] == 1.0
    assert recipe["settings"]["style"]["quality"] == "instant"
    assert page.locator("text=Traceback").count() == 0
    assert page.locator("[data-testid='stException']").count() == 0
