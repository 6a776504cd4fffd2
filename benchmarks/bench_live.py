"""The live mirror, measured: prints one table.

    .venv/bin/python -m benchmarks.bench_live [--seconds 20] [--skip-browser] [--skip-jobs]

* browser: frames per second and camera-to-screen latency in headless Chromium whose fake camera
  plays a clip made here (the sample cat photo, slowly panned, 15 frames per second) with a frame
  counter in its bottom rows; a fresh app server keeps those rows undreamed (DREAMLAB_LIVE_PROBE=1).
  In the page, the camera's own stream and the mirror's video are both read back frame by frame
  (requestVideoFrameCallback): latency = when a counter value is shown in the dream - when the
  camera showed it; fps = how often the dream's counter changes.
* engine: one live step alone (LiveDreamer.dream) per size, with the live worker's thread count.
* flicker: mean change between consecutive frames (engine.motion.animate.flicker, the Motion
  benchmark's metric) of the live output on the panned clip, against dreaming each frame alone
  (a full 2-octave dream per frame) and against the clip itself, with each one's dream strength.
* jobs: a Deep Dream job's seconds (a nice-10 process, like a job worker) alone and while a live
  stream runs, and the stream's frames per second meanwhile: how the cores are shared.
The machine's load (``uptime``) is printed first and last: compare numbers only under like loads.
"""
from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dreamlab.studio.live_sample import draw_counter, sample_frames, write_y4m  # noqa: E402

SIZES = [(320, 240), (480, 360)]
FPS = 15
TARGETS = {(320, 240): 8.0, (480, 360): 5.0}
LATENCY_TARGET_MS = 250

# In the mirror's frame: keep the camera's stream (the page never shows it by itself).
KEEP_CAMERA = """
if (navigator.mediaDevices && navigator.mediaDevices.getUserMedia) {
  const original = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  navigator.mediaDevices.getUserMedia = async (c) => { const s = await original(c); window.__camera = s; return s; };
}"""
# Reads the counter of every frame the camera and the mirror show, for ``seconds``.
MEASURE = """
async (seconds) => {
  const BITS = 12, SHARE = 15;
  const canvas = document.createElement('canvas');
  const g = canvas.getContext('2d', {willReadFrequently: true});
  const read = (video, x0, width) => {
    const w = video.videoWidth, h = video.videoHeight;
    if (!w || !h) return null;
    canvas.width = w; canvas.height = h; g.drawImage(video, 0, 0);
    const rows = Math.max(2, Math.floor(h / SHARE));
    const left = Math.round(x0 * w), span = Math.round(width * w);
    const top = h - Math.floor(rows * 3 / 4), bottom = h - Math.floor(rows / 4);
    const data = g.getImageData(left, top, span, bottom - top).data;
    let number = 0;
    for (let bit = 0; bit < BITS; bit++) {
      const a = Math.floor(bit * span / BITS), b = Math.floor((bit + 1) * span / BITS), pad = Math.max(1, Math.floor((b - a) / 4));
      let sum = 0, count = 0;
      for (let y = 0; y < bottom - top; y++) for (let x = a + pad; x < b - pad; x++) {
        const i = (y * span + x) * 4; sum += (data[i] + data[i + 1] + data[i + 2]) / 3; count++;
      }
      const level = sum / count;
      if (level > 80 && level < 170) return null;
      if (level >= 170) number |= (1 << bit);
    }
    return number;
  };
  const mirror = document.querySelector('video');
  const camera = document.createElement('video');
  camera.muted = true; camera.srcObject = window.__camera; camera.style.width = '160px';
  document.body.appendChild(camera); await camera.play();
  const seen = {camera: [], dream: [], back: []};
  const follow = (video, into, x0, width) => {
    const step = (now) => { into.push([now, read(video, x0, width)]); video.requestVideoFrameCallback(step); };
    video.requestVideoFrameCallback(step);
  };
  follow(camera, seen.camera, 0, 1);
  follow(mirror, seen.dream, 0.5, 0.5);
  follow(mirror, seen.back, 0, 0.5);
  await new Promise(r => setTimeout(r, seconds * 1000));
  camera.remove();
  return seen;
}"""


def load() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def summarise(seen: dict, clip_frames: int, half: str = "dream") -> tuple[float, float, float]:
    """(frames per second, median latency ms, 90th percentile ms) of the mirror's ``half`` ("dream":
    the dream; "back": the camera frame the server sent back beside it) from the read counters."""
    shown_at: dict[int, list[float]] = {}
    for now, number in seen["camera"]:
        if number is not None:
            shown_at.setdefault(number, []).append(now)
    changes, latencies, last = [], [], None
    for now, number in seen[half]:
        if number is None or number == last:
            continue
        last = number
        changes.append(now)
        before = [t for t in shown_at.get(number, []) if t <= now]
        if before and now - before[-1] < clip_frames / FPS * 1000 / 2:
            latencies.append(now - before[-1])
    span = (changes[-1] - changes[0]) / 1000 if len(changes) > 1 else 0
    fps = (len(changes) - 1) / span if span else 0.0
    if not latencies:
        return fps, float("nan"), float("nan")
    return fps, float(np.median(latencies)), float(np.percentile(latencies, 90))


