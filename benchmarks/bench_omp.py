"""How OpenMP's threads should wait between parallel regions: a short spin, or straight to sleep.

    .venv/bin/python -m benchmarks.bench_omp [--spins 0 3000 10000 default] [--rounds 2]

Torch's CPU kernels run in OpenMP parallel regions; between two regions libgomp's threads spin for
``GOMP_SPINCOUNT`` turns (unset: about 3 ms; ``OMP_WAIT_POLICY=PASSIVE``: none) before they sleep.
A style transfer runs thousands of small regions, so waking sleeping threads costs it dearly; but
threads that spin while another process wants the same cores steal its time.

Each spin count runs a small style transfer (384 px, 10 steps per scale) and a small dream (768x576,
block10, 2 octaves x 5 steps) in a fresh process (the count is read when torch loads), alone and
then two processes at once (as two busy workers on one machine would), in interleaved rounds; the
table shows the median seconds of the painting itself (imports and model load apart).
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from benchmarks.bench_vs_plain import ROOT, user_environment

WORKLOAD = """
import sys, time
import torch
from PIL import Image
from engine.network.models import load_model
from engine.style.settings import StyleSettings
from engine.style.transfer import stylize
from engine.dreaming.dream import deep_dream
from engine.dreaming.settings import DreamSettings
photo = Image.open("assets/samples/cat.jpg").convert("RGB")
style = Image.open("assets/styles/swirling_night.jpg")
net = load_model("lite0")
start = time.perf_counter()
if sys.argv[1] == "style":
    stylize(photo, [style], settings=StyleSettings(size=384, steps=10), net=net)
else:
    deep_dream(photo.resize((768, 576)), DreamSettings(layers={"block10": 1.0}, octaves=2, steps=5), net)
print(time.perf_counter() - start)
"""


def environment(spin: str) -> dict:
    env = user_environment()
    if spin != "default":
        env.update(OMP_WAIT_POLICY="PASSIVE", GOMP_SPINCOUNT=spin)
    return env


def run(job: str, spin: str, together: int) -> list[float]:
    """Seconds of ``together`` processes started at once."""
    procs = [subprocess.Popen([sys.executable, "-c", WORKLOAD, job], cwd=ROOT, env=environment(spin),
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
             for _ in range(together)]
    return [float(p.communicate()[0].strip().splitlines()[-1]) for p in procs]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spins", nargs="+", default=["0", "3000", "10000", "default"],
                        help="GOMP_SPINCOUNT values ('default': libgomp's own, no variable set)")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--jobs", nargs="+", default=["style", "dream"], choices=["style", "dream"])
    args = parser.parse_args()
    print(f"{os.cpu_count()} cores; load: {os.getloadavg()[0]:.2f}", flush=True)
    times: dict[tuple, list[float]] = {}
    for _ in range(args.rounds):
        for job in args.jobs:
            for spin in args.spins:
                for together in (1, 2):
                    times.setdefault((job, spin, together), []).extend(run(job, spin, together))
    print(f"{'job':<6} {'GOMP_SPINCOUNT':>15} {'alone s':>8} {'two at once s':>14}")
    for job in args.jobs:
        for spin in args.spins:
            alone = statistics.median(times[(job, spin, 1)])
            pair = statistics.median(times[(job, spin, 2)])
            print(f"{job:<6} {spin:>15} {alone:8.2f} {pair:14.2f}")


if __name__ == "__main__":
    main()
