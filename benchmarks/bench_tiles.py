"""Tiles or not: one Lite0 forward+backward to block10 (``pixel_gradient``) by tile size, at the
four octave sizes of a 1024x768 dream (scale 1.4).

    .venv/bin/python -m benchmarks.bench_tiles                # this machine's threads, wall ms
    .venv/bin/python -m benchmarks.bench_tiles --threads 1    # one thread, CPU ms

Tile sizes are interleaved; each figure is the best of the rounds. Run it on a quiet machine.
"""
from __future__ import annotations

from engine.allocation import restart_with_tunables

if __name__ == "__main__":
    restart_with_tunables()  # measured as the app's worker processes run

import argparse  # noqa: E402
import time  # noqa: E402

import torch  # noqa: E402

from engine.ascent.loop import pixel_gradient  # noqa: E402
from engine.ascent.objectives import layer_energy  # noqa: E402
from engine.network.models import load_model  # noqa: E402

SIZES = [(768, 1024), (549, 731), (392, 522), (280, 373)]
TILES = [None, 1024, 768, 512, 384, 256]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=0, help="torch threads (0 = torch's default)")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    clock = time.process_time if args.threads == 1 else time.perf_counter
    net, generator = load_model("lite0"), torch.Generator().manual_seed(0)
    objective = layer_energy("block10")

    def ms(pixels, tile) -> float:
        start = clock()
        pixel_gradient(net, objective, pixels, tile=tile, generator=generator)
        return (clock() - start) * 1000

    print(f"{'picture':<10}" + "".join(f"{'none' if t is None else t:>8}" for t in TILES)
          + f"   ({torch.get_num_threads()} threads, {'CPU' if args.threads == 1 else 'wall'} ms)")
    for h, w in SIZES:
        pixels = torch.rand(1, 3, h, w)
        best = {tile: float("inf") for tile in TILES}
        for tile in TILES:
            ms(pixels, tile)  # warm-up: kernels for these shapes
        for _ in range(args.rounds):
            for tile in TILES:
                best[tile] = min(best[tile], ms(pixels, tile))
        print(f"{w}x{h:<5}" + "".join(f"{best[t]:>8.0f}" for t in TILES))


if __name__ == "__main__":
    main()
