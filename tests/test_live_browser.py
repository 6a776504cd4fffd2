"""The Live mirror in a real browser with Chromium's fake camera playing a clip the test makes
(the sample cat photo, slowly panned, with a frame counter in its bottom rows)."""
from __future__ import annotations

import io
import os

import numpy as np
import pytest
from PIL import Image
from playwright.sync_api import expect

from dreamlab.studio.live_sample import counter_rows, draw_counter, read_counter, sample_frames, write_y4m
from tests.conftest import CHROMIUM, CHROMIUM_ARGS, ROOT, start_app_server, stop_app_server, wait_for_app

pytestmark = pytest.mark.browser
SHOTS = ROOT / "test-results"
CLIP_FRAMES = 150  # 10 seconds at 15 frames per second, then the fake camera starts the clip again
DENY_CAMERA = """navigator.mediaDevices.getUserMedia = () =>
    Promise.reject(new DOMException("Permission denied", "NotAllowedError"));"""
NO_WEBRTC = "Object.defineProperty(navigator, 'mediaDevices', {value: undefined});"



@pytest.fixture(scope="module")
def live_app():
    """An app server of its own (the mirror's seats are per server), with the frame counter kept."""
    saved = {k: os.environ.get(k) for k in ("DREAMLAB_LIVE_PROBE", "DREAMLAB_MAX_LIVE")}
    os.environ.update(DREAMLAB_LIVE_PROBE="1", DREAMLAB_MAX_LIVE="1")
    try:
        proc, url = start_app_server()
    finally:
        for key, value in saved.items():
            os.environ.pop(key) if value is None else os.environ.__setitem__(key, value)
    yield url
    stop_app_server(proc)


@pytest.fixture(scope="module")
def camera_browser(playwright, tmp_path_factory):
    clip = tmp_path_factory.mktemp("camera") / "clip.y4m"
    write_y4m(clip, [draw_counter(f, i) for i, f in enumerate(sample_frames(320, 240, CLIP_FRAMES))], fps=15)
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS + [
        "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
        f"--use-file-for-fake-video-capture={clip}"])
    yield browser
    browser.close()


def open_live(browser, url, init_script: str = ""):
    context = browser.new_context(viewport={"width": 1280, "height": 1400})
    if init_script:
        context.add_init_script(init_script)
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(f"{url}/live")
    wait_for_app(page)
    return context, page


def mirror_frame(page):
    return page.frame_locator("iframe[title*='streamlit_webrtc']").first


def shot(locator) -> Image.Image:
    return Image.open(io.BytesIO(locator.screenshot())).convert("RGB")


def halves(page) -> tuple[np.ndarray, np.ndarray]:
    """The shown video's left (camera) and right (dream) halves (the sample clip: composed by the server)."""
    array = np.asarray(shot(mirror_frame(page).locator("video")))
    width = array.shape[1] // 2
    return array[:, :width], array[:, width: 2 * width]


def camera_and_dream(page) -> tuple[np.ndarray, np.ndarray]:
    """The camera, played by the browser from its own stream, and the dream the server sent back,
    as shown side by side (the camera scaled to the dream's size on screen, should they differ)."""
    frame = mirror_frame(page)
    camera_video = frame.locator("video.dreamlab-camera")
    expect(camera_video).to_be_visible(timeout=30_000)
    dream = shot(frame.locator("video:not(.dreamlab-camera)"))  # first: the camera's frame is then no older
    camera = shot(camera_video).resize(dream.size, Image.BILINEAR)
    camera_box = camera_video.bounding_box()
    dream_box = frame.locator("video:not(.dreamlab-camera)").bounding_box()
    assert camera_box["x"] + camera_box["width"] <= dream_box["x"] + 1  # beside it, on its left
    return np.asarray(camera), np.asarray(dream)


