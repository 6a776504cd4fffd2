"""Clips in and out through the ffmpeg binary that the ``imageio-ffmpeg`` wheel brings from PyPI.

``load_clip`` checks a clip (``probe``) and refuses what DreamLab cannot dream with one plain
sentence (``VideoError``); it decodes the frames at a constant rate (a variable frame rate is
evened out), scaled down, and keeps the sound as AAC. ``mp4_bytes`` encodes H.264 yuv420p with
the index at the front (plays in every browser, starts before it has fully loaded) and puts the
sound back; ``gif_bytes`` makes an endless GIF with one shared palette. Every file lives in a
temporary folder that is removed before the function returns.
"""
from __future__ import annotations

import os
import re
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional, Sequence, Union

import numpy as np
from PIL import Image

MAX_CLIP_SECONDS = float(os.environ.get("DREAMLAB_MAX_CLIP_SECONDS", 20))
MAX_CLIP_MB = 50
MAX_CLIP_PIXELS = 4096 * 2304  # a little above 4K; bigger frames are refused before decoding
MAX_FPS = 30  # frames are dreamed at most this often per second
MAX_FRAMES = int(os.environ.get("DREAMLAB_MAX_CLIP_FRAMES", 240))  # keeps a clip's frames within memory
MIN_SIDE = 32
CLIP_HINT = "use MP4, MOV, WebM or GIF"
FFMPEG_TIMEOUT_S = 600

Source = Union[str, os.PathLike, bytes]


class VideoError(ValueError):
    """A clip DreamLab cannot use; the message is one plain sentence for the user."""


@dataclass
class ClipInfo:
    width: int
    height: int
    seconds: float
    frames: int  # frames stored in the file
    fps: float  # the usual rate (1 / the median gap between frames)
    has_audio: bool
    variable_rate: bool


@dataclass
class Clip:
    frames: list[Image.Image]
    fps: float
    audio: Optional[bytes] = None  # AAC in an .m4a, ready to be muxed back
    notes: list[str] = field(default_factory=list)


def ffmpeg() -> str:
    import imageio_ffmpeg
    return imageio_ffmpeg.get_ffmpeg_exe()


def _run(args: list[str], data: Optional[bytes] = None) -> subprocess.CompletedProcess:
    if data is None:
        return subprocess.run([ffmpeg(), "-hide_banner", "-nostdin", "-y", *args], stdin=subprocess.DEVNULL,
                              capture_output=True, timeout=FFMPEG_TIMEOUT_S)
    return subprocess.run([ffmpeg(), "-hide_banner", "-y", *args], input=data, capture_output=True,
                          timeout=FFMPEG_TIMEOUT_S)


# --- checking a clip ----------------------------------------------------------------------

_VIDEO = re.compile(r"Stream #\d+:\d+.*?: Video: (.*)")
_SIZE = re.compile(r"\s([1-9]\d{0,5})x([1-9]\d{0,5})[\s,]")


def probe(path: Union[str, os.PathLike]) -> ClipInfo:
    """What the clip holds; ``VideoError`` when it is nothing DreamLab can dream."""
    text = _run(["-i", str(path)]).stderr.decode("utf-8", "replace")
    streams = [line for line in text.splitlines() if re.search(r"Stream #\d+:\d+", line)]
    has_audio = any(": Audio:" in line for line in streams)
    videos = [m.group(1) for m in map(_VIDEO.search, streams) if m and "(attached pic)" not in m.group(1)]
    if not streams:
        raise VideoError(f"This is not a video DreamLab can read ({CLIP_HINT}).")
    if not videos:
        raise VideoError("This file has only sound, no pictures: choose a video clip."
                         if has_audio else f"This file holds no video ({CLIP_HINT}).")
    size = _SIZE.search(" " + videos[0] + " ")
    if size is None:
        raise VideoError(f"This video's picture size cannot be read ({CLIP_HINT}).")
    width, height = int(size.group(1)), int(size.group(2))
    if width * height > MAX_CLIP_PIXELS:
        raise VideoError(f"This video is {width}x{height} pixels; clips up to 4K (3840x2160) can be dreamed.")
    times = _frame_times(path)
    if not times:
        raise VideoError("This video has no frames.")
    seconds = _duration(times)
    if seconds > MAX_CLIP_SECONDS:
        raise VideoError(f"This clip is {seconds:.0f} s long; clips up to {MAX_CLIP_SECONDS:.0f} s can be "
                         "dreamed: trim it first.")
    gap = float(np.median(np.diff(times))) if len(times) > 1 else 0.0
    fps = round(1 / gap, 3) if gap > 0 else float(MAX_FPS)
    return ClipInfo(width, height, seconds, len(times), fps, has_audio, _variable(times))


