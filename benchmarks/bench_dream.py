"""Deep Dream speed: the engine against the raw forward+backward it cannot avoid.

    .venv/bin/python -m benchmarks.bench_dream [--megapixels 1.0] [--preset classic] [--repeats 3]

For a photo of the given size and a preset, prints the engine's wall time and the time of a bare loop
doing only forward+backward of the same truncated network over the same octave sizes and step counts
(no jitter, no tiles, no clipping, no progress), and their ratio. The best of --repeats runs counts.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

import torch
from PIL import Image

from engine.dreaming.dream import deep_dream, dream_objective
from engine.dreaming.settings import octave_sizes
from engine.images.tensors import resize, to_tensor
from engine.network.models import load_model
from engine.dreaming.presets import preset_settings

SAMPLE = Path(__file__).resolve().parent.parent / "assets" / "samples" / "cat.jpg"


def photo(megapixels: float) -> Image.Image:
    image = Image.open(SAMPLE).convert("RGB")
    scale = (megapixels * 1e6 / (image.width * image.height)) ** 0.5
    return image.resize((round(image.width * scale), round(image.height * scale)), Image.LANCZOS)


def engine_time(image, settings, net) -> float:
    start = time.perf_counter()
    deep_dream(image, settings, net)
    return time.perf_counter() - start


def raw_time(image, settings, net) -> float:
    base = to_tensor(image, net.device)
    sizes = octave_sizes(base.shape[2], base.shape[3], settings.octaves, settings.octave_scale)
    objective = dream_objective(net, settings, resize(base, sizes[0]))
    start = time.perf_counter()
    for size in sizes:
        x = resize(base, size)
        for _ in range(settings.steps):
            x = x.detach().requires_grad_(True)
            (grad,) = torch.autograd.grad(objective(net(x, objective.layers)).sum(), x)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megapixels", type=float, nargs="+", default=[1.0])
    parser.add_argument("--preset", default="classic")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--omp", action="store_true",
                        help="compare OpenMP's passive and active waiting (each in a fresh process)")
    args = parser.parse_args()
    if args.omp:
        for policy in ("PASSIVE", "ACTIVE"):
            print(f"OMP_WAIT_POLICY={policy}", flush=True)
            argv = [a for a in sys.argv[1:] if a != "--omp"]
            subprocess.run([sys.executable, "-m", "benchmarks.bench_dream", *argv],
                           env={**os.environ, "OMP_WAIT_POLICY": policy}, cwd=SAMPLE.parents[2], check=True)
        return
    net = load_model("lite0")
    print(f"device: {net.device}, torch threads: {torch.get_num_threads()}, preset: {args.preset}")
    print(f"{'picture':>12} {'octaves':>8} {'steps':>6} {'engine s':>9} {'raw f+b s':>10} {'ratio':>6}")
    for mp in args.megapixels:
        image = photo(mp)
        settings = preset_settings(args.preset, "lite0")
        engine_time(image.resize((64, 64)), settings, net)  # warm-up
        engine = min(engine_time(image, settings, net) for _ in range(args.repeats))
        raw = min(raw_time(image, settings, net) for _ in range(args.repeats))
        print(f"{image.width}x{image.height:<6} {settings.octaves:>8} {settings.steps:>6} "
              f"{engine:>9.2f} {raw:>10.2f} {engine / raw:>6.3f}")


if __name__ == "__main__":
    main()
