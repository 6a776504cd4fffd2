"""Instant style: how fast each way of running the network is, and whether refining the instant
result with Gatys reaches the Balanced quality sooner than starting from the photo.

    python -m benchmarks.bench_instant                    # both tables
    python -m benchmarks.bench_instant --skip-refine      # the speed table only (a minute)
    python -m benchmarks.bench_instant --runs 9 --out /tmp/instant   # more runs; save the pictures

Speed: instant style at 256, 512 and 1024 px (longest side) with
- ``torch``: the transformer rebuilt in torch, float32 weights dequantized from the package's graph;
- ``onnx``: onnxruntime on the package's int8 (QDQ) graph with its input made size-free;
- ``onnx384``: the package's own way, 384 px then enlarged (what ``stylize_with`` does);
- ``onnx-tiles``: the package's 384 px graph over overlapping tiles at the real size.
Runs are interleaved (one of each backend in turn, ``--runs`` rounds) and the median is shown, so a
busy machine slows every backend alike. Loading (once per process) is timed separately.

Refine: the Balanced Gatys result (512 px, 40 steps at full size, 3 scales, from the photo) sets the
target style loss (``engine.style.transfer.StyleLoss``, default layers). Then Gatys starts from
the photo and from the instant result with growing step counts; the table shows the loss of each
and the first run that reaches the target: its steps (loss evaluations, all scales) and seconds.
"""
from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "assets" / "samples" / "cat.jpg"
STYLE = ROOT / "assets" / "styles" / "swirling_night.jpg"
SIZES = (256, 512, 1024)
BACKENDS = ("torch", "onnx", "onnx384", "onnx-tiles")
LADDER = (5, 10, 15, 20, 30, 40)  # steps at full size tried for each start


def speed_table(content: Image.Image, style: Image.Image, runs: int, out: Path | None) -> None:
    from engine.style import instant

    loads = {}
    for backend in BACKENDS:  # load each network once (not counted in the table)
        started = time.perf_counter()
        instant.paint(content, [style], settings=instant.InstantSettings(size=64, backend=backend))
        loads[backend] = time.perf_counter() - started
    print("first call (loading the network, style vectors): "
          + ", ".join(f"{b} {s:.2f} s" for b, s in loads.items()))
    print(f"\n| size | {' | '.join(BACKENDS)} |  (median of {runs} interleaved runs, seconds)")
    print("|---|" + "---|" * len(BACKENDS))
    for size in SIZES:
        times: dict[str, list[float]] = {b: [] for b in BACKENDS}
        for _ in range(runs):
            for backend in BACKENDS:
                settings = instant.InstantSettings(size=size, backend=backend)
                started = time.perf_counter()
                picture = instant.paint(content, [style], settings=settings)
                times[backend].append(time.perf_counter() - started)
                if out is not None:
                    picture.save(out / f"instant-{size}-{backend}.png")
        print(f"| {size} px | " + " | ".join(f"{statistics.median(times[b]):.3f}" for b in BACKENDS) + " |")


def refine_table(content: Image.Image, style: Image.Image, out: Path | None) -> None:
    from engine.catalog import QUALITIES
    from engine.network.models import load_model
    from engine.style import instant
    from engine.style.transfer import StyleSettings, steps_per_scale, stylize

    from benchmarks.bench_style import score

    net = load_model("lite0")
    size, steps, scales = QUALITIES["balanced"]

    def run(start: str, steps_here: int, scales_here: int):
        settings = StyleSettings(size=size, steps=steps_here, scales=scales_here)
        started = time.perf_counter()
        init_image = None
        if start == "instant":
            init_image = instant.paint(content, [style], settings=instant.InstantSettings(size=size))
            settings.init = "image"
        picture = stylize(content, [style], settings=settings, net=net, init_image=init_image)
        seconds = time.perf_counter() - started
        if out is not None:
            picture.save(out / f"refine-{start}-{steps_here}x{scales_here}.png")
        evaluations = sum(steps_per_scale(steps_here, scales_here))
        losses = score(picture, content, style, net)
        return losses["style"], losses["content"], evaluations, seconds

    target, content_loss, evaluations, seconds = run("photo", steps, scales)
    print(f"\nBalanced from the photo ({steps} steps, {scales} scales): style loss {target:.4f} "
          f"(content {content_loss:.3f}), {evaluations} steps, {seconds:.1f} s  <- the target")
    instant.paint(content, [style], settings=instant.InstantSettings(size=size))  # loads the network
    started = time.perf_counter()
    painted = instant.paint(content, [style], settings=instant.InstantSettings(size=size))
    seconds = time.perf_counter() - started
    losses = score(painted, content, style, net)
    print(f"instant alone: style loss {losses['style']:.4f} (content {losses['content']:.3f}), {seconds:.2f} s")
    print("\n| start | scales | steps at full size | steps (all scales) | seconds | style loss | content loss "
          "| reaches target |")
    print("|---|---|---|---|---|---|---|---|")
    for start, scales_here in (("photo", scales), ("instant", scales), ("instant", 1), ("photo", 1)):
        for steps_here in LADDER:
            loss, content_loss, evaluations, seconds = run(start, steps_here, scales_here)
            reached = loss <= target
            print(f"| {start} | {scales_here} | {steps_here} | {evaluations} | {seconds:.1f} | {loss:.4f} | "
                  f"{content_loss:.3f} | {'yes' if reached else 'no'} |", flush=True)
            if reached:
                break


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5, help="interleaved rounds per size (median shown)")
    parser.add_argument("--content", default=str(CONTENT))
    parser.add_argument("--style", default=str(STYLE))
    parser.add_argument("--skip-speed", action="store_true")
    parser.add_argument("--skip-refine", action="store_true")
    parser.add_argument("--out", help="folder to save the pictures in")
    args = parser.parse_args()
    from engine.images.pictures import load_image

    content = load_image(args.content).image
    style = load_image(args.style).image
    out = Path(args.out) if args.out else None
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
    if not args.skip_speed:
        speed_table(content, style, args.runs, out)
    if not args.skip_refine:
        refine_table(content, style, out)


if __name__ == "__main__":
    main()
