"""Art quality, old vs new: dream grain at the layer's gain, palette filters' rise on photos,
palette vividness on noise / colour.

    .venv/bin/python -m benchmarks.bench_quality                 # tables
    .venv/bin/python -m benchmarks.bench_quality --sheets docs/quality   # also before / old / new sheets

Photos: the samples in assets/samples plus held-out photos DreamLab never uses otherwise, read
at run time from the scikit-image wheel (CC0 / public domain; an installed ``skimage``, or the
wheel fetched with ``pip download`` into a temporary folder; never copied into the repository).

* Dream: the "Classic dream" preset with smoothness 0 (old) and the default (new). *gain* is the
  target layer's energy on the result over the photo's; *grain* the energy of the finest
  Laplacian level of the result over the photo's (``engine.ascent.smoothing.fine_energy``).
* Palette on a photo: ``block10:12`` weight 1 + ``block12:40`` weight 0.5, seed 0 (the case of
  issue 17). *rise*: each filter's mean activation above its level on the photo, in spatial
  standard deviations on the photo (``engine.dreaming.palette.objective.filter_rises``); *kept*: correlation of the
  blurred brightness of photo and result (1 = the photo's shapes fully there).
  Old settings: smoothness 0, jitter 16, step 0.012.
* Palette on noise / colour: mean HSV saturation and brightness contrast (std), old = the
  Filter Gallery's colour parameterisation (saturation 1, contrast 1).
"""
from __future__ import annotations

import argparse
import glob
import importlib.util
import io
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import replace
from pathlib import Path

import numpy as np
import torch
from PIL import Image, ImageDraw

from engine.dreaming.dream import deep_dream
from engine.images.pictures import fit_side
from engine.images.tensors import to_tensor
from engine.network.models import load_model
from engine.dreaming.palette.journey import palette_dream
from engine.dreaming.palette.objective import filter_rises
from engine.dreaming.palette.settings import CanvasSchedule, PaletteSettings
from engine.dreaming.presets import preset_settings
from engine.ascent.smoothing import blur, fine_energy

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "assets" / "samples").glob("*.jpg"))
HELD_OUT = ("motorcycle_left.png", "camera.png")  # inside the scikit-image wheel, not in assets/
SKIMAGE = "scikit-image==0.26.0"
PALETTE = [("block10", 12, 1.0), ("block12", 40, 0.5)]
OLD_PHOTO_PALETTE = dict(smoothness=0.0, jitter=16, step_size=0.012)
OLD_CANVAS_PALETTE = dict(saturation=1.0, contrast=1.0)


# --- photos --------------------------------------------------------------------------------------

def held_out_photos(wheel_dir: str | None) -> dict[str, Image.Image]:
    """The held-out photos from scikit-image's data folder (installed, or in its wheel)."""
    spec = importlib.util.find_spec("skimage")
    if spec is not None and spec.origin:
        folder = Path(spec.origin).parent / "data"
        return {Path(n).stem: Image.open(folder / n).convert("RGB") for n in HELD_OUT if (folder / n).exists()}
    wheel_dir = wheel_dir or tempfile.mkdtemp(prefix="dreamlab-skimage-")
    wheels = glob.glob(f"{wheel_dir}/scikit_image-*.whl")
    if not wheels:
        subprocess.run([sys.executable, "-m", "pip", "download", SKIMAGE, "--no-deps", "-q", "-d", wheel_dir],
                       check=True)
        wheels = glob.glob(f"{wheel_dir}/scikit_image-*.whl")
    with zipfile.ZipFile(wheels[0]) as wheel:
        return {Path(n).stem: Image.open(io.BytesIO(wheel.read(f"skimage/data/{n}"))).convert("RGB")
                for n in HELD_OUT}


def photos(args) -> dict[str, Image.Image]:
    found = {p.stem: Image.open(p).convert("RGB") for p in SAMPLES}
    if not args.no_held_out:
        found.update({f"{name}*": image for name, image in held_out_photos(args.wheel_dir).items()})
    if args.only:
        found = {k: v for k, v in found.items() if k.rstrip("*") in args.only.split(",")}
    return found


def fit(image: Image.Image, side: int) -> Image.Image:
    return image.resize(fit_side(image.size, side), Image.LANCZOS)


# --- measures ------------------------------------------------------------------------------------

def layer_gain(net, before: Image.Image, after: Image.Image, layer: str) -> float:
    with torch.no_grad():
        return float(net(to_tensor(after), [layer])[layer].pow(2).mean() / net(to_tensor(before), [layer])[layer].pow(2).mean())


def grain(before: Image.Image, after: Image.Image) -> float:
    return fine_energy(to_tensor(after)) / fine_energy(to_tensor(before))


def kept(before: Image.Image, after: Image.Image) -> float:
    """Correlation of the two pictures' brightness blurred to ~1/100 of their size."""
    x, y = (blur(to_tensor(i).mean(1, keepdim=True), max(i.size) / 96).flatten() for i in (before, after))
    x, y = x - x.mean(), y - y.mean()
    return float((x * y).sum() / (x.norm() * y.norm()))


def vividness(image: Image.Image) -> tuple[float, float]:
    saturation = np.asarray(image.convert("HSV"), np.float32)[..., 1].mean() / 255
    contrast = np.asarray(image.convert("L"), np.float32).std() / 255
    return float(saturation), float(contrast)


# --- sheets --------------------------------------------------------------------------------------