def _frame_times(path) -> list[float]:
    """Presentation times (s) of the first video stream's frames, read without decoding them."""
    done = _run(["-i", str(path), "-map", "0:V:0", "-c", "copy", "-f", "framecrc", "-"])
    text = done.stdout.decode("ascii", "replace")
    base = re.search(r"#tb 0: (\d+)/(\d+)", text)
    if done.returncode != 0 or base is None:
        return []
    unit = int(base.group(1)) / int(base.group(2))
    times = []
    for line in text.splitlines():
        parts = [p.strip() for p in line.split(",")] if line and not line.startswith("#") else []
        if len(parts) >= 4 and parts[2].lstrip("-").isdigit():
            times.append(int(parts[2]) * unit)
    return sorted(times)


def _duration(times: list[float]) -> float:
    if len(times) < 2:
        return 0.0
    return float(times[-1] - times[0] + np.median(np.diff(times)))


def _variable(times: list[float]) -> bool:
    """Frame gaps that differ by more than a fifth of the usual gap (timestamp rounding aside)."""
    if len(times) < 3:
        return False
    gaps = np.diff(times)
    usual = float(np.median(gaps))
    return bool(usual > 0 and np.abs(gaps - usual).max() > max(0.2 * usual, 0.002))


# --- decoding -------------------------------------------------------------------------------

def load_clip(source: Source, max_side: int = 512, fps: Optional[float] = None) -> Clip:
    """The clip's frames (RGB, longest side at most ``max_side``, even sides) at a constant
    ``fps`` (default: the clip's own, at most ``MAX_FPS``), with its sound if it has one."""
    with tempfile.TemporaryDirectory(prefix="dreamlab-clip-") as tmp:
        path = _source_path(source, Path(tmp))
        info = probe(path)
        notes = []
        rate = min(fps or info.fps, info.fps, MAX_FPS)
        if info.variable_rate:
            notes.append(f"This clip's frame rate varies; it was evened out to {rate:.3g} frames per second.")
        if rate * info.seconds > MAX_FRAMES:
            rate = MAX_FRAMES / info.seconds
            notes.append(f"To keep to {MAX_FRAMES} frames at most, {rate:.3g} frames per second will be dreamed.")
        frames = _decode(path, Path(tmp), max_side, rate)
        if len(frames) < 2:
            raise VideoError("This clip has fewer than two frames: for a still picture use the Deep Dream page.")
        audio = _extract_audio(path, Path(tmp)) if info.has_audio else None
        if info.has_audio and audio is None:
            notes.append("The clip's sound could not be read; the dream will be silent.")
        return Clip(frames, rate, audio, notes)


def _source_path(source: Source, tmp: Path) -> Path:
    if isinstance(source, bytes):
        if len(source) > MAX_CLIP_MB * 1024 * 1024:
            raise VideoError(f"This clip is larger than {MAX_CLIP_MB} MB: trim or shrink it first.")
        path = tmp / "clip"
        path.write_bytes(source)
        return path
    path = Path(source)
    if not path.is_file():
        raise VideoError(f"There is no file at {path}.")
    if path.stat().st_size > MAX_CLIP_MB * 1024 * 1024:
        raise VideoError(f"This clip is larger than {MAX_CLIP_MB} MB: trim or shrink it first.")
    return path


