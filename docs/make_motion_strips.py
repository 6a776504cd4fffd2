"""The README's frame strips of the Motion page, made by the engine from the sample photos.

    .venv/bin/python docs/make_motion_strips.py

docs/motion_zoom_strip.png: every 6th frame of a 36-frame zoom journey into the sample cat
(384 px, Classic dream, zoom 1.04 and a turn of 0.5 degree per frame).
docs/motion_video_strip.png: a clip made by gliding a camera over the sample coffee photo (6 frames,
256 px); rows: the clip, every frame dreamed on its own, every frame dreamed from the motion-guided
start (the page's default). Flicker of each row is printed, plain and with the camera's motion
taken out.
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from engine.images.pictures import contact_sheet, fit_side  # noqa: E402
from engine.network.models import load_model  # noqa: E402
from engine.motion.animate import dream_video, flicker, optical_flow, warp, zoom_journey
from engine.motion.settings import VideoSettings, ZoomSettings
from engine.dreaming.presets import preset_settings  # noqa: E402

SAMPLES = ROOT / "assets" / "samples"


def glide(photo: Image.Image, count: int, width: int, height: int, step: int = 6) -> list[Image.Image]:
    """Frames of a camera gliding right across ``photo`` (scaled so the glide fits)."""
    scale = max((width + step * count) / photo.width, height / photo.height)
    big = photo.resize((round(photo.width * scale), round(photo.height * scale)), Image.LANCZOS)
    top = (big.height - height) // 2
    return [big.crop((i * step, top, i * step + width, top + height)) for i in range(count)]


def moved_flicker(frames: list[Image.Image], flows: list) -> float:
    """Flicker once the scene's own motion is taken out (8 px margins left out)."""
    diffs = [np.abs(np.asarray(warp(a, flow), np.float32) - np.asarray(b, np.float32))[8:-8, 8:-8].mean()
             for a, b, flow in zip(frames, frames[1:], flows)]
    return float(np.mean(diffs))


def main() -> None:
    net = load_model("lite0")
    layers = preset_settings("classic").layers
    cat = Image.open(SAMPLES / "cat.jpg").convert("RGB")
    cat = cat.resize(fit_side(cat.size, 384), Image.LANCZOS)
    journey = zoom_journey(cat, ZoomSettings(legs=[layers], frames=36, rotate=0.5), net)
    contact_sheet(journey.frames[::6], columns=6, gap=4).save(ROOT / "docs" / "motion_zoom_strip.png", optimize=True)

    clip = glide(Image.open(SAMPLES / "coffee.jpg").convert("RGB"), 6, 256, 192)
    alone = dream_video(clip, 6, VideoSettings(layers=layers, blend=0.0), net).frames
    guided = dream_video(clip, 6, VideoSettings(layers=layers), net).frames
    contact_sheet(clip + alone + guided, columns=6, gap=4).save(ROOT / "docs" / "motion_video_strip.png",
                                                                optimize=True)
    print(f"flicker (mean absolute difference of consecutive frames, grey levels): clip {flicker(clip):.2f}, "
          f"each frame on its own {flicker(alone):.2f}, motion-guided {flicker(guided):.2f}")
    flows = [optical_flow(a, b) for a, b in zip(clip, clip[1:])]
    print("with the camera's motion taken out (the previous frame moved along the clip's flow first): "
          + ", ".join(f"{name} {moved_flicker(frames, flows):.2f}"
                      for name, frames in (("clip", clip), ("each frame on its own", alone), ("motion-guided", guided))))


if __name__ == "__main__":
    main()