def test_the_mirror_dreams_the_camera_keeps_a_snapshot_and_records(live_app, camera_browser):
    context, page = open_live(camera_browser, live_app)
    try:
        mirror_frame(page).get_by_role("button", name="Start the mirror").click()
        expect(page.get_by_text("dreamed frames per second")).to_be_visible(timeout=180_000)
        page.wait_for_timeout(4000)  # a few frames deeper
        camera, dream = camera_and_dream(page)
        SHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SHOTS / "live-mirror.png"), full_page=True)
        rows = counter_rows(camera.shape[0])
        picture = slice(0, camera.shape[0] - rows)
        change = np.abs(camera[picture].astype(np.float32) - dream[picture].astype(np.float32)).mean()
        assert change > 10, f"the dream barely differs from the camera ({change:.1f} grey levels)"
        shown, dreamed = read_counter(camera), read_counter(dream)
        assert shown is not None and dreamed is not None
        assert (shown - dreamed) % CLIP_FRAMES < CLIP_FRAMES // 2  # the dream of a recent frame (the clip loops)

        history = page.locator(".dl-history button")
        before = history.count()
        page.get_by_role("button", name="Snapshot").click()
        expect(history).to_have_count(before + 1, timeout=30_000)
        page.get_by_role("button", name="Record the last").click()
        expect(page.get_by_role("button", name="Download the video (MP4)")).to_be_visible(timeout=60_000)

        mirror_frame(page).get_by_role("button", name="Stop").click()
        expect(mirror_frame(page).get_by_role("button", name="Start the mirror")).to_be_visible(timeout=30_000)
        expect(page.get_by_text("dreamed frames per second")).to_have_count(0, timeout=30_000)
    finally:
        context.close()


def test_a_second_visitor_waits_in_line_and_can_use_other_pages(live_app, camera_browser):
    first, first_page = open_live(camera_browser, live_app)
    second, second_page = open_live(camera_browser, live_app)
    try:
        # (the previous test's visitor may hold the seat a few seconds more: it has just left)
        expect(mirror_frame(first_page).get_by_role("button", name="Start the mirror")).to_be_visible(timeout=45_000)
        expect(second_page.get_by_text("The live mirror is busy, 1 ahead of you")).to_be_visible(timeout=30_000)
        assert mirror_frame(second_page).locator("button").count() == 0

        second_page.locator("[data-testid='stSidebarNav']").get_by_text("Deep Dream").click()
        expect(second_page.get_by_role("heading", name="Deep Dream")).to_be_visible()
        expect(second_page.get_by_text("The live mirror is busy")).to_have_count(0)

        second_page.locator("[data-testid='stSidebarNav']").get_by_text("Live mirror").click()
        expect(second_page.get_by_text("The live mirror is busy, 1 ahead of you")).to_be_visible(timeout=30_000)
        first.close()  # the first visitor leaves: the mirror opens for the second by itself
        expect(mirror_frame(second_page).get_by_role("button", name="Start the mirror")).to_be_visible(timeout=45_000)
    finally:
        first.close()
        second.close()


@pytest.mark.parametrize("browser_setup, words", [
    (DENY_CAMERA, "The browser was not allowed to use the camera"),
    (NO_WEBRTC, "This browser cannot show a camera here"),
], ids=["denied", "no-webrtc"])
def test_camera_trouble_is_explained_in_plain_words(live_app, camera_browser, browser_setup, words):
    context, page = open_live(camera_browser, live_app, browser_setup)
    try:
        mirror_frame(page).get_by_role("button", name="Start the mirror").click(timeout=45_000)
        expect(mirror_frame(page).get_by_text(words)).to_be_visible(timeout=30_000)
        assert "Error" not in mirror_frame(page).locator("body").inner_text()  # not the browser's error name
        page.screenshot(path=str(SHOTS / f"live-{words.split()[2]}.png"), full_page=True)
    finally:
        context.close()


def test_the_sample_clip_runs_through_the_mirror_without_a_camera(live_app, camera_browser):
    context, page = open_live(camera_browser, live_app, DENY_CAMERA)  # no camera at all
    try:
        camera_mirror = page.locator("iframe[title*='streamlit_webrtc']").element_handle()
        page.get_by_text("Use a sample clip instead").click()
        page.wait_for_function("frame => !frame.isConnected", arg=camera_mirror)  # the clip's mirror replaced it
        wait_for_app(page)
        mirror_frame(page).get_by_role("button", name="Start the mirror").click(timeout=45_000)
        expect(page.get_by_text("dreamed frames per second")).to_be_visible(timeout=180_000)
        page.wait_for_timeout(3000)
        clip, dream = halves(page)
        assert np.abs(clip.astype(np.float32) - dream.astype(np.float32)).mean() > 10
        page.screenshot(path=str(SHOTS / "live-sample-clip.png"), full_page=True)
    finally:
        context.close()