def sheet(pictures: list[Image.Image], labels: list[str], height: int = 320) -> Image.Image:
    scaled = [p.resize((round(p.width * height / p.height), height), Image.LANCZOS) for p in pictures]
    out = Image.new("RGB", (sum(p.width for p in scaled) + 8 * (len(scaled) - 1), height + 22), "white")
    draw = ImageDraw.Draw(out)
    x = 0
    for picture, label in zip(scaled, labels):
        out.paste(picture, (x, 22))
        draw.text((x + 4, 5), label, fill="black")
        x += picture.width + 8
    return out


def save_sheet(folder: Path | None, name: str, pictures, labels) -> None:
    if folder is not None:
        folder.mkdir(parents=True, exist_ok=True)
        sheet(pictures, labels).save(folder / f"{name}.jpg", quality=85)


# --- runs ----------------------------------------------------------------------------------------

def bench_dream(net, pictures, side: int, folder) -> None:
    new = preset_settings("classic")
    old = replace(new, smoothness=0.0)
    layer = next(iter(new.layers))
    print(f"\nDeep Dream 'Classic' ({layer}), longest side {side}: old = smoothness 0, new = {new.smoothness:g}")
    print(f"{'photo':18s} {'gain old':>9s} {'gain new':>9s} {'grain old':>10s} {'grain new':>10s} {'grain new/old':>14s}")
    for name, photo in pictures.items():
        photo = fit(photo, side)
        results = [deep_dream(photo, s, net) for s in (old, new)]
        gains = [layer_gain(net, photo, r, layer) for r in results]
        grains = [grain(photo, r) for r in results]
        print(f"{name:18s} {gains[0]:9.2f} {gains[1]:9.2f} {grains[0]:10.2f} {grains[1]:10.2f} "
              f"{grains[1] / grains[0]:14.2f}", flush=True)
        save_sheet(folder, f"dream_{name.rstrip('*')}", [photo] + results,
                   ["before", "old: smoothness 0", f"new: smoothness {new.smoothness:g}"])


def bench_palette_photo(net, pictures, side: int, folder) -> None:
    new = PaletteSettings()
    old = replace(new, photo=replace(new.photo, **OLD_PHOTO_PALETTE))
    print(f"\nHybrid Palette on photos, block10:12 w1 + block12:40 w0.5, seed 0, longest side {side}")
    print(f"{'photo':18s} {'rise old':>14s} {'rise new':>14s} {'kept old':>9s} {'kept new':>9s}")
    for name, photo in pictures.items():
        photo = fit(photo, side)
        results = [palette_dream(photo, PALETTE, s, net) for s in (old, new)]
        rises = [filter_rises(net, PALETTE, photo, r) for r in results]
        keeps = [kept(photo, r) for r in results]
        print(f"{name:18s} {rises[0][0]:6.2f} / {rises[0][1]:5.2f} {rises[1][0]:6.2f} / {rises[1][1]:5.2f} "
              f"{keeps[0]:9.2f} {keeps[1]:9.2f}", flush=True)
        save_sheet(folder, f"palette_{name.rstrip('*')}", [photo] + results, ["before", "old", "new"])


def bench_palette_canvas(net, side: int, folder) -> None:
    new = PaletteSettings(canvas=CanvasSchedule(size=side))
    old = replace(new, canvas=replace(new.canvas, **OLD_CANVAS_PALETTE))
    print(f"\nHybrid Palette on noise / colour, {side} px: saturation (HSV) and contrast (brightness std)")
    print(f"{'seed':16s} {'saturation old':>15s} {'saturation new':>15s} {'contrast old':>13s} {'contrast new':>13s}")
    pictures = []
    for seed in ("noise", "color:#3070c0"):
        results = [palette_dream(seed, PALETTE, s, net) for s in (old, new)]
        (s0, c0), (s1, c1) = (vividness(r) for r in results)
        print(f"{seed:16s} {s0:15.2f} {s1:15.2f} {c0:13.3f} {c1:13.3f}", flush=True)
        pictures += results
    save_sheet(folder, "palette_canvas", pictures, ["noise: old", "noise: new", "colour: old", "colour: new"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dream-side", type=int, default=320)
    parser.add_argument("--palette-side", type=int, default=384, help="the Hybrid Palette page's default")
    parser.add_argument("--canvas-side", type=int, default=256)
    parser.add_argument("--only", help="comma-separated photo names (e.g. cat,motorcycle_left)")
    parser.add_argument("--no-held-out", action="store_true", help="only the sample photos")
    parser.add_argument("--wheel-dir", help="a folder holding (or to receive) the scikit-image wheel")
    parser.add_argument("--sheets", type=Path, help="write before / old / new sheets (JPEG) into this folder")
    parser.add_argument("--skip", default="", help="comma-separated parts to skip: dream,photo,canvas")
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    net = load_model("lite0", device="cpu")
    pictures = photos(args)
    print(f"photos: {', '.join(pictures)}   (* = held out: from the scikit-image wheel, not in assets/)")
    start = time.perf_counter()
    skip = set(args.skip.split(","))
    if "dream" not in skip:
        bench_dream(net, pictures, args.dream_side, args.sheets)
    if "photo" not in skip:
        bench_palette_photo(net, pictures, args.palette_side, args.sheets)
    if "canvas" not in skip:
        bench_palette_canvas(net, args.canvas_side, args.sheets)
    print(f"\n{time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
