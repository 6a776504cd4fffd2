"""Short clips for the motion tests, made on the fly with the bundled ffmpeg (no binary files in git).

``moving_frames`` is a camera gliding over a synthetic scene (with a little sensor noise, as a
real camera has); the other makers return the bytes of a good or a bad clip.
``python tests/make_clips.py DIR`` writes them all to DIR to look at.
"""
from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from engine.motion.clips import ffmpeg, mp4_bytes
from tests.conftest import gradient_picture


def scene(width: int, height: int, seed: int = 0) -> Image.Image:
    """A picture twice the size asked: gradients, coloured discs and a fine texture (so that the
    motion can be seen everywhere, as in a real scene)."""
    big = gradient_picture(width * 2, height * 2, seed=seed)
    draw = ImageDraw.Draw(big)
    rng = np.random.default_rng(seed)
    for _ in range(width * height // 200):
        x, y, r = rng.integers(0, width * 2), rng.integers(0, height * 2), rng.integers(3, 12)
        draw.ellipse([x - r, y - r, x + r, y + r], fill=tuple(int(v) for v in rng.integers(0, 255, 3)))
    texture = rng.normal(0, 12, (height * 2, width * 2, 1))
    textured = np.asarray(big.filter(ImageFilter.GaussianBlur(1.0)), dtype=np.float32) + texture
    return Image.fromarray(np.clip(textured, 0, 255).astype(np.uint8)).filter(ImageFilter.GaussianBlur(0.7))


def moving_frames(count: int = 6, width: int = 128, height: int = 96, step: tuple[int, int] = (2, 1),
                  noise: float = 4.0, seed: int = 0) -> list[Image.Image]:
    big = scene(width, height, seed)
    rng = np.random.default_rng(seed + 1)
    frames = []
    for i in range(count):
        x, y = 10 + i * step[0], 10 + i * step[1]
        crop = np.asarray(big.crop((x, y, x + width, y + height)), dtype=np.float32)
        frames.append(Image.fromarray(np.clip(crop + rng.normal(0, noise, crop.shape), 0, 255).astype(np.uint8)))
    return frames


def moving_ball(count: int = 6, width: int = 128, height: int = 96, speed: int = 4, noise: float = 4.0,
                seed: int = 0) -> list[Image.Image]:
    """A camera on a tripod (with sensor noise): a still scene, a ball rolling across it."""
    still = scene(width, height, seed).crop((10, 10, 10 + width, 10 + height))
    rng = np.random.default_rng(seed + 1)
    frames = []
    for i in range(count):
        frame = still.copy()
        x, y, r = width // 4 + i * speed, height // 2, max(4, height // 6)
        ImageDraw.Draw(frame).ellipse([x - r, y - r, x + r, y + r], fill=(250, 230, 40))
        pixels = np.asarray(frame, dtype=np.float32) + rng.normal(0, noise, (height, width, 3))
        frames.append(Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8)))
    return frames


def _ffmpeg_bytes(args: list[str], suffix: str) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / f"clip{suffix}"
        subprocess.run([ffmpeg(), "-hide_banner", "-loglevel", "error", "-nostdin", "-y", *args, str(out)],
                       check=True, timeout=120)
        return out.read_bytes()


def tone(seconds: float = 1.0) -> bytes:
    """A 440 Hz tone as AAC in an .m4a."""
    return _ffmpeg_bytes(["-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}", "-c:a", "aac"], ".m4a")


def moving_clip(count: int = 6, width: int = 128, height: int = 96, fps: float = 6, sound: bool = True) -> bytes:
    """An H.264 MP4 of ``moving_frames``, with a tone as its sound."""
    return mp4_bytes(moving_frames(count, width, height), fps, tone(count / fps) if sound else None)


def audio_only() -> bytes:
    return tone(1.0)


def zero_frames() -> bytes:
    """An MP4 whose header promises frames that are not there (a recording cut off)."""
    whole = mp4_bytes(moving_frames(4, 64, 48), 4)
    return whole[:whole.find(b"mdat") - 4]  # +faststart: the index comes first, the frames after it


def too_long(seconds: int = 25) -> bytes:
    return _ffmpeg_bytes(["-f", "lavfi", "-i", f"testsrc=size=64x48:rate=2:duration={seconds}",
                          "-c:v", "libx264", "-pix_fmt", "yuv420p"], ".mp4")


def huge() -> bytes:
    """One flat 8K frame (PNG in Matroska: tiny file, giant picture)."""
    return _ffmpeg_bytes(["-f", "lavfi", "-i", "color=red:size=8192x4352:rate=1", "-frames:v", "1",
                          "-c:v", "png"], ".mkv")


def variable_rate() -> bytes:
    """Ten frames 0.1 s apart, then four 0.3 s apart."""
    return _ffmpeg_bytes(["-f", "lavfi", "-i", "testsrc=size=64x48:rate=10", "-frames:v", "14",
                          "-vf", "setpts='if(lt(N,10),N*0.1,1+(N-10)*0.3)/TB'", "-fps_mode", "passthrough",
                          "-c:v", "libx264"], ".mkv")


def not_a_video() -> bytes:
    return b"These are my holiday notes, not a video.\n" * 20


MAKERS = {"moving.mp4": moving_clip, "audio_only.m4a": audio_only, "zero_frames.mp4": zero_frames,
          "too_long.mp4": too_long, "huge.mkv": huge, "variable_rate.mkv": variable_rate,
          "not_a_video.mp4": not_a_video}

if __name__ == "__main__":
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else "clips")
    folder.mkdir(parents=True, exist_ok=True)
    for name, make in MAKERS.items():
        (folder / name).write_bytes(make())
        print(folder / name)
