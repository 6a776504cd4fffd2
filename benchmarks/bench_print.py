"""A print-size Deep Dream on this CPU: its time and the whole process's peak memory.

    /usr/bin/time -v .venv/bin/python -m benchmarks.bench_print [--side 4096] [--preset classic] [--out FILE]

Dreams the cat photo (451x300) as a picture of --side px on its long side (4096 px: 4096x2724), the way
the app makes a print (``engine.dreaming.printing.print_dream``: dreamt at about 1024 px, then finished
tile by tile at each doubled size), and prints a table: time per phase, tiles, and the peak resident
memory of the process (``ru_maxrss``: the same number ``/usr/bin/time -v`` reports as "Maximum resident
set size"). The target is at most 2.5 GB. Also says the machine's load (``os.getloadavg``), since other
work on a shared machine slows the time (never the memory), and checks the PNG states 300 dpi.
"""
from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

from engine.allocation import restart_with_tunables

if __name__ == "__main__":
    restart_with_tunables()  # measured as the app's worker processes run (engine/allocation.py)

import torch
from PIL import Image

from engine.dreaming.presets import preset_settings
from engine.dreaming.printing import dream_recipe, print_dream
from engine.images.pictures import png_bytes, png_dpi
from engine.images.shapes import finish_plan, print_size, tile_count
from engine.network.models import load_model

SAMPLE = Path(__file__).resolve().parent.parent / "assets" / "samples" / "cat.jpg"
LIMIT_GB = 2.5


def peak_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 ** 2  # Linux: kilobytes


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--side", type=int, default=4096)
    parser.add_argument("--preset", default="classic")
    parser.add_argument("--seamless", action="store_true")
    parser.add_argument("--out", default="/tmp/dreamlab_bench_print.png")
    args = parser.parse_args(argv)

    photo = Image.open(SAMPLE).convert("RGB")
    size = print_size(photo.size, args.side)
    work, levels = finish_plan(size)
    settings = preset_settings(args.preset)
    settings.seamless = args.seamless
    load_before = os.getloadavg()
    net = load_model(settings.model)
    phases: dict[str, float] = {}
    started = time.perf_counter()
    last = [started, None]

    def on_progress(progress) -> None:
        name = "work" if progress.stage != "tile" else f"finish {levels[progress.stage_index][0]}x{levels[progress.stage_index][1]}"
        now = time.perf_counter()
        phases[name] = phases.get(name, 0.0) + now - last[0]
        last[0] = now

    picture = print_dream(photo, settings, net, size, on_progress=on_progress)
    total = time.perf_counter() - started
    data = png_bytes(picture, dream_recipe(settings, size))
    Path(args.out).write_bytes(data)
    peak = peak_gb()

    print(f"threads {torch.get_num_threads()}, load average before {load_before[0]:.1f}, after {os.getloadavg()[0]:.1f}")
    print(f"| what | size | tiles | seconds |")
    print(f"|---|---|---|---|")
    print(f"| work (dream, {settings.octaves} octaves x {settings.steps} steps) | {work[0]}x{work[1]} | - | "
          f"{phases.get('work', 0.0):.0f} |")
    for w, h in levels:
        print(f"| finish | {w}x{h} | {tile_count((w, h))} | {phases.get(f'finish {w}x{h}', 0.0):.0f} |")
    print(f"| **total** | {picture.width}x{picture.height} | | **{total:.0f}** |")
    print(f"peak resident memory {peak:.2f} GB (limit {LIMIT_GB} GB); PNG {len(data) / 1e6:.1f} MB, "
          f"{png_dpi(data):.0f} dpi -> {args.out}")
    return 0 if peak <= LIMIT_GB and picture.size == size else 1


if __name__ == "__main__":
    sys.exit(main())
