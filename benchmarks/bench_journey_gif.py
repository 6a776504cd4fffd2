"""The Hybrid Palette's journey GIF: its size in pixels and bytes, and the time to encode it.

    .venv/bin/python -m benchmarks.bench_journey_gif [--threads 2]

Paints a two-stop journey (block5:3, then block10:20 + block8:12 x0.5) at the page defaults on noise at
canvas sizes 256 and 512 px (64 steps) and on the sample rocket photo (384 px and its own 640 px, default
octaves), then prints, per picture: frames painted, GIF width x height, frames kept, megabytes and the
encoding time (wall). Painting time is not the point here and is not printed.
"""
from __future__ import annotations

import argparse
import io
import time
from dataclasses import replace
from pathlib import Path

import torch
from PIL import Image

from engine.images.pictures import fit_side
from engine.network.models import load_model
from engine.dreaming.palette.gif import journey_gif
from engine.dreaming.palette.journey import palette_journey
from engine.dreaming.palette.settings import CanvasSchedule, PaletteSettings

SAMPLE = Path(__file__).resolve().parent.parent / "assets" / "samples" / "rocket.jpg"  # 640 x 427
STOPS = [[("block5", 3, 1.0)], [("block10", 20, 1.0), ("block8", 12, 0.5)]]


def row(label: str, frames: list[Image.Image]) -> None:
    start = time.perf_counter()
    gif = journey_gif(frames)
    seconds = time.perf_counter() - start
    picture = Image.open(io.BytesIO(gif))
    print(f"| {label} | {len(frames)} | {picture.width} x {picture.height} | {picture.n_frames} | "
          f"{len(gif) / 1e6:.2f} | {seconds:.1f} |", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    net = load_model("lite0", device="cpu")
    print("| journey | frames painted | GIF px | GIF frames | MB | encode s |")
    print("| --- | --- | --- | --- | --- | --- |")
    for side in (256, 512):
        settings = replace(PaletteSettings(), canvas=CanvasSchedule(size=side))
        row(f"noise {side} px", palette_journey("noise", STOPS, settings, net, keep_frames=True).frames)
    sample = Image.open(SAMPLE).convert("RGB")
    for side in (384, 640):
        photo = sample.resize(fit_side(sample.size, side), Image.LANCZOS)
        row(f"rocket photo {side} px", palette_journey(photo, STOPS, PaletteSettings(), net, keep_frames=True).frames)


if __name__ == "__main__":
    main()
