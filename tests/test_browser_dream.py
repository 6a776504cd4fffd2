"""Deep Dream in a real browser: upload a photo, dream, compare, download."""
import pytest
from PIL import Image

from engine.images.pictures import read_recipe
from tests.conftest import gradient_picture, open_dream_with_upload, upload, wait_for_app

pytestmark = pytest.mark.browser


def test_upload_dream_slider_and_download(page, app_url, tmp_path):
    photo = tmp_path / "holiday.jpg"
    gradient_picture(320, 240, seed=5).save(photo, quality=92)

    open_dream_with_upload(page, app_url, photo)
    page.get_by_role("button", name="Dream", exact=True).click()

    page.get_by_text("Your dream").wait_for(timeout=120_000)
    slider = page.locator(".dl-compare")
    slider.wait_for()
    assert slider.locator("img").count() == 2
    # Click a quarter of the way in: the "before" picture's clip follows the pointer. The page brings a
    # finished result into view once its run ends, so the click waits for the page, then for the slider
    # to hold still (a click at coordinates measured before that scroll lands below the slider).
    wait_for_app(page)
    box = slider.bounding_box()
    slider.click(position={"x": box["width"] * 0.25, "y": box["height"] / 2})
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


def dream_the_sample(page, app_url):
    page.goto(f"{app_url}/deep_dream")
    wait_for_app(page)
    page.get_by_role("button", name="Dream", exact=True).click()


def test_a_decompression_bomb_after_a_result_gets_a_message_and_keeps_the_result(page, app_url, tmp_path):
    from tests.make_inputs import bomb_png
    bomb = tmp_path / "innocent.png"
    bomb.write_bytes(bomb_png())

    dream_the_sample(page, app_url)
    page.locator(".dl-compare").wait_for(timeout=120_000)
    page.get_by_role("radio", name="Upload").click()
    upload(page, bomb)
    alert = page.get_by_text("too large")
    alert.first.wait_for(timeout=30_000)
    wait_for_app(page)
    assert page.locator(".dl-compare").count() == 1  # the earlier dream is still there
    assert page.locator("text=Traceback").count() == 0
    assert page.locator("[data-testid='stException']").count() == 0


def test_stop_ends_the_dream_and_keeps_where_it_got_to(page, app_url, tmp_path):
    big = tmp_path / "big.jpg"
    gradient_picture(1600, 1200, seed=2).save(big, quality=90)
    open_dream_with_upload(page, app_url, big)
    page.get_by_role("slider", name="Picture size").press("End")  # "Full size (slow)"
    wait_for_app(page)
    # One press: a press that came before the photo's own rerun is kept by the app (ui/runner.run_button).
    page.get_by_role("button", name="Dream", exact=True).click()
    page.get_by_text("Working:").wait_for(timeout=30_000)
    page.locator(".st-key-stop-dream button").click()
    page.get_by_text("Stopped").first.wait_for(timeout=60_000)
    assert page.locator("text=Traceback").count() == 0


def test_advanced_settings_stay_open_while_the_page_above_changes(page, app_url):
    """An expander without a key is drawn anew, closed, when the widgets above it change."""
    page.goto(f"{app_url}/deep_dream")
    wait_for_app(page)
    advanced = page.locator("details").filter(has_text="Advanced settings")
    advanced.locator("summary").click()
    page.wait_for_function("() => [...document.querySelectorAll('details')]"
                           ".some(d => d.open && d.textContent.includes('Advanced settings'))")
    page.get_by_role("radio", name="Upload").click()
    page.locator("[data-testid='stFileUploaderDropzone']").wait_for()
    wait_for_app(page)
    page.get_by_role("radio", name="Sample").click()
    page.locator("[data-testid='stImage']").first.wait_for()
    wait_for_app(page)
    assert advanced.evaluate("d => d.open")
