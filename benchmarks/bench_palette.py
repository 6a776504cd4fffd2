"""Hybrid Palette speed at the page's default settings, per start (photo, noise, colour, gradient) and picture size.

    .venv/bin/python -m benchmarks.bench_palette [--threads N] [--repeats 2]

Prints wall time and process CPU time for a two-filter palette (block8:12, block12:40:0.5) on the sample
cat photo (longest side 384 = "Small", 512 = "Medium") and on noise / colour / gradient starts (256 =
"Small", 384 = "Medium"), plus the time of the objective set-up alone. The best of --repeats runs counts.
On a shared machine, compare CPU time with --threads 1: it is what an idle core would take.
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

import torch
from PIL import Image

from engine.images.pictures import fit_side
from engine.images.tensors import to_tensor
from engine.network.models import load_model
from engine.dreaming.palette.data import as_palette
from engine.dreaming.palette.journey import palette_dream
from engine.dreaming.palette.objective import palette_objective
from engine.dreaming.palette.settings import CanvasSchedule, PaletteSettings

SAMPLE = Path(__file__).resolve().parent.parent / "assets" / "samples" / "cat.jpg"
PALETTE = as_palette([("block8", 12, 1.0), ("block12", 40, 0.5)])


def timed(fn, repeats: int) -> tuple[float, float]:
    best = (float("inf"), float("inf"))
    for _ in range(repeats):
        wall, cpu = time.perf_counter(), time.process_time()
        fn()
        best = min(best, (time.perf_counter() - wall, time.process_time() - cpu))
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=0, help="torch threads (0 = torch's default)")
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    net = load_model("lite0")
    cat = Image.open(SAMPLE).convert("RGB")
    defaults = PaletteSettings()
    print(f"device {net.device}, torch threads {torch.get_num_threads()}, "
          f"photo: {defaults.photo.octaves} octaves x {defaults.photo.steps} steps, "
          f"other starts: {defaults.canvas.steps} steps")
    print(f"{'start':<28}{'size':>10}{'wall s':>9}{'cpu s':>9}")
    for side in (384, 512):
        photo = cat.resize(fit_side(cat.size, side), Image.LANCZOS)
        wall, cpu = timed(lambda: palette_dream(photo, PALETTE, PaletteSettings(), net), args.repeats)
        print(f"{'photo (cat.jpg)':<28}{'%dx%d' % photo.size:>10}{wall:>9.2f}{cpu:>9.2f}")
    for start in ("noise", "color:#2f5fc4", "gradient:#ff9a3c:#1b2a6b"):
        for side in (256, 384):
            settings = PaletteSettings(canvas=CanvasSchedule(size=side))
            wall, cpu = timed(lambda: palette_dream(start, PALETTE, settings, net), args.repeats)
            print(f"{start:<28}{'%dx%d' % (side, side):>10}{wall:>9.2f}{cpu:>9.2f}")
    reference = to_tensor(cat.resize(fit_side(cat.size, 196), Image.LANCZOS), net.device)
    wall, cpu = timed(lambda: palette_objective(net, PALETTE, reference), args.repeats)
    print(f"{'objective set-up only':<28}{'196 px':>10}{wall:>9.2f}{cpu:>9.2f}")


if __name__ == "__main__":
    main()
