"""Clips for the live mirror without a camera, made from the sample photos (nothing downloaded).

``sample_clip()``: a slow camera move over a sample photo, as the MP4 the "use a sample clip
instead" switch plays through the same path as a camera. ``write_y4m`` writes frames for Chromium's
fake camera (the browser tests and benchmarks/bench_live.py), and ``draw_counter`` / ``read_counter``
put a frame number into the bottom rows (big black and white blocks that survive video coding), so
the dreamed video that comes back says which camera frame it was made from.
"""
from __future__ import annotations

import fractions
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Optional, Sequence

import numpy as np
from PIL import Image

from engine.paths import ASSETS_DIR

SAMPLE_PHOTO = ASSETS_DIR / "samples" / "cat.jpg"
COUNTER_BITS = 12  # frame numbers up to 4095: more than two minutes at 30 frames per second
COUNTER_SHARE = 15  # the bottom 1/15 of the height carries the number (the mirror leaves it undreamed then)


def sample_frames(width: int, height: int, count: int, photo: Path = SAMPLE_PHOTO) -> list[np.ndarray]:
    """``count`` frames (H, W, 3 uint8) of a slow zoom and pan over ``photo``, there and back again
    (so a looped clip does not jump)."""
    picture = Image.open(photo).convert("RGB")
    aspect = width / height
    full_w = min(picture.width, picture.height * aspect)
    frames = []
    for index in range(count):
        phase = 0.5 - 0.5 * np.cos(2 * np.pi * index / max(count, 1))  # 0 -> 1 -> 0
        crop_w = full_w * (1.0 - 0.25 * phase)
        crop_h = crop_w / aspect
        left = (picture.width - crop_w) * (0.3 + 0.4 * phase)
        top = (picture.height - crop_h) * 0.4
        box = (left, top, left + crop_w, top + crop_h)
        frames.append(np.asarray(picture.resize((width, height), Image.BILINEAR, box=box)))
    return frames


@lru_cache(maxsize=2)
def sample_clip(width: int = 320, height: int = 240, seconds: float = 8.0, fps: float = 15.0) -> str:
    """The path of an MP4 made once per process (a temporary file that lives as long as it)."""
    from engine.motion.clips import mp4_bytes
    frames = [Image.fromarray(f) for f in sample_frames(width, height, int(seconds * fps))]
    path = Path(tempfile.mkdtemp(prefix="dreamlab-live-")) / "sample.mp4"
    path.write_bytes(mp4_bytes(frames, fps))
    return str(path)


def counter_rows(height: int) -> int:
    return max(2, height // COUNTER_SHARE)


def clip_frames(path: str) -> tuple[list[np.ndarray], float]:
    """All frames of a (short) clip as RGB arrays, and its frame rate."""
    import av
    with av.open(path) as container:
        stream = container.streams.video[0]
        fps = float(stream.average_rate or 15)
        return [frame.to_ndarray(format="rgb24") for frame in container.decode(stream)], fps


class LoopingPlayer:
    """What streamlit-webrtc's ``player_factory`` returns: a video track playing a clip's frames in
    an endless loop at the clip's rate (aiortc's MediaPlayer(loop=True) stops at the end of the file
    with this PyAV) and no sound."""

    def __init__(self, path: str):
        from aiortc.mediastreams import VideoStreamTrack
        frames, fps = clip_frames(path)

        class Track(VideoStreamTrack):
            async def recv(self):
                import asyncio
                import av
                import time
                if not hasattr(self, "_next"):
                    self._next, self._index = time.monotonic(), 0
                self._next += 1 / fps
                await asyncio.sleep(max(0.0, self._next - time.monotonic()))
                frame = av.VideoFrame.from_ndarray(frames[self._index % len(frames)], format="rgb24")
                frame.pts, frame.time_base = self._index * int(90000 / fps), fractions.Fraction(1, 90000)
                self._index += 1
                return frame

        self.video, self.audio = Track(), None


def draw_counter(frame: np.ndarray, number: int) -> np.ndarray:
    """``frame`` with ``number`` in its bottom rows (``counter_rows``): one block per bit, white for 1."""
    marked = frame.copy()
    rows = counter_rows(frame.shape[0])
    width = frame.shape[1]
    for bit in range(COUNTER_BITS):
        x0, x1 = bit * width // COUNTER_BITS, (bit + 1) * width // COUNTER_BITS
        marked[-rows:, x0:x1] = 235 if (number >> bit) & 1 else 16
    return marked


def read_counter(frame: np.ndarray) -> Optional[int]:
    """The number ``draw_counter`` put there, or None where a block is neither clearly dark nor
    clearly light. Reads each block's middle, so a scaled frame reads as well."""
    height, width = frame.shape[:2]
    rows = counter_rows(height)
    band = frame[height - rows * 3 // 4: height - rows // 4]
    number = 0
    for bit in range(COUNTER_BITS):
        x0, x1 = bit * width // COUNTER_BITS, (bit + 1) * width // COUNTER_BITS
        pad = max(1, (x1 - x0) // 4)
        level = float(band[:, x0 + pad: x1 - pad].mean())
        if 80 < level < 170:
            return None
        number |= (level >= 170) << bit
    return number


def write_y4m(path: Path, frames: Sequence[np.ndarray], fps: int) -> Path:
    """Frames as a YUV4MPEG2 file (4:2:0, BT.601 video range): what Chromium's fake camera plays."""
    height, width = frames[0].shape[:2]
    with open(path, "wb") as out:
        out.write(f"YUV4MPEG2 W{width} H{height} F{fps}:1 Ip A1:1 C420jpeg\n".encode())
        for frame in frames:
            rgb = frame.astype(np.float32)
            y = 16 + 0.257 * rgb[..., 0] + 0.504 * rgb[..., 1] + 0.098 * rgb[..., 2]
            u = 128 - 0.148 * rgb[..., 0] - 0.291 * rgb[..., 1] + 0.439 * rgb[..., 2]
            v = 128 + 0.439 * rgb[..., 0] - 0.368 * rgb[..., 1] - 0.071 * rgb[..., 2]
            half = [c.reshape(height // 2, 2, width // 2, 2).mean(axis=(1, 3)) for c in (u, v)]
            out.write(b"FRAME\n")
            for plane in (y, *half):
                out.write(np.clip(plane + 0.5, 0, 255).astype(np.uint8).tobytes())
    return path
