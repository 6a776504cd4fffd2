"""Clips in and out through the bundled ffmpeg: good clips round-trip, bad ones get one plain line."""
import tempfile

import numpy as np
import pytest

from engine.motion import clips as video
from engine.motion.clips import VideoError, gif_bytes, load_clip, mp4_bytes, probe
from tests import make_clips


@pytest.fixture
def private_tmp(tmp_path, monkeypatch):
    """Point Python's temporary folder at an empty folder, to check nothing is left behind."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def write(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_a_moving_clip_round_trips_with_its_sound(private_tmp):
    clip = load_clip(make_clips.moving_clip(count=6, width=96, height=64, fps=6))
    assert len(clip.frames) == 6 and clip.fps == 6
    assert clip.frames[0].size == (96, 64)
    assert clip.audio and not clip.notes
    # the frames came back close to what was encoded (H.264 is lossy; the noise is not kept exactly)
    original = make_clips.moving_frames(6, 96, 64)
    diff = np.abs(np.asarray(clip.frames[3], float) - np.asarray(original[3], float)).mean()
    assert diff < 6
    assert mp4_bytes(clip.frames, clip.fps, clip.audio)[4:8] == b"ftyp"
    assert list(private_tmp.iterdir()) == []  # every temporary folder is gone


def test_mp4_is_h264_yuv420p_with_the_index_first_and_sound(tmp_path):
    data = mp4_bytes(make_clips.moving_frames(4, 70, 50), 4, make_clips.tone(1.0))
    assert data.find(b"moov") < data.find(b"mdat")  # +faststart: plays before it has fully loaded
    path = write(tmp_path, "out.mp4", data)
    info = probe(path)
    assert (info.width, info.height) == (70, 50) and info.frames == 4 and info.has_audio
    header = video._run(["-i", str(path)]).stderr.decode()
    assert "Video: h264" in header and "yuv420p" in header


def test_odd_sides_are_padded_to_even_for_h264(tmp_path):
    info = probe(write(tmp_path, "odd.mp4", mp4_bytes(make_clips.moving_frames(3, 65, 49), 3)))
    assert (info.width, info.height) == (66, 50) and not info.has_audio


def test_sound_is_cut_to_the_frames_made(tmp_path):
    """A stopped dream has fewer frames than the clip has sound: the sound ends with the pictures."""
    data = mp4_bytes(make_clips.moving_frames(3, 64, 48), 6, make_clips.tone(3.0))
    info = probe(write(tmp_path, "short.mp4", data))
    assert info.has_audio and info.frames == 3 and info.seconds == pytest.approx(0.5, abs=0.05)


def test_gif_loops_and_is_small(tmp_path):
    data = gif_bytes(make_clips.moving_frames(5, 400, 300), 5, max_side=200)
    assert data[:6] == b"GIF89a" and b"NETSCAPE2.0" in data
    from PIL import Image
    with Image.open(write(tmp_path, "a.gif", data)) as im:
        assert im.size == (200, 150) and im.n_frames == 5


def test_frames_are_scaled_down_to_even_sides_and_resampled():
    clip = load_clip(make_clips.moving_clip(count=8, width=200, height=120, fps=8, sound=False), max_side=101, fps=4)
    assert clip.frames[0].size == (100, 60)
    assert clip.fps == 4 and len(clip.frames) == 4
    assert clip.audio is None


@pytest.mark.parametrize("maker, words", [
    (make_clips.not_a_video, "not a video"),
    (make_clips.zero_frames, "no frames"),
    (make_clips.too_long, "25 s long; clips up to 20 s"),
    (make_clips.huge, "8192x4352 pixels; clips up to 4K"),
    (make_clips.audio_only, "only sound, no pictures"),
])
def test_bad_clips_get_one_plain_line(maker, words, private_tmp):
    with pytest.raises(VideoError) as err:
        load_clip(maker())
    message = str(err.value)
    assert words in message and "\n" not in message and len(message) < 120
    assert list(private_tmp.iterdir()) == []


def test_a_still_picture_is_not_a_clip(tmp_path):
    from PIL import Image
    path = tmp_path / "photo.png"
    Image.new("RGB", (64, 48), "red").save(path)
    with pytest.raises(VideoError, match="fewer than two frames"):
        load_clip(path)


def test_a_variable_frame_rate_is_evened_out_with_a_note():
    clip = load_clip(make_clips.variable_rate())
    assert clip.notes == ["This clip's frame rate varies; it was evened out to 10 frames per second."]
    assert clip.fps == 10
    assert 18 <= len(clip.frames) <= 20  # 1.0 s at 10 fps + 4 frames of 0.3 s each, repeated to fill


def test_a_missing_file_and_an_oversized_upload_are_refused(monkeypatch, tmp_path):
    with pytest.raises(VideoError, match="no file"):
        load_clip(tmp_path / "nothing.mp4")
    monkeypatch.setattr(video, "MAX_CLIP_MB", 0.001)
    with pytest.raises(VideoError, match="larger than"):
        load_clip(b"\0" * 5000)


def test_a_long_clip_at_a_high_rate_is_dreamed_at_fewer_frames(monkeypatch):
    monkeypatch.setattr(video, "MAX_FRAMES", 4)
    clip = load_clip(make_clips.moving_clip(count=8, width=64, height=48, fps=8, sound=False))
    assert len(clip.frames) == 4 and clip.fps == 4
    assert clip.notes == ["To keep to 4 frames at most, 4 frames per second will be dreamed."]
