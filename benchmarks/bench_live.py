"""The live mirror, measured: prints the issue's tables.

    .venv/bin/python -m benchmarks.bench_live [--seconds 20] [--live-threads N]
                                              [--skip-browser] [--skip-stages] [--skip-flicker] [--skip-jobs]

* browser: frames per second and camera-to-screen latency in headless Chromium whose fake camera
  plays a clip made here (the sample cat photo, slowly panned, 30 frames per second like a webcam; the
  page asks for 30 at 320x240 and 15 at 480x360, and Chromium drops to that; BENCH_LIVE_FPS=15 for a
  slower camera) with a frame
  counter in its bottom rows; a fresh app server keeps those rows undreamed (DREAMLAB_LIVE_PROBE=1).
  In the page, the camera's own stream and the mirror's video are both read back frame by frame
  (requestVideoFrameCallback): latency = when a counter value is shown in the dream - when the
  camera showed it; fps = how often the dream's counter changes. (The browser runs on this machine
  too: its video coding takes a share of the same cores, as it would on a visitor's own laptop.)
* stages: where one frame's time goes, median ms: the server's VP8 decoding of the camera, its
  conversion to RGB at the dream's size, the pipe to the live worker and back, the worker's stages
  (``LiveDreamer.timings``), the server's VP8 coding of the dream; "the rest" is the browser's
  latency less all these (the browser's own coding, the network, waiting for the worker to be free
  and for the next camera frame to carry the dream out).
* engine: the live step alone (LiveDreamer.dream) per size and steps, with 1 and 2 torch threads.
* flicker: mean change between consecutive frames (engine.motion.animate.flicker, the Motion
  benchmark's metric) of the live output on the panned clip, with and without the warm start
  following the scene, against dreaming each frame alone (a full 2-octave dream per frame) and
  against the clip itself, with each one's dream strength.
* jobs: a Deep Dream job's seconds (a nice-10 process, like a job worker) alone and while a live
  stream runs, and the stream's frames per second meanwhile: how the cores are shared (the live
  worker's threads follow the job queue: ``dreamlab.jobs.live.live_threads``).
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
FPS = int(os.environ.get("BENCH_LIVE_FPS", 30))  # the fake camera's rate: what the app asks a camera for
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
  const mirror = document.querySelector('video:not(.dreamlab-camera)');
  const camera = document.createElement('video');
  camera.muted = true; camera.srcObject = window.__camera; camera.style.width = '160px';
  document.body.appendChild(camera); await camera.play();
  const seen = {camera: [], dream: []};
  const follow = (video, into, x0, width) => {
    const step = (now) => { into.push([now, read(video, x0, width)]); video.requestVideoFrameCallback(step); };
    video.requestVideoFrameCallback(step);
  };
  follow(camera, seen.camera, 0, 1);
  follow(mirror, seen.dream, 0, 1);
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
    """(frames per second, median latency ms, 90th percentile ms) of the mirror's dream from the read
    counters."""
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


def browser_rows(seconds: float, threads: int | None = None) -> list[tuple]:
    from playwright.sync_api import sync_playwright
    port = free_port()
    env = {**os.environ, "DREAMLAB_LIVE_PROBE": "1"}
    if threads:
        env["DREAMLAB_LIVE_THREADS"] = str(threads)
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
                clip_frames = FPS * 10
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
                if os.environ.get("BENCH_LIVE_DUMP"):
                    import json
                    Path(os.environ["BENCH_LIVE_DUMP"] + f"{width}.json").write_text(json.dumps(seen))
                page.screenshot(path=str(Path(tempfile.gettempdir()) / f"bench_live_{width}x{height}.png"))
                rows.append((f"{width}x{height}: the dream", fps, median, p90, TARGETS[(width, height)]))
                browser.close()
    finally:
        server.terminate()
        server.wait(30)
    return rows


def engine_rows(net, frames: int = 20) -> list[tuple]:
    import torch
    from engine.motion.live import LiveDreamer, LiveSettings
    rows = []
    for threads in (1, 2):
        torch.set_num_threads(threads)
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
                rows.append((f"{width}x{height}, {steps} step{'s' * (steps > 1)}, {threads} thread{'s' * (threads > 1)}",
                             1000 / ms, ms))
    return rows


def _median_ms(fn, repeats: int = 15) -> float:
    fn()
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return float(np.median(times))


def video_ms(width: int, height: int) -> dict[str, float]:
    """The server's video work per frame (aiortc's libvpx, as streamlit-webrtc runs it): decoding a
    640x480 camera frame, converting it to RGB at the dream's size, coding the dream."""
    import fractions
    import av
    from aiortc.codecs.vpx import Vp8Decoder, Vp8Encoder, vp8_depayload
    from aiortc.jitterbuffer import JitterFrame

    def frames(w, h, count=16):
        made = []
        for index, array in enumerate(sample_frames(w, h, count)):
            frame = av.VideoFrame.from_ndarray(array, format="rgb24")
            frame.pts, frame.time_base = index * 6000, fractions.Fraction(1, 90000)
            made.append(frame)
        return made

    encoder, decoder, camera = Vp8Encoder(), Vp8Decoder(), frames(640, 480)
    packets = []
    for frame in camera:
        payloads, stamp = encoder.encode(frame)
        packets.append(JitterFrame(data=b"".join(vp8_depayload(p) for p in payloads), timestamp=stamp))
    decode, decoded = [], []
    for packet in packets:
        started = time.perf_counter()
        decoded += decoder.decode(packet)
        decode.append((time.perf_counter() - started) * 1000)
    convert = _median_ms(lambda: decoded[-1].to_ndarray(format="rgb24", width=width, height=height))
    dream_encoder, encode = Vp8Encoder(), []
    for frame in frames(width, height):
        started = time.perf_counter()
        dream_encoder.encode(frame)
        encode.append((time.perf_counter() - started) * 1000)
    return {"decode": float(np.median(decode[2:])), "convert": convert, "encode": float(np.median(encode[2:]))}


