"""The Motion page through Streamlit's AppTest (no browser)."""
import re

from engine.motion.clips import probe
from tests.advanced import open_advanced
from tests.conftest import open_page
from dreamlab.studio.recipes import filename

PAGE = "motion.py"


def test_zoom_journey_shows_an_estimate_then_a_video_and_downloads(tmp_path):
    at = open_page(PAGE, timeout=300)
    assert at.title[0].value == "Motion"
    assert at.segmented_control(key="motion.what").value == "Zoom journey"
    at.slider(key="zoom.frames").set_value(6).run()
    estimate = [c.value for c in at.caption if "on this machine" in c.value]
    assert estimate and "6 frames at 384×" in estimate[0]
    open_advanced(at, "zoom")
    [steps] = [s for s in at.slider if s.label == "Dream steps per frame"]
    steps.set_value(1).run()
    at.button(key="run-zoom").click().run()
    assert not at.exception, at.exception
    assert any(h.value == "Your zoom journey" for h in at.subheader)
    result = at.session_state["zoom:result"]
    assert result["frames"] == 6 and not result["stopped"] and result["gif"][:6] == b"GIF89a"
    (tmp_path / "zoom.mp4").write_bytes(result["mp4"])
    info = probe(tmp_path / "zoom.mp4")
    assert info.frames == 6 and max(info.width, info.height) == 384
    labels = [b.label for b in at.get("download_button")]
    assert labels == ["Download MP4", "Download GIF"]
    assert at.get("video")
    # In the session history: one frame for the strip, the MP4 for the download, the settings to restore.
    [entry] = at.session_state["_history"]
    assert entry.page == "motion" and entry.video == result["mp4"] and entry.after.size == result["last"].size
    assert "Zoom journey" in entry.title and entry.recipe["settings"]["zoom"]["frames"] == 6
    assert entry.recipe["settings"]["motion"]["what"] == "Zoom journey"
    assert re.fullmatch(r"dreamlab-motion-zoom-journey-classic-dream-small-seed0-\d{8}-\d{6}\.mp4",
                        filename(entry.recipe, "mp4"))  # ... and when it was made: names never collide


def test_dream_a_video_asks_for_a_clip_and_changes_nothing_without_one():
    at = open_page(PAGE)
    at.segmented_control(key="motion.what").set_value("Dream a video").run()
    assert not at.exception, at.exception
    uploader = at.get("file_uploader")
    assert uploader and "up to 20 seconds" in uploader[0].proto.label
    assert "run-video" not in [b.key for b in at.button]  # nothing to start before a clip is chosen
    assert "video:result" not in at.session_state


def shown_captions(at) -> list[str]:
    return [caption for image in at.get("image") for caption in (i.caption for i in image.proto.imgs)]


def test_the_zoom_journey_shows_the_chosen_photo():
    """As Deep Dream and Style Transfer do: the photo the journey starts from is shown under its picker."""
    at = open_page(PAGE)
    assert shown_captions(at) == ["Your photo"]
    at.segmented_control(key="motion.what").set_value("Dream a video").run()
    assert shown_captions(at) == []  # a clip, not a photo


def test_a_stopped_video_is_called_a_video_not_a_picture():
    from dreamlab.studio.runner import stopped_words
    video = {"mp4": b"...", "frames": 5}
    assert stopped_words("zoom", video) == "Stopped." and stopped_words("video", video) == "Stopped."
    assert "frame" in stopped_words("zoom", object()) and "picture" not in stopped_words("video", object())
    assert "picture" in stopped_words("dream", object())
    assert stopped_words("zoom", None) == "Stopped before anything was painted."
