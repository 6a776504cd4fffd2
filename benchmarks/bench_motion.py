"""Seconds per frame of the Motion page at 512 px: a zoom journey and a dreamed clip, default settings.

    .venv/bin/python -m benchmarks.bench_motion [--threads N] [--repeats 2] [--frames 6] [--side 512]

Zoom: the sample cat photo at longest side --side, the page's default zoom settings (first frame a
full 3-octave dream, then 4 steps a frame); prints the first frame and the later frames apart.
Clip: a camera gliding over a scene (tests/make_clips.py) at --side x 3/4 --side, default clip
settings (2 octaves x 4 steps a frame, blend 0.7 with the flow-warped previous frame); prints the
dreaming and, apart, the optical flow + warp and the MP4 + GIF encoding per frame. Zoom and clip runs
alternate (--repeats), the best counts. Wall and process CPU time: on a shared machine compare CPU time.
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

import torch
from PIL import Image

from engine.images.pictures import fit_side
from engine.network.models import load_model
from engine.motion.animate import dream_video, guided_start, zoom_journey
from engine.motion.settings import VideoSettings, ZoomSettings
from engine.dreaming.presets import preset_settings
from engine.motion.clips import gif_bytes, mp4_bytes
from tests.make_clips import moving_frames

SAMPLE = Path(__file__).resolve().parent.parent / "assets" / "samples" / "cat.jpg"


def timed(fn) -> tuple[float, float, object]:
    wall, cpu = time.perf_counter(), time.process_time()
    out = fn()
    return time.perf_counter() - wall, time.process_time() - cpu, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=0, help="torch threads (0 = torch's default)")
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--frames", type=int, default=6)
    parser.add_argument("--side", type=int, default=512)
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    net = load_model("lite0")
    layers = preset_settings("classic").layers
    cat = Image.open(SAMPLE).convert("RGB")
    photo = cat.resize(fit_side(cat.size, args.side), Image.LANCZOS)
    clip = moving_frames(args.frames, args.side, args.side * 3 // 4, step=(4, 1))
    zoom = ZoomSettings(legs=[layers], frames=args.frames)
    video = VideoSettings(layers=layers)
    print(f"device {net.device}, torch threads {torch.get_num_threads()}, layers {layers}, {args.frames} frames")
    best: dict[str, tuple[float, float]] = {}

    def keep(name, wall, cpu):
        best[name] = min(best.get(name, (float("inf"),) * 2), (wall, cpu))

    for _ in range(args.repeats):
        wall1, cpu1, _ = timed(lambda: zoom_journey(photo, ZoomSettings(legs=[layers], frames=1), net))
        wall, cpu, journey = timed(lambda: zoom_journey(photo, zoom, net))
        keep("zoom: first frame (3 octaves x 8 steps)", wall1, cpu1)
        later = args.frames - 1
        keep("zoom: each later frame (4 steps)", (wall - wall1) / later, (cpu - cpu1) / later)
        wall, cpu, dreamed = timed(lambda: dream_video(clip, 12, video, net))
        keep("clip: each frame (2 octaves x 4 steps)", wall / args.frames, cpu / args.frames)
        wall, cpu, _ = timed(lambda: [guided_start(clip[i], clip[i - 1], dreamed.frames[i - 1], 0.7)
                                      for i in range(1, args.frames)])
        keep("clip: optical flow + warp + blend", wall / (args.frames - 1), cpu / (args.frames - 1))
        wall, cpu, _ = timed(lambda: (mp4_bytes(dreamed.frames, 12), gif_bytes(dreamed.frames, 12)))
        keep("encoding MP4 + GIF", wall / args.frames, cpu / args.frames)
    print(f"{'seconds per frame':<44}{'size':>10}{'wall s':>9}{'cpu s':>9}")
    sizes = {"zoom": "%dx%d" % photo.size, "clip": "%dx%d" % clip[0].size, "encoding": "%dx%d" % clip[0].size}
    for name, (wall, cpu) in best.items():
        print(f"{name:<44}{sizes[name.split(':')[0].split(' ')[0]]:>10}{wall:>9.2f}{cpu:>9.2f}")


if __name__ == "__main__":
    main()