def pipe_ms(width: int, height: int, frames: int = 20) -> tuple[float, dict[str, float]]:
    """Through a real live worker, one frame at a time: (the pipe there and back, ms: latency less
    the dream; the worker's stages, median ms)."""
    from dreamlab.jobs.live import LiveStream, LiveWorker
    worker = LiveWorker(0)
    try:
        if not worker.ready.wait(300):
            return float("nan"), {}
        stream = LiveStream("bench")
        stream.use(worker, {"mode": "dream", "params": {"layers": {"block8": 1.0}},
                            "settings": {"width": width, "height": height, "steps": 1}})
        pipe = []
        for frame in sample_frames(width, height, frames + 2):
            before = stream.latest.number if stream.latest else 0
            stream.submit(frame)
            deadline = time.monotonic() + 30
            while (stream.latest is None or stream.latest.number == before) and time.monotonic() < deadline:
                time.sleep(0.0005)
            if stream.latest is not None and stream.latest.dream_s is not None:
                pipe.append((stream.latest.latency_s - stream.latest.dream_s) * 1000)
        return float(np.median(pipe[2:])) if len(pipe) > 2 else float("nan"), {}
    finally:
        worker.close()


def stage_rows(net, browser_latency: dict) -> tuple[list[tuple], int]:
    """Rows (stage, ms at each size) and the torch threads the worker stages ran with."""
    import torch
    from dreamlab.jobs.live import live_threads
    from engine.motion.live import LiveDreamer, LiveSettings
    threads = live_threads(0)
    torch.set_num_threads(threads)
    columns = []
    for width, height in SIZES:
        video = video_ms(width, height)
        pipe, _ = pipe_ms(width, height)
        dreamer = LiveDreamer(net, LiveSettings(width=width, height=height), "dream", {"layers": {"block8": 1.0}})
        laps: dict[str, list[float]] = {}
        for frame in sample_frames(width, height, 22):
            dreamer.dream(frame)
            for name, ms in dreamer.timings.items():
                laps.setdefault(name, []).append(ms)
        worker = {name: float(np.median(values[2:])) for name, values in laps.items()}
        stages = {"server: VP8 decoding of the camera frame (640x480)": video["decode"],
                  "server: to RGB at the dream's size (libswscale)": video["convert"],
                  "server <-> live worker: the pipe there and back": pipe,
                  **{f"worker: {name}": ms for name, ms in worker.items()},
                  "server: VP8 coding of the dream": video["encode"]}
        latency = browser_latency.get((width, height))
        stages["the rest (browser coding, network, waits): browser latency less the above"] = (
            latency - sum(stages.values()) if latency is not None and latency == latency else float("nan"))
        columns.append(stages)
    return [(name, *(column[name] for column in columns)) for name in columns[0]], threads


