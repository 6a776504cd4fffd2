"""``python -m dreamlab.cli zoom`` and ``python -m dreamlab.cli video`` as a user types them: real processes, tiny clips."""
import signal
import subprocess
import sys

from PIL import Image

from engine.motion.clips import probe
from tests import make_clips
from tests.conftest import ROOT, gradient_picture
from tests.test_cli import run


def test_zoom_writes_an_mp4_and_a_gif(tmp_path):
    photo = tmp_path / "photo.png"
    gradient_picture(96, 64).save(photo)
    out, gif = tmp_path / "zoom.mp4", tmp_path / "zoom.gif"
    done = run("zoom", str(photo), str(out), "--frames", "4", "--steps", "1", "--zoom", "1.1", "--rotate", "2",
               "--then", "block3", "--gif", str(gif), "--fps", "8")
    assert done.returncode == 0, done.stderr
    assert "4 frames at 96x64" in done.stderr and "on this machine" in done.stderr
    info = probe(out)
    assert (info.width, info.height, info.frames, info.fps) == (96, 64, 4, 8) and not info.has_audio
    with Image.open(gif) as im:
        assert im.n_frames == 4


def test_video_dreams_every_frame_and_keeps_the_sound(tmp_path):
    clip = tmp_path / "holiday.mp4"
    clip.write_bytes(make_clips.moving_clip(count=5, width=96, height=64, fps=5))
    out = tmp_path / "dreamed.mp4"
    done = run("video", str(clip), str(out), "--steps", "1", "--octaves", "1", "--preset", "soft-strokes")
    assert done.returncode == 0, done.stderr
    info = probe(out)
    assert (info.width, info.height, info.frames) == (96, 64, 5) and info.has_audio
    muted = tmp_path / "muted.mp4"
    assert run("video", str(clip), str(muted), "--steps", "1", "--octaves", "1", "--mute", "--fps", "2").returncode == 0
    info = probe(muted)
    assert not info.has_audio and info.frames == 2


def test_a_bad_clip_and_bad_options_exit_2_with_one_line(tmp_path):
    clip = tmp_path / "notes.mp4"
    clip.write_bytes(make_clips.not_a_video())
    done = run("video", str(clip), str(tmp_path / "out.mp4"))
    assert done.returncode == 2
    assert done.stderr.strip() == "error: This is not a video DreamLab can read (use MP4, MOV, WebM or GIF)."
    done = run("video", str(clip), str(tmp_path / "out.mp4"), "--blend", "1.5")
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1 and "blend" in done.stderr
    assert not (tmp_path / "out.mp4").exists()


def test_ctrl_c_keeps_the_frames_made_so_far(tmp_path):
    photo = tmp_path / "photo.png"
    gradient_picture(96, 64).save(photo)
    out = tmp_path / "zoom.mp4"
    proc = subprocess.Popen([sys.executable, "-m", "dreamlab.cli", "zoom", str(photo), str(out), "--frames", "400",
                             "--steps", "2"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    seen = b""
    while b"frame 3 of" not in seen:
        chunk = proc.stderr.read1(4096)
        assert chunk, seen.decode()
        seen += chunk
    proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 130, stderr.decode()
    assert "stopped: kept the first" in stderr.decode()
    assert 2 <= probe(out).frames < 400
