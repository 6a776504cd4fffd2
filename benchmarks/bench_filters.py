"""Filter Gallery benchmarks: speed per thumbnail, quality of the shipped gallery, page opening time.

    .venv/bin/python -m benchmarks.bench_filters speed [--layers stem,block3,...] [--batch 16] [--threads 1]
    .venv/bin/python -m benchmarks.bench_filters quality [--gallery assets/gallery]
    .venv/bin/python -m benchmarks.bench_filters page      # needs Debian's chromium

``speed`` renders one batch of 128 px thumbnails per layer (the gallery's settings) and prints seconds
per thumbnail, batched and one by one. The machine's load average is printed too: other processes
on the same 2 cores slow every number down. ``quality`` reads the manifest the gallery build wrote
(every channel of every layer): how often a picture excites its own filter most, dead filters,
the flattest picture, sizes. ``page`` starts the app and times the first 16 thumbnails in a browser.
"""
from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

def load() -> str:
    return " / ".join(f"{v:.1f}" for v in os.getloadavg())


def speed(args) -> None:
    import torch

    from engine.dreaming.filters import visualize_filters
    from engine.dreaming.settings import GallerySettings
    from engine.network.models import load_model

    if args.threads:
        torch.set_num_threads(args.threads)
    settings = GallerySettings()
    settings = replace(settings, steps=args.steps or settings.steps)
    steps = settings.steps
    net = load_model("lite0")
    visualize_filters(net, "block15", [0, 1], replace(settings, steps=2))  # warm up the kernels
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, device {net.device}, "
          f"{settings.size} px, {steps} steps; load average before: {load()}")
    print(f"{'layer':<8} {'batch':>5} {'s/thumb':>8} {'cpu s/thumb':>11} {'1-by-1 s/thumb':>15} {'speedup':>8}")
    totals = []
    for layer in args.layers.split(","):
        channels = list(range(min(args.batch, net.spec.layer(layer).channels)))
        wall, cpu = time.perf_counter(), time.process_time()
        visualize_filters(net, layer, channels, settings, batch_size=args.batch)
        per = (time.perf_counter() - wall) / len(channels)
        cpu_per = (time.process_time() - cpu) / len(channels)
        single = ""
        ratio = ""
        if args.single:
            t = time.perf_counter()
            for c in channels[: args.single]:
                visualize_filters(net, layer, [c], settings, batch_size=1)
            one = (time.perf_counter() - t) / args.single
            single, ratio = f"{one:15.2f}", f"{one / per:7.1f}x"
        totals.append(per)
        print(f"{layer:<8} {len(channels):>5} {per:8.2f} {cpu_per:11.2f} {single:>15} {ratio:>8}", flush=True)
    print(f"mean over layers: {sum(totals) / len(totals):.2f} s per thumbnail; load average after: {load()}")


def quality(args) -> None:
    folder = Path(args.gallery) / "lite0"
    manifest = json.loads((folder / "manifest.json").read_text())
    print(f"gallery {folder}: settings {manifest['settings']['render_key']}")
    print(f"{'layer':<8} {'filters':>7} {'own first':>9} {'dead':>4} {'min contrast':>12} "
          f"{'KiB':>6} {'build s':>8}  top class of filter 0")
    total_bytes, total, first, dead_total = 0, 0, 0, 0
    for layer, entry in manifest["layers"].items():
        filters = entry["filters"]
        alive = [f for f in filters if not f["dead"]]
        own = sum(f["rank"] == 0 for f in alive)
        size = (folder / entry["sheet"]).stat().st_size
        total_bytes += size
        total += len(alive)
        first += own
        dead_total += len(filters) - len(alive)
        print(f"{layer:<8} {len(filters):>7} {own:>5}/{len(alive):<3} {len(filters) - len(alive):>4} "
              f"{min(f['contrast'] for f in alive):12.3f} {size / 1024:6.0f} {entry['seconds'] / len(filters):8.2f}"
              f"  {filters[0]['top'][0][0]}")
    total_bytes += (folder / "manifest.json").stat().st_size
    print(f"all: {first}/{total} live filters excite their own filter most; {dead_total} dead; "
          f"{total_bytes / 1e6:.2f} MB on disk with the manifest")


def page(args) -> None:
    from playwright.sync_api import sync_playwright

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([str(Path(sys.executable).with_name("streamlit")), "run", str(ROOT / "app.py"),
                               "--server.headless=true", f"--server.port={port}", "--server.address=127.0.0.1",
                               "--server.fileWatcherType=none", "--browser.gatherUsageStats=false"],
                              cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=[
                "--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync"])
            tab = browser.new_page(viewport={"width": 1280, "height": 1600})
            for attempt in range(60):
                try:
                    tab.goto(url)  # warm the server: the first session pays for imports
                    tab.get_by_role("heading", name="DreamLab").wait_for(timeout=60_000)
                    break
                except Exception:
                    time.sleep(1)
            print(f"load average: {load()}")
            for run in range(args.runs):
                tab.goto("about:blank")
                started = time.perf_counter()
                tab.goto(f"{url}/filter_gallery")
                tab.wait_for_function("() => [...document.querySelectorAll(\"[data-testid='stImage'] img\")]"
                                      ".filter(i => i.complete && i.naturalWidth > 0).length >= 16", timeout=120_000)
                print(f"run {run + 1}: first 16 thumbnails (lite0, default layer) shown after "
                      f"{time.perf_counter() - started:.2f} s", flush=True)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=20)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    p = commands.add_parser("speed")
    p.add_argument("--layers", default="stem,block3,block8,block12,block15")
    p.add_argument("--batch", type=int, default=16)
    p.add_argument("--steps", type=int, default=0, help="default: the gallery's")
    p.add_argument("--single", type=int, default=2, help="also time this many thumbnails one by one (0: skip)")
    p.add_argument("--threads", type=int, default=0, help="torch threads (default: torch's choice, 2 here)")
    p.set_defaults(run=speed)
    p = commands.add_parser("quality")
    p.add_argument("--gallery", default=str(ROOT / "assets" / "gallery"))
    p.set_defaults(run=quality)
    p = commands.add_parser("page")
    p.add_argument("--runs", type=int, default=3)
    p.set_defaults(run=page)
    args = parser.parse_args()
    args.run(args)


if __name__ == "__main__":
    main()
