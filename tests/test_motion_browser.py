"""The Motion page in a real browser (Debian's chromium): make a zoom journey and dream a clip the
test generates, then play both videos in the page."""
import pytest

from engine.motion.clips import probe
from tests import make_clips
from tests.conftest import upload, wait_for_app

pytestmark = pytest.mark.browser

# st.video(loop=True) loops from its own 'ended' listener (back to the start, play again), so
# `video.ended` is true for an instant only and a test that polls it sees it by chance. The end is
# heard instead by a listener on the document in the capturing phase: it runs before the element's
# own listener, so it notes what the video said at its end, and it also hears a video element that a
# re-run put in the place of the first.
LISTEN_FOR_THE_END = """() => {
    window.__dlEnded = null;
    if (window.__dlListening) return;
    window.__dlListening = true;
    document.addEventListener('ended', (event) => {
        if (event.target === document.querySelector('video') && !window.__dlEnded) {
            const v = event.target;
            window.__dlEnded = {ready: v.readyState, duration: v.duration, error: v.error && v.error.code,
                                width: v.videoWidth, time: v.currentTime};
        }
    }, true);
}"""


def play(page, frames: int, fps: float) -> dict:
    """Play the page's result video (the first; the history shows it too) muted, as browsers allow,
    to its end; return what the element said then."""
    wait_for_app(page)  # a re-run after the result appeared can replace the video element
    page.locator("video").first.wait_for()
    page.evaluate(LISTEN_FOR_THE_END)
    # Play is pressed once: muted (a page may start only a muted video by itself) and in view (Chromium
    # pauses a muted video that plays off the screen), as a person watching it would have it.
    page.evaluate("""async () => {
        const v = document.querySelector('video');
        v.muted = true;
        v.scrollIntoView({block: 'center'});
        await v.play();
    }""")
    page.wait_for_function("""() => {
        const v = document.querySelector('video');
        return window.__dlEnded || (v && v.error && {error: v.error.code});
    }""", timeout=60_000)
    state = page.evaluate("() => window.__dlEnded || {error: document.querySelector('video').error.code}")
    assert state.get("error") is None, state
    assert state["ready"] >= 2 and state["width"] > 0, state  # H.264 decoded: a picture is there
    assert state["duration"] == pytest.approx(frames / fps, abs=0.15), state
    return state


def test_zoom_journey_plays_in_the_browser(page, app_url, tmp_path):
    page.goto(f"{app_url}/motion")
    wait_for_app(page)
    page.get_by_role("slider", name="Frames").press("Home")  # 6 frames
    wait_for_app(page)
    page.get_by_text("6 frames at").wait_for(timeout=60_000)  # the estimate, before starting
    page.get_by_role("button", name="Make the zoom journey").click()
    page.get_by_text("Your zoom journey").wait_for(timeout=240_000)
    play(page, frames=6, fps=12)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download GIF").click()
    gif = tmp_path / "zoom.gif"
    download.value.save_as(gif)
    assert gif.read_bytes()[:6] == b"GIF89a"
    assert page.locator("text=Traceback").count() == 0


def test_dreamed_clip_plays_with_its_sound(page, app_url, tmp_path):
    clip = tmp_path / "holiday.mp4"
    clip.write_bytes(make_clips.moving_clip(count=6, width=128, height=96, fps=6))
    page.goto(f"{app_url}/motion")
    wait_for_app(page)
    page.get_by_text("Dream a video").click()
    wait_for_app(page)
    upload(page, clip)
    page.get_by_text("6 frames at 128×96").wait_for(timeout=60_000)
    page.get_by_role("button", name="Dream the clip").click()
    page.get_by_text("Your dreamed clip").wait_for(timeout=240_000)
    play(page, frames=6, fps=6)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download MP4").click()
    saved = tmp_path / "dreamed.mp4"
    download.value.save_as(saved)
    info = probe(saved)
    assert (info.width, info.height, info.frames) == (128, 96, 6) and info.has_audio
    assert page.locator("text=Traceback").count() == 0


def test_a_bad_clip_gets_one_plain_line(page, app_url, tmp_path):
    clip = tmp_path / "song.mp4"
    clip.write_bytes(make_clips.audio_only())
    page.goto(f"{app_url}/motion")
    wait_for_app(page)
    page.get_by_text("Dream a video").click()
    wait_for_app(page)
    upload(page, clip)
    page.get_by_text("only sound, no pictures").wait_for(timeout=30_000)
    assert page.get_by_role("button", name="Dream the clip").count() == 0
    assert page.locator("[data-testid='stException']").count() == 0


def test_stop_keeps_the_frames_made_and_still_offers_their_video(page, app_url):
    page.goto(f"{app_url}/motion")
    wait_for_app(page)
    page.get_by_role("slider", name="Frames").press("End")  # 240 frames: far more than the test waits for
    wait_for_app(page)
    page.get_by_role("button", name="Make the zoom journey").click()
    page.wait_for_function("() => /frame ([4-9]|\\d\\d+) of 240/.test(document.body.innerText)", timeout=240_000)
    page.locator(".st-key-stop-zoom button").click()
    page.get_by_text("Stopped after").wait_for(timeout=60_000)
    made = int(page.get_by_text("Stopped after").first.inner_text().split("after ")[1].split(" ")[0])
    assert 3 <= made < 240
    assert page.get_by_text("Stopped.", exact=True).count() == 1  # a video, never "the picture as far as it got"
    assert page.get_by_text("picture as far as it got").count() == 0
    play(page, frames=made, fps=12)
    assert page.get_by_role("button", name="Download MP4").count() == 1
    assert page.locator("text=Traceback").count() == 0