def browser_rows(seconds: float) -> list[tuple]:
    from playwright.sync_api import sync_playwright
    port = free_port()
    env = {**os.environ, "DREAMLAB_LIVE_PROBE": "1"}
    server = subprocess.Popen([str(Path(sys.executable).with_name("streamlit")), "run", "app.py", "--server.headless=true",
                               f"--server.port={port}", "--server.address=127.0.0.1", "--server.fileWatcherType=none",
                               "--browser.gatherUsageStats=false"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url, rows = f"http://127.0.0.1:{port}", []
    try:
        for _ in range(240):
            try:
                if urllib.request.urlopen(url + "/_stcore/health", timeout=2).read() == b"ok":
                    break
            except OSError:
                time.sleep(0.5)
        with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
            for index, (width, height) in enumerate(SIZES):
                clip_frames = FPS * 20
                clip = write_y4m(Path(tmp) / f"clip{width}.y4m",
                                 [draw_counter(f, i) for i, f in enumerate(sample_frames(width, height, clip_frames))], FPS)
                browser = p.chromium.launch(executable_path=os.environ.get("DREAMLAB_CHROMIUM", "/usr/bin/chromium"), args=[
                    "--no-sandbox", "--headless", "--disable-gpu", "--use-fake-device-for-media-stream",
                    "--use-fake-ui-for-media-stream", f"--use-file-for-fake-video-capture={clip}",
                    "--autoplay-policy=no-user-gesture-required"])
                context = browser.new_context(viewport={"width": 1280, "height": 1400})
                context.add_init_script(KEEP_CAMERA)
                page = context.new_page()
                page.set_default_timeout(180_000)
                page.goto(url + "/live")
                page.get_by_role("heading", name="Live mirror").wait_for()
                page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')")
                if index:  # the second size: one step along the Size slider
                    page.get_by_role("slider").first.press("ArrowRight")
                    page.get_by_text(f"{width}×{height}").first.wait_for()
                    time.sleep(2)
                frame = page.frame_locator("iframe[title*='streamlit_webrtc']").first
                frame.get_by_role("button", name="Start the mirror").click()
                page.get_by_text("dreamed frames per second").wait_for()
                time.sleep(8)  # the dream settles, the connection's bit rate ramps up
                handle = next(f for f in page.frames if f.evaluate("() => !!window.__camera"))
                seen = handle.evaluate(MEASURE, seconds)
                fps, median, p90 = summarise(seen, clip_frames)
                back_fps, back_median, back_p90 = summarise(seen, clip_frames, "back")
                if os.environ.get("BENCH_LIVE_DUMP"):
                    import json
                    Path(os.environ["BENCH_LIVE_DUMP"] + f"{width}.json").write_text(json.dumps(seen))
                page.screenshot(path=str(Path(tempfile.gettempdir()) / f"bench_live_{width}x{height}.png"))
                rows.append((f"browser {width}x{height}: the dream", fps, median, p90, TARGETS[(width, height)]))
                rows.append((f"browser {width}x{height}: the camera sent back beside it", back_fps, back_median, back_p90, None))
                browser.close()
    finally:
        server.terminate()
        server.wait(30)
    return rows


def engine_rows(frames: int = 20) -> list[tuple]:
    import torch
    from dreamlab.jobs.live import live_threads
    from engine.motion.live import LiveDreamer, LiveSettings, warm_up
    from engine.network.models import load_model
    torch.set_num_threads(live_threads())
    net = load_model("lite0")
    warm_up(net)
    rows = []
    for width, height in SIZES:
        clip = sample_frames(width, height, frames)
        for steps in (1, 2):
            dreamer = LiveDreamer(net, LiveSettings(width=width, height=height, steps=steps), "dream",
                                  {"layers": {"block8": 1.0}})
            dreamer.dream(clip[0])
            started = time.perf_counter()
            for frame in clip:
                dreamer.dream(frame)
            ms = (time.perf_counter() - started) / frames * 1000
            rows.append((f"engine {width}x{height}, {steps} step{'s' * (steps > 1)}", 1000 / ms, ms))
    return rows


def flicker_rows(frames: int = 30) -> list[tuple]:
    from PIL import Image
    from engine.dreaming.dream import DreamSettings, deep_dream
    from engine.motion.animate import flicker
    from engine.motion.live import LiveDreamer, LiveSettings
    from engine.network.models import load_model
    net = load_model("lite0")
    clip = sample_frames(320, 240, 150)[:frames]  # the first 2 seconds of the panned clip
    dreamer = LiveDreamer(net, LiveSettings(), "dream", {"layers": {"block8": 1.0}})
    for frame in clip[:10]:  # as on screen: the dream has built up before these frames
        dreamer.dream(frame)
    live = [dreamer.dream(frame) for frame in clip]
    alone_settings = DreamSettings(layers={"block8": 1.0}, octaves=2, steps=4, step_size=0.012, jitter=8)
    alone = [np.asarray(deep_dream(Image.fromarray(f), alone_settings, net)) for f in clip]

    def strength(made):
        return float(np.mean([np.abs(m.astype(np.float32) - f.astype(np.float32)).mean() for m, f in zip(made, clip)]))

    pictures = lambda arrays: [Image.fromarray(a) for a in arrays]  # noqa: E731
    return [("the camera clip itself", flicker(pictures(clip)), 0.0),
            ("live (warm start, 1 step a frame)", flicker(pictures(live)), strength(live)),
            ("each frame dreamed alone (2 octaves x 4 steps)", flicker(pictures(alone)), strength(alone))]


JOB = """
import os, sys, time
os.nice(10)
sys.path.insert(0, {root!r})
from PIL import Image
from engine.dreaming.dream import DreamSettings, deep_dream
from engine.network.models import load_model
net = load_model("lite0")
photo = Image.open({photo!r}).convert("RGB").resize((512, 384))
settings = DreamSettings(layers={{"block8": 1.0}}, octaves=3, steps=6)
deep_dream(photo.resize((128, 96)), DreamSettings(layers={{"block8": 1.0}}, octaves=1, steps=1), net)
started = time.perf_counter()
deep_dream(photo, settings, net)
print(time.perf_counter() - started)
"""


def job_seconds() -> float:
    code = JOB.format(root=str(ROOT), photo=str(ROOT / "assets/samples/cat.jpg"))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    return float(done.stdout.strip().splitlines()[-1])


def job_rows() -> list[tuple]:
    from dreamlab.jobs.live import LiveStream, LiveWorker
    alone = job_seconds()
    worker = LiveWorker(0)
    worker.ready.wait(300)
    stream = LiveStream("bench")
    stream.use(worker, {"mode": "dream", "params": {"layers": {"block8": 1.0}},
                        "settings": {"width": 320, "height": 240, "steps": 1}})
    stop = threading.Event()
    frames = sample_frames(320, 240, 150)

    def camera() -> None:
        index = 0
        while not stop.is_set():
            stream.submit(frames[index % len(frames)])
            index += 1
            time.sleep(1 / FPS)
    feeder = threading.Thread(target=camera, daemon=True)
    feeder.start()
    time.sleep(5)
    started = time.monotonic()
    shared = job_seconds()
    live_fps = stream.stats(window_s=min(10.0, time.monotonic() - started))["fps"]
    stop.set()
    feeder.join(2)
    worker.close()
    return [("a Deep Dream job (512x384, 3 octaves x 6 steps) alone", alone, None),
            ("the same job while a live stream runs", shared, live_fps)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20, help="measuring time in the browser per size")
    parser.add_argument("--skip-browser", action="store_true")
    parser.add_argument("--skip-jobs", action="store_true")
    parser.add_argument("--skip-flicker", action="store_true")
    args = parser.parse_args()
    print(f"load before: {load()}   cores: {os.cpu_count()}")
    if not args.skip_browser:
        print(f"\n| in the browser (fake camera, {FPS} fps) | dreamed fps | latency median | latency p90 | target |")
        print("|---|---|---|---|---|")
        for name, fps, median, p90, target in browser_rows(args.seconds):
            goal = f"≥ {target:.0f} fps, < {LATENCY_TARGET_MS} ms" if target else "(WebRTC alone)"
            print(f"| {name} | {fps:.1f} | {median:.0f} ms | {p90:.0f} ms | {goal} |")
    print("\n| engine step alone | frames per second | ms per frame |\n|---|---|---|")
    for name, fps, ms in engine_rows():
        print(f"| {name} | {fps:.1f} | {ms:.0f} |")
    if not args.skip_flicker:
        print("\n| flicker, 320x240 panned clip | flicker (grey levels) | dream strength (mean change) |\n|---|---|---|")
        for name, value, strength in flicker_rows():
            print(f"| {name} | {value:.2f} | {strength:.1f} |")
    if not args.skip_jobs:
        print("\n| sharing the cores | job seconds | live fps meanwhile |\n|---|---|---|")
        for name, seconds, fps in job_rows():
            print(f"| {name} | {seconds:.1f} | {'' if fps is None else f'{fps:.1f}'} |")
    print(f"\nload after: {load()}")


if __name__ == "__main__":
    main()