def _decode(path: Path, tmp: Path, max_side: int, fps: float) -> list[Image.Image]:
    # iw/ih are the sizes after ffmpeg's automatic rotation of phone videos; sides stay even.
    fit = f"min(1\\,{max_side}/max(iw\\,ih))"
    scale = f"scale=max({MIN_SIDE}\\,trunc({fit}*iw/2)*2):max({MIN_SIDE}\\,trunc({fit}*ih/2)*2):flags=area"
    out = tmp / "frames"
    out.mkdir()
    done = _run(["-i", str(path), "-map", "0:V:0", "-vf", f"fps={fps},{scale},format=rgb24",
                 "-fps_mode", "cfr", str(out / "%05d.png")])
    if done.returncode != 0 and not any(out.iterdir()):
        raise VideoError(f"This video could not be decoded ({CLIP_HINT}).")
    frames = []
    for file in sorted(out.iterdir()):
        with Image.open(file) as im:
            frames.append(im.convert("RGB"))
    return frames


def _extract_audio(path: Path, tmp: Path) -> Optional[bytes]:
    out = tmp / "sound.m4a"
    done = _run(["-i", str(path), "-map", "0:a:0", "-vn", "-c:a", "aac", "-b:a", "160k", str(out)])
    return out.read_bytes() if done.returncode == 0 and out.is_file() and out.stat().st_size > 0 else None


# --- encoding -------------------------------------------------------------------------------

def _raw_frames(frames: Sequence[Image.Image]) -> tuple[bytes, tuple[int, int]]:
    if not frames:
        raise ValueError("no frames to encode")
    size = frames[0].size
    data = b"".join(np.asarray(f.convert("RGB").resize(size) if f.size != size else f.convert("RGB"),
                               dtype=np.uint8).tobytes() for f in frames)
    return data, size


def mp4_bytes(frames: Sequence[Image.Image], fps: float, audio: Optional[bytes] = None, crf: int = 20) -> bytes:
    """H.264 (yuv420p, +faststart) MP4 of the frames; ``audio`` (an .m4a) is muxed back, cut
    to the video's length."""
    data, (width, height) = _raw_frames(frames)
    with tempfile.TemporaryDirectory(prefix="dreamlab-mp4-") as tmp:
        out = Path(tmp) / "out.mp4"
        args = ["-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{width}x{height}", "-framerate", f"{fps:g}",
                "-i", "-"]
        if audio:
            (Path(tmp) / "sound.m4a").write_bytes(audio)
            args += ["-i", str(Path(tmp) / "sound.m4a"), "-map", "0:v:0", "-map", "1:a:0", "-c:a", "copy",
                     "-shortest"]
        args += ["-vf", "pad=ceil(iw/2)*2:ceil(ih/2)*2", "-c:v", "libx264", "-preset", "medium",
                 "-crf", str(crf), "-pix_fmt", "yuv420p", "-movflags", "+faststart", str(out)]
        done = _run(args, data)
        if done.returncode != 0:
            raise RuntimeError("ffmpeg could not encode the video: " + _last_line(done.stderr))
        return out.read_bytes()


def gif_bytes(frames: Sequence[Image.Image], fps: float, max_side: int = 360) -> bytes:
    """An endless GIF of the frames, at most ``max_side`` pixels, one palette for the whole clip
    (no colour flicker between frames)."""
    data, (width, height) = _raw_frames(frames)
    scale = min(1.0, max_side / max(width, height))
    w, h = max(2, round(width * scale)), max(2, round(height * scale))
    with tempfile.TemporaryDirectory(prefix="dreamlab-gif-") as tmp:
        out = Path(tmp) / "out.gif"
        graph = (f"scale={w}:{h}:flags=lanczos,split[a][b];[a]palettegen=stats_mode=full[p];"
                 "[b][p]paletteuse=dither=sierra2_4a")
        done = _run(["-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{width}x{height}", "-framerate", f"{fps:g}",
                     "-i", "-", "-filter_complex", graph, "-loop", "0", str(out)], data)
        if done.returncode != 0:
            raise RuntimeError("ffmpeg could not make the GIF: " + _last_line(done.stderr))
        return out.read_bytes()


def _last_line(stderr: bytes) -> str:
    lines = stderr.decode("utf-8", "replace").strip().splitlines()
    return lines[-1] if lines else "no message"
