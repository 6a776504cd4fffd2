"""Style transfer speed and quality on this machine, against a plain Gatys loop.

    python -m benchmarks.bench_style                 # the table (default model and settings)
    python -m benchmarks.bench_style --repeat 3      # best of 3 timings per row
    python -m benchmarks.bench_style --out /tmp/st   # also save the pictures to look at
    python -m benchmarks.bench_style --layers /tmp/layers.png   # contact sheet of Lite0 layer candidates

The baseline is the textbook recipe: start from the photo, run L-BFGS for 150 loss evaluations at
the full size. DreamLab's ``stylize`` solves coarse to fine instead. Both are scored with the same
loss (``engine.style.transfer.StyleLoss``, same layers, strength and smoothing) at the same size.
"""
from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import torch
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
from engine.images.pictures import fit_side
from engine.images.tensors import to_pil, to_tensor
from engine.network.models import load_model
from engine.style.transfer import StyleLoss, _style_tensor, stylize
from engine.style.settings import StyleSettings

CONTENT = ROOT / "assets" / "samples" / "cat.jpg"
STYLE = ROOT / "assets" / "styles" / "swirling_night.jpg"
BASELINE_STEPS = 150


def plain_gatys(content: Image.Image, style: Image.Image, side: int, net, steps: int = BASELINE_STEPS):
    """The plain loop: one size, photo as the start, ``steps`` L-BFGS loss evaluations."""
    settings = StyleSettings()
    content_layers, style_layers = settings.layers()
    loss = StyleLoss(net, content_layers, style_layers, settings.strength, settings.smoothing)
    w, h = fit_side(content.size, side)
    photo = to_tensor(content.resize((w, h), Image.LANCZOS), net.device)
    targets = loss.targets(photo, [_style_tensor(style, (h, w), settings.brush, net.device)], [1.0])
    pixels = photo.clone(memory_format=torch.contiguous_format).requires_grad_(True)
    opt = torch.optim.LBFGS([pixels], lr=1.0, max_iter=steps, max_eval=steps, history_size=50,
                            tolerance_grad=0.0, tolerance_change=0.0)

    def closure():
        opt.zero_grad()
        value = loss(pixels, targets)
        value.backward()
        return value
    opt.step(closure)
    return to_pil(pixels.detach())


def score(image: Image.Image, content: Image.Image, style: Image.Image, net) -> dict[str, float]:
    """Content and style loss of ``image`` at its own size, with the default loss definition."""
    settings = StyleSettings()
    content_layers, style_layers = settings.layers()
    loss = StyleLoss(net, content_layers, style_layers, settings.strength, settings.smoothing)
    w, h = image.size
    photo = to_tensor(content.resize((w, h), Image.LANCZOS), net.device)
    targets = loss.targets(photo, [_style_tensor(style, (h, w), settings.brush, net.device)], [1.0])
    with torch.no_grad():
        parts = loss.parts(to_tensor(image, net.device), targets)
    return {k: float(v) for k, v in parts.items()}


def timed(fn, repeat: int):
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def table(args) -> None:
    net = load_model("lite0")
    content = Image.open(args.content).convert("RGB")
    style = Image.open(args.style).convert("RGB")
    defaults = StyleSettings()
    evals = lambda s: sum(s.steps * 2 ** k for k in range(s.scales))  # noqa: E731  (coarse scales: 2x steps)
    rows = []
    stylize(content, [style], settings=StyleSettings(size=128, steps=2, scales=1), net=net)  # warm up
    for side in args.sizes:
        seconds, picture = timed(lambda: plain_gatys(content, style, side, net), args.repeat)
        rows.append((f"plain Gatys, L-BFGS x{BASELINE_STEPS}", side, BASELINE_STEPS, seconds, picture))
        seconds, picture = timed(lambda: stylize(content, [style], settings=StyleSettings(size=side), net=net),
                                 args.repeat)
        rows.append((f"stylize default ({defaults.scales} scales, {defaults.steps} steps)", side,
                     evals(defaults), seconds, picture))
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads "
          f"(OMP_WAIT_POLICY={os.environ.get('OMP_WAIT_POLICY', 'unset')}), device {net.device}; "
          f"content {Path(args.content).name}, style {Path(args.style).name}, best of {args.repeat}")
    print(f"{'method':<42} {'px':>5} {'evals':>6} {'seconds':>8} {'style loss':>11} {'content loss':>13}")
    for name, side, n, seconds, picture in rows:
        s = score(picture, content, style, net)
        print(f"{name:<42} {side:>5} {n:>6} {seconds:>8.1f} {s['style']:>11.4f} {s['content']:>13.4f}")
        if args.out:
            os.makedirs(args.out, exist_ok=True)
            picture.save(Path(args.out) / f"{name.split()[0]}-{side}.png")


CANDIDATES = {
    "stem,b1,b3,b5,b8": ["stem", "block1", "block3", "block5", "block8"],
    "stem,b0,b2,b4,b7": ["stem", "block0", "block2", "block4", "block7"],
    "b1,b3,b5,b8,b11": ["block1", "block3", "block5", "block8", "block11"],
    "stem,b1,b3,b5": ["stem", "block1", "block3", "block5"],
    "b0,b2,b4,b6,b9": ["block0", "block2", "block4", "block6", "block9"],
    "stem,b2,b5,b8,b11,b14": ["stem", "block2", "block5", "block8", "block11", "block14"],
}


def layer_sheet(path: str) -> None:
    """Candidate Lite0 style-layer sets (rows) on three photo/painting pairs (columns)."""
    from PIL import ImageDraw

    net = load_model("lite0")
    samples = ROOT / "assets" / "samples"
    styles = ROOT / "assets" / "styles"
    pairs = [("cat.jpg", "swirling_night.jpg"), ("astronaut.jpg", "stained_glass.jpg"),
             ("cat.jpg", "cubist_shards.jpg")]
    side, rows = 320, []
    for label, layers in CANDIDATES.items():
        row = []
        for photo, painting in pairs:
            settings = StyleSettings(size=side, strength=0.75, style_layers={l: 1.0 for l in layers})
            row.append(stylize(Image.open(samples / photo).convert("RGB"),
                               [Image.open(styles / painting).convert("RGB")], settings=settings, net=net))
        rows.append((label, row))
        print(label, flush=True)
    height = max(im.height for _, row in rows for im in row) + 14
    sheet = Image.new("RGB", (side * len(pairs), height * len(rows)), "white")
    draw = ImageDraw.Draw(sheet)
    for j, (label, row) in enumerate(rows):
        draw.text((2, j * height), label, fill="black")
        for i, im in enumerate(row):
            sheet.paste(im, (side * i, j * height + 14))
    sheet.save(path)
    print(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[384, 512])
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--content", default=str(CONTENT))
    parser.add_argument("--style", default=str(STYLE))
    parser.add_argument("--out", help="folder to save the pictures in")
    parser.add_argument("--layers", metavar="PNG", help="write the Lite0 layer contact sheet instead")
    args = parser.parse_args()
    if args.layers:
        layer_sheet(args.layers)
    else:
        table(args)


if __name__ == "__main__":
    main()
