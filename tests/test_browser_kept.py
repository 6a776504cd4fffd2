"""Nothing is lost between pages, in a real browser: uploaded paintings on Style Transfer, and Motion's
uploaded clip with its finished video, are still there after a visit to another page."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests import make_clips
from tests.conftest import gradient_picture, upload, wait_for_app

pytestmark = [pytest.mark.browser]
NAV = "[data-testid='stSidebarNav']"


def go_to(page, title: str) -> None:
    page.locator(NAV).get_by_text(title, exact=True).click()
    wait_for_app(page)


def test_uploaded_paintings_survive_a_page_switch(page, app_url, tmp_path):
    painting = tmp_path / "my-painting.png"
    gradient_picture(96, 96, seed=3).save(painting)
    page.goto(f"{app_url}/style_transfer")
    wait_for_app(page)
    page.get_by_text("Upload", exact=True).last.click()  # the paintings' source (the photo's comes first)
    wait_for_app(page)
    upload(page, painting, uploader_index=0)
    expect(page.get_by_text("my-painting.png").last).to_be_visible()

    go_to(page, "Home")
    go_to(page, "Style Transfer")
    expect(page.get_by_text("Using your 1 painting from before")).to_be_visible()
    expect(page.locator("[data-testid='stImageCaption']").get_by_text("my-painting.png")).to_be_visible()


def test_motion_keeps_the_clip_and_the_finished_video_across_a_round_trip(page, app_url, tmp_path):
    clip = tmp_path / "holiday.mp4"
    clip.write_bytes(make_clips.moving_clip(count=4, width=96, height=64, fps=4))
    page.goto(f"{app_url}/motion")
    wait_for_app(page)
    page.get_by_text("Dream a video").click()
    wait_for_app(page)
    upload(page, clip)
    page.get_by_text("4 frames at 96×64").wait_for(timeout=60_000)
    page.get_by_role("button", name="Dream the clip").click()
    page.get_by_text("Your dreamed clip").wait_for(timeout=240_000)
    wait_for_app(page)

    go_to(page, "Home")
    go_to(page, "Motion")
    expect(page.get_by_text("Using holiday.mp4 from before")).to_be_visible()
    expect(page.get_by_text("4 frames at 96×64")).to_be_visible()
    expect(page.get_by_text("Your dreamed clip")).to_be_visible()
    expect(page.get_by_role("button", name="Download MP4").first).to_be_visible()
