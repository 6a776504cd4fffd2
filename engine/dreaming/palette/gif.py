"""A journey's frames as an endless animated GIF of a shareable size (about 5 MB at most)."""
from __future__ import annotations

import io
from typing import Sequence

from PIL import Image

GIF_MIN_SIDE, GIF_MAX_SIDE = 512, 800  # a GIF people share: never smaller than 512 px on its long side
GIF_MAX_PIXELS = 5_000_000  # all frames together; a painted GIF takes about one byte per pixel (about 5 MB)


def journey_gif(frames: Sequence[Image.Image], duration_ms: int = 120, hold_ms: int = 1500,
                min_side: int = GIF_MIN_SIDE, max_side: int = GIF_MAX_SIDE,
                max_pixels: int = GIF_MAX_PIXELS) -> bytes:
    """An endless animated GIF of the frames, all at the last frame's size brought between
    ``min_side`` and ``max_side`` (small canvases are enlarged so the GIF is worth sharing).

    Above ``max_pixels`` in all, frames are dropped evenly (the first and last always kept) and the
    others shown longer, so the journey lasts as long and the file stays around 5 MB."""
    if not frames:
        raise ValueError("no frames to animate")
    w, h = frames[-1].size
    scale = min(max_side, max(min_side, max(w, h))) / max(w, h)
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    keep = max(min(len(frames), 12), max_pixels // (size[0] * size[1]))  # at least 12: still a movement
    chosen = [frames[round(i * (len(frames) - 1) / (keep - 1))] for i in range(keep)] if len(frames) > keep else frames
    pictures = [f.convert("RGB").resize(size, Image.LANCZOS) if f.size != size else f.convert("RGB") for f in chosen]
    step_ms = round(duration_ms * len(frames) / len(pictures)) if len(pictures) > 1 else duration_ms
    durations = [step_ms] * (len(pictures) - 1) + [hold_ms]
    buffer = io.BytesIO()
    pictures[0].save(buffer, format="GIF", save_all=True, append_images=pictures[1:], duration=durations,
                     loop=0, optimize=False)
    return buffer.getvalue()
