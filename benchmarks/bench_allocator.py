"""glibc's defaults against engine/allocation.py's tunables: one Lite0 forward+backward, by size.

    .venv/bin/python -m benchmarks.bench_allocator            # 1 thread, CPU ms, 2 interleaved rounds

Each variant runs in a fresh process (tunables are read when a process starts); CPU time on one
thread says little about other people's load. Prints the best of each and the page faults.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys

from engine import allocation

SIZES = [(240, 320, None), (384, 512, None), (768, 1024, 512), (768, 1024, None)]

MEASURE = """
import json, resource, sys, time, torch
torch.set_num_threads(1)
from engine.network.models import load_model
from engine.ascent.loop import pixel_gradient
from engine.ascent.objectives import layer_energy
net, generator = load_model("lite0"), torch.Generator().manual_seed(0)
objective = layer_energy("block10")
def cpu_ms(h, w, tile):
    x, best = torch.rand(1, 3, h, w), float("inf")
    for k in range(5):
        start = time.process_time()
        pixel_gradient(net, objective, x, tile=tile, generator=generator)
        best = best if k == 0 else min(best, time.process_time() - start)
    return best * 1000
faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
times = [cpu_ms(h, w, tile) for h, w, tile in json.loads(sys.argv[1])]
print(json.dumps({"ms": times, "faults": resource.getrusage(resource.RUSAGE_SELF).ru_minflt - faults}))
"""


def run(tunables: bool) -> dict:
    env = {k: v for k, v in os.environ.items() if k != allocation.ENV}
    if tunables:
        env[allocation.ENV] = allocation.TUNABLES
    done = subprocess.run([sys.executable, "-c", MEASURE, json.dumps(SIZES)], env=env, capture_output=True,
                          text=True, check=True)
    return json.loads(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    results = {False: [], True: []}
    for _ in range(args.rounds):
        for tunables in (False, True):
            results[tunables].append(run(tunables))
    print(f"{'picture (tile)':<18} {'glibc default':>14} {'tunables':>10} {'ratio':>6}")
    for k, (h, w, tile) in enumerate(SIZES):
        before = min(r["ms"][k] for r in results[False])
        after = min(r["ms"][k] for r in results[True])
        label = f"{w}x{h}" + (f" ({tile})" if tile else "")
        print(f"{label:<18} {before:>11.0f} ms {after:>7.0f} ms {after / before:>6.2f}")
    print(f"page faults per process: {min(r['faults'] for r in results[False])} default, "
          f"{min(r['faults'] for r in results[True])} with the tunables")


if __name__ == "__main__":
    main()
