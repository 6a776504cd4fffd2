"""Peak memory (RSS) of a default Deep Dream at 1, 4 and 8 megapixels.

Each case runs in a fresh Python process (so one case's peak never hides another's) which loads
the default model, makes a seeded 4:3 picture of the given size, dreams on it with the default
preset (``preset_settings("classic")``, tile 512) and reports its peak resident memory
(``VmHWM`` from /proc/self/status, and ``ru_maxrss``), also measured just before the dream.

    .venv/bin/python -m benchmarks.bench_memory                 # 1, 4, 8 MP, the full preset
    .venv/bin/python -m benchmarks.bench_memory --mp 8 --steps 1  # quicker: the peak comes in step 1
    .venv/bin/python -m benchmarks.bench_memory --tile 256       # what a smaller tile saves
    .venv/bin/python -m benchmarks.bench_memory --trim           # malloc_trim(0) after every step
    .venv/bin/python -m benchmarks.bench_memory --python /path/to/cpu-venv/bin/python
                                   # children run another interpreter, e.g. one with the CPU-only torch
                                   # wheel that deployments install (a CUDA build's libraries alone
                                   # add about 500 MB of RSS)

Streamlit Community Cloud gives an app about 2.7 GB; the table says how much of it a dream takes.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUDGET_MB = 2700  # Streamlit Community Cloud's memory for an app (about 2.7 GB)


def status_mb(field: str) -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024  # kB -> MB
    return float("nan")


def picture(megapixels: float, seed: int = 0):
    """A seeded, photo-like 4:3 picture: smooth colour fields, soft blobs and a little grain."""
    import numpy as np
    from PIL import Image, ImageFilter

    width = int(round((megapixels * 1e6 * 4 / 3) ** 0.5))
    height = int(round(width * 3 / 4))
    rng = np.random.default_rng(seed)
    small = rng.random((12, 16, 3)).astype(np.float32) * 255
    base = Image.fromarray(small.astype(np.uint8)).resize((width, height), Image.BICUBIC)
    grain = Image.fromarray(rng.integers(0, 255, (height // 4, width // 4, 3), dtype=np.uint8))
    grain = grain.resize((width, height), Image.BILINEAR).filter(ImageFilter.GaussianBlur(2))
    return Image.blend(base, grain, 0.15)


def child(args) -> None:
    if args.threads:
        import torch
        torch.set_num_threads(args.threads)
    from engine.dreaming.dream import deep_dream
    from engine.network.models import load_model
    from engine.dreaming.presets import preset_settings

    settings = preset_settings("classic")
    if args.tile:
        settings.tile = args.tile
    if args.steps:
        settings.steps = args.steps
    net = load_model(settings.model)
    image = picture(args.child)
    on_progress = None
    if args.trim:  # hand freed heap memory back to the OS after every step (glibc only)
        import ctypes
        libc = ctypes.CDLL("libc.so.6")
        on_progress = lambda progress: libc.malloc_trim(0)  # noqa: E731
    before = status_mb("VmHWM")
    started = time.perf_counter()
    result = deep_dream(image, settings, net, on_progress=on_progress)
    seconds = time.perf_counter() - started
    if args.save:
        result.save(args.save)
    import torch
    print(json.dumps({
        "torch": torch.__version__,
        "size": f"{image.width}x{image.height}", "mp": image.width * image.height / 1e6,
        "before_mb": before, "peak_mb": status_mb("VmHWM"),
        "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "seconds": seconds, "tile": settings.tile, "steps": settings.steps, "octaves": settings.octaves,
    }))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mp", default="1,4,8", help="megapixel sizes, comma-separated (default 1,4,8)")
    parser.add_argument("--tile", type=int, help="tile size (default: the preset's, 512)")
    parser.add_argument("--steps", type=int, help="steps per octave (default: the preset's)")
    parser.add_argument("--threads", type=int, help="torch threads (default: torch's choice)")
    parser.add_argument("--save", help="folder to save the dreamt pictures in, to look at")
    parser.add_argument("--python", default=sys.executable, help="interpreter for the measured runs")
    parser.add_argument("--trim", action="store_true", help="call glibc's malloc_trim(0) after every step")
    parser.add_argument("--child", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args)

    malloc = " ".join(f"{k}={v}" for k, v in os.environ.items() if k.startswith("MALLOC_")) or "glibc defaults"
    malloc += ", malloc_trim(0) after every step" if args.trim else ""
    print(f"Deep Dream, preset 'classic', model lite0; one fresh process per row; malloc: {malloc}; "
          f"budget {BUDGET_MB} MB")
    print(f"{'torch':>12} {'picture':>11} {'MP':>5} {'tile':>5} {'steps':>9} {'RSS before':>11} {'peak RSS':>9} "
          f"{'dream adds':>11} {'time':>7}  fits")
    for mp in (float(v) for v in args.mp.split(",")):
        command = [args.python, "-m", "benchmarks.bench_memory", "--child", str(mp)]  # cwd=ROOT
        for option in ("tile", "steps", "threads"):
            if getattr(args, option):
                command += [f"--{option}", str(getattr(args, option))]
        if args.trim:
            command.append("--trim")
        if args.save:
            Path(args.save).mkdir(parents=True, exist_ok=True)
            command += ["--save", str(Path(args.save) / f"dream_{mp:g}mp.png")]
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
        if done.returncode != 0:
            print(f"{mp:>17g} MP failed (exit {done.returncode}): {done.stderr.strip().splitlines()[-1:]}")
            continue
        r = json.loads(done.stdout.strip().splitlines()[-1])
        steps = f"{r['octaves']}x{r['steps']}"
        print(f"{r['torch']:>12} {r['size']:>11} {r['mp']:5.1f} {r['tile']:>5} {steps:>9} {r['before_mb']:8.0f} MB "
              f"{r['peak_mb']:6.0f} MB {r['peak_mb'] - r['before_mb']:8.0f} MB {r['seconds']:6.1f}s  "
              f"{'yes' if r['peak_mb'] < BUDGET_MB else 'NO'}")


if __name__ == "__main__":
    main()
