"""Where bfloat16 pays on this CPU: Lite0 forward+backward, bfloat16 against float32, by picture size.

    .venv/bin/python -m benchmarks.bench_precision                 # to block10 and block7
    .venv/bin/python -m benchmarks.bench_precision --threads 2 --layers block10

Prints CPU milliseconds per forward+backward (best of the interleaved rounds) and their ratio.
``engine/fast.py``'s ``CPU_REDUCED_MIN_PIXELS`` is where the ratio crosses 1 on the machine
it was set on (a 2-core Xeon with AVX-512 BF16). Without native bfloat16 the two rows are alike.
"""
from __future__ import annotations

import argparse
import contextlib
import time

import torch

from engine.network import fast
from engine.network.models import load_model

SIZES = [(96, 128), (128, 128), (160, 160), (144, 192), (192, 256), (256, 256), (288, 384), (384, 512), (768, 1024)]


def cpu_ms(net, layer: str, size: tuple[int, int], float_only: bool) -> float:
    x = torch.rand(1, 3, *size).requires_grad_(True)
    repeats = max(2, int(3e6 / (size[0] * size[1])))
    with fast.float_only() if float_only else contextlib.nullcontext():
        net(x, [layer])[layer].pow(2).mean().backward()  # warm-up: kernels for this shape
        start = time.process_time()
        for _ in range(repeats):
            x.grad = None
            net(x, [layer])[layer].pow(2).mean().backward()
    return (time.process_time() - start) / repeats * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=1, help="1 = CPU time that others' load barely changes")
    parser.add_argument("--layers", nargs="+", default=["block10", "block7"])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    net = load_model("lite0")
    with contextlib.ExitStack() as stack:
        stack.callback(setattr, fast, "CPU_REDUCED_MIN_PIXELS", fast.CPU_REDUCED_MIN_PIXELS)
        fast.CPU_REDUCED_MIN_PIXELS = 0  # time bfloat16 at every size
        print(f"{'layer':<8} {'size':>9} {'bf16 ms':>8} {'fp32 ms':>8} {'bf16/fp32':>9}")
        for layer in args.layers:
            best = {}
            for _ in range(args.rounds):
                for size in SIZES:
                    for float_only in (False, True):
                        ms = cpu_ms(net, layer, size, float_only)
                        best[size, float_only] = min(ms, best.get((size, float_only), ms))
            for size in SIZES:
                bf16, fp32 = best[size, False], best[size, True]
                print(f"{layer:<8} {size[1]:>4}x{size[0]:<4} {bf16:>8.1f} {fp32:>8.1f} {bf16 / fp32:>9.2f}")
    print(f"reduced precision on this CPU: {fast.reduced_dtype(torch.device('cpu'))}; "
          f"engine switches to it from {fast.CPU_REDUCED_MIN_PIXELS} pixels")


if __name__ == "__main__":
    main()