def flicker_rows(net, frames: int = 30) -> list[tuple]:
    import torch
    from PIL import Image
    from dreamlab.jobs.live import live_threads
    from engine.dreaming.dream import DreamSettings, deep_dream
    from engine.motion.animate import flicker
    from engine.motion.live import LiveDreamer, LiveSettings
    torch.set_num_threads(live_threads(0))
    clip = sample_frames(320, 240, 150)[:frames]  # the first 2 seconds of the panned clip

    def live(follow: bool) -> list[np.ndarray]:
        dreamer = LiveDreamer(net, LiveSettings(follow=follow), "dream", {"layers": {"block8": 1.0}})
        for frame in clip[:10]:  # as on screen: the dream has built up before these frames
            dreamer.dream(frame)
        return [dreamer.dream(frame) for frame in clip]
    followed, fixed = live(True), live(False)
    alone_settings = DreamSettings(layers={"block8": 1.0}, octaves=2, steps=4, step_size=0.012, jitter=8)
    alone = [np.asarray(deep_dream(Image.fromarray(f), alone_settings, net)) for f in clip]

    def strength(made):
        return float(np.mean([np.abs(m.astype(np.float32) - f.astype(np.float32)).mean() for m, f in zip(made, clip)]))

    pictures = lambda arrays: [Image.fromarray(a) for a in arrays]  # noqa: E731
    return [("the camera clip itself", flicker(pictures(clip)), 0.0),
            ("live (warm start following the scene, 1 step a frame)", flicker(pictures(followed)), strength(followed)),
            ("live (warm start fixed on the screen, as before)", flicker(pictures(fixed)), strength(fixed)),
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
started = time.monotonic()  # one clock for every process on the machine: the bench compares
deep_dream(photo, settings, net)
print(started, time.monotonic())
"""


def job_span() -> tuple[float, float]:
    """(start, end) of the job's dreaming, time.monotonic() (its process's start and model load left out)."""
    code = JOB.format(root=str(ROOT), photo=str(ROOT / "assets/samples/cat.jpg"))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    started, ended = (float(v) for v in done.stdout.strip().splitlines()[-1].split())
    return started, ended


def job_seconds() -> float:
    started, ended = job_span()
    return ended - started


def job_rows() -> list[tuple]:
    """A job alone, then while a live stream runs: with the live worker's threads following the job
    queue (``live_threads``, as in the app, where the server knows when a job runs), and with the
    live worker fixed on every core."""
    from dreamlab.jobs import live
    cores = os.cpu_count() or 2
    rows = [("a Deep Dream job (512x384, 3 octaves x 6 steps) alone", job_seconds(), None)]
    for fixed in (None, cores):
        if fixed:
            os.environ["DREAMLAB_LIVE_THREADS"] = str(fixed)
        running = [0]
        original, live.jobs_running = live.jobs_running, lambda: running[0]  # the job runs in a process of its own here
        try:
            seconds, live_fps, threads = _job_beside_a_stream(live, running)
        finally:
            live.jobs_running = original
            os.environ.pop("DREAMLAB_LIVE_THREADS", None)
        how = f"every core ({fixed} threads) throughout" if fixed else f"the rule ({threads} thread(s) while it runs)"
        rows.append((f"the same job while a live stream runs on {how}", seconds, live_fps))
    return rows


def _job_beside_a_stream(live, running: list) -> tuple[float, float, int]:
    worker = live.LiveWorker(0)
    worker.ready.wait(300)
    stream = live.LiveStream("bench")
    stream.use(worker, {"mode": "dream", "params": {"layers": {"block8": 1.0}},
                        "settings": {"width": 320, "height": 240, "steps": 1}})
    stop, frames = threading.Event(), sample_frames(320, 240, 150)

    def camera() -> None:
        index = 0
        while not stop.is_set():
            stream.submit(frames[index % len(frames)])
            index += 1
            time.sleep(1 / FPS)
    feeder = threading.Thread(target=camera, daemon=True)
    feeder.start()
    try:
        time.sleep(5)
        running[0] = 1
        started, ended = job_span()
        threads = worker.threads
        dreamed = [d for d in list(stream.recorded) if started <= d.at <= ended]  # while the job dreamed
        live_fps = len(dreamed) / (ended - started)
        seconds = ended - started
        running[0] = 0
    finally:
        stop.set()
        feeder.join(2)
        worker.close()
    return seconds, live_fps, threads


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20, help="measuring time in the browser per size")
    parser.add_argument("--live-threads", type=int, default=None,
                        help="torch threads of the app's live worker in the browser rows (default: its own rule)")
    for part in ("browser", "stages", "flicker", "jobs"):
        parser.add_argument(f"--skip-{part}", action="store_true")
    args = parser.parse_args()
    print(f"load before: {load()}   cores: {os.cpu_count()}")
    latency = {}
    if not args.skip_browser:
        threads = args.live_threads or "its rule, every core but one while no job runs"
        print(f"\n| in the browser (fake camera, {FPS} fps; live worker threads: {threads}) "
              "| dreamed fps | latency median | latency p90 | target |")
        print("|---|---|---|---|---|")
        for name, fps, median, p90, target in browser_rows(args.seconds, args.live_threads):
            latency[tuple(int(v) for v in name.split(":")[0].split("x"))] = median
            goal = f"≥ {target:.0f} fps, < {LATENCY_TARGET_MS} ms" if target else ""
            print(f"| {name} | {fps:.1f} | {median:.0f} ms | {p90:.0f} ms | {goal} |")
    print(f"(load: {load()})")
    from engine.network.models import load_model
    net = load_model("lite0")
    from engine.motion.live import warm_up
    warm_up(net)
    if not args.skip_stages:
        rows, threads = stage_rows(net, latency)
        print(f"\n| where a frame's time goes (median ms; worker: {threads} torch threads) | "
              + " | ".join(f"{w}x{h}" for w, h in SIZES) + " |\n|---|" + "---|" * len(SIZES))
        for name, *values in rows:
            print(f"| {name} | " + " | ".join(f"{v:.1f}" for v in values) + " |")
        print(f"(load: {load()})")
    print("\n| engine step alone (LiveDreamer.dream) | frames per second | ms per frame |\n|---|---|---|")
    for name, fps, ms in engine_rows(net):
        print(f"| {name} | {fps:.1f} | {ms:.0f} |")
    print(f"(load: {load()})")
    if not args.skip_flicker:
        print("\n| flicker, 320x240 panned clip | flicker (grey levels) | dream strength (mean change) |\n|---|---|---|")
        for name, value, strength in flicker_rows(net):
            print(f"| {name} | {value:.2f} | {strength:.1f} |")
    if not args.skip_jobs:
        print("\n| sharing the cores | job seconds | live fps meanwhile |\n|---|---|---|")
        for name, seconds, fps in job_rows():
            print(f"| {name} | {seconds:.1f} | {'' if fps is None else f'{fps:.1f}'} |")
    print(f"\nload after: {load()}")


if __name__ == "__main__":
    main()
