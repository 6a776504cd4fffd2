"""Press -> picture, as a person sees it: a fresh app server, headless Chromium, one press per run.

    /work/main/.venv/bin/python -m benchmarks.bench_press [--runs 3] [--shots DIR] [--log FILE]

Starts ``streamlit run app.py`` (the README's way, on a free port), opens the Deep Dream page once so
the job workers start (they start with the first visit), and waits until every worker has printed
``dreamlab.jobs.local.WARM_LINE`` (torch, the model and its kernels loaded). Then, ``--runs`` times:

 (a) Deep Dream, Medium (800 px), on a 1024x768 photo (assets/samples/cat.jpg, cropped to 4:3 and
     enlarged): press -> first live preview on screen, press -> result on screen;
 (b) the same at Large (1024 px);
 (c) Filter Gallery: choosing the ``head`` layer (painted on demand: Lite0's other layers are
     precomputed) -> its first thumbnail on screen (later runs: Next, to a page not painted yet), and
     choosing a precomputed layer -> its first thumbnail.

Every run is a new browser page (a new session: nothing shown before), the press is one click, and
the times are taken inside the browser: from the click's event to the animation frame in which the
picture's <img> has loaded (``complete`` with a natural size), so Python's polling adds nothing.
The table gives median, min and max, and the first press after the fresh start beside the later ones
(the first press pays for whatever the warm-up left out). ``--shots`` keeps screenshots of the first
Medium run at its first preview and at its result: look at them, to be sure a picture was timed.
The machine's load (``uptime``) is printed before and after: times on a busy machine are slow.
"""
from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from dreamlab.jobs.local import WARM_LINE  # noqa: E402  (no torch: the app's side of the jobs)

CHROMIUM = os.environ.get("DREAMLAB_CHROMIUM", "/usr/bin/chromium")
TARGETS = {"first preview": 1.0, "Medium result": 4.0, "Large result": 8.0, "gallery first thumbnail": 1.0}
PER_PAGE = 16  # the gallery's default page

# Installed in every page: times, in the page's own clock, the click on the watched button and, for
# each wanted picture, the first animation frame in which it has loaded. window.__bench.arm(button,
# {name: function returning the <img> or null}) starts a new measurement.
WATCHER = """
() => {
  const b = window.__bench = {press: null, seen: {}, size: {}, wanted: {}, pressSelector: null};
  const loaded = img => img && img.complete && img.naturalWidth > 0;
  // DreamLab's components (the before/after slider, the thumbnail grid) live in shadow roots.
  window.__deepAll = selector => {
    const found = [...document.querySelectorAll(selector)];
    for (const host of document.querySelectorAll('*')) {
      if (host.shadowRoot) found.push(...host.shadowRoot.querySelectorAll(selector));
    }
    return found;
  };
  b.arm = (pressSelector, wanted) => { b.press = null; b.seen = {}; b.size = {}; b.pressSelector = pressSelector;
                                       b.wanted = wanted; };
  document.addEventListener('click', e => {
    if (b.pressSelector && b.press === null && e.target.closest(b.pressSelector)) b.press = performance.now();
  }, true);
  const frame = () => {
    if (b.press !== null) {
      for (const [name, find] of Object.entries(b.wanted)) {
        if (name in b.seen) continue;
        const img = find();
        if (loaded(img)) { b.seen[name] = performance.now(); b.size[name] = [img.naturalWidth, img.naturalHeight]; }
      }
    }
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
}
"""
DREAM_BUTTON = ".st-key-run-dream button"
PREVIEW = "() => document.querySelector('.st-key-dl-job-dream [data-testid=\"stImage\"] img')"
RESULT = "() => window.__deepAll('.dl-compare img.dl-after')[0]"


def thumbnail_of(layer: str, first: int, last: int) -> str:
    """A picture (live or finished) of one of the filters first..last of ``layer`` in the grid."""
    return (f"() => window.__deepAll('img[data-layer=\"{layer}\"]').find(img => {{"
            f" const m = /(\\d+) of /.exec(img.alt || ''); return m && +m[1] >= {first} && +m[1] <= {last}; }})")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def load() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def make_photo(folder: Path) -> Path:
    """A 1024x768 photo: the cat sample cropped to 4:3 and enlarged (the repository has no larger photo)."""
    cat = Image.open(ROOT / "assets" / "samples" / "cat.jpg").convert("RGB")
    width = min(cat.width, cat.height * 4 // 3)
    left = (cat.width - width) // 2
    photo = cat.crop((left, 0, left + width, width * 3 // 4)).resize((1024, 768), Image.LANCZOS)
    path = folder / "photo-1024x768.jpg"
    photo.save(path, quality=92)
    return path


def start_app(log_path: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    log = open(log_path, "ab")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless=true", f"--server.port={port}",
         "--server.address=127.0.0.1", "--server.fileWatcherType=none", "--browser.gatherUsageStats=false"],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                return proc, url
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise SystemExit(f"the app did not answer within 120 s (log: {log_path})")


def wait_warm(log_path: Path, workers: int, timeout_s: float = 600) -> float:
    """Seconds until ``workers`` workers said they are warm (the workers start with the first visit)."""
    started = time.monotonic()
    while time.monotonic() - started < timeout_s:
        if log_path.read_text(errors="replace").count(WARM_LINE) >= workers:
            return time.monotonic() - started
        time.sleep(0.2)
    raise SystemExit(f"no '{WARM_LINE}' line from {workers} worker(s) within {timeout_s:.0f} s (log: {log_path})")


def idle(page, timeout_ms: int = 300_000) -> None:
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=timeout_ms)


def new_page(browser, url: str, path: str):
    context = browser.new_context(viewport={"width": 1280, "height": 1400})
    page = context.new_page()
    page.set_default_timeout(300_000)
    page.goto(f"{url}/{path}")
    page.locator("[data-testid='stSidebarNav']").get_by_text("Home", exact=True).wait_for()
    idle(page)
    page.evaluate(WATCHER)
    return context, page


def arm(page, button: str, wanted: dict[str, str]) -> None:
    """Watch the next click on ``button`` and the pictures ``wanted`` ({name: JS function})."""
    found = ", ".join(f"{name!r}: {find}" for name, find in wanted.items())
    page.evaluate(f"() => window.__bench.arm({button!r}, {{{found}}})")


def seconds_until(page, name: str, *, or_: str = "", timeout_ms: int = 300_000):
    """Seconds from the armed press to the first frame with picture ``name`` loaded; None when
    picture ``or_`` came first (e.g. the result before any preview)."""
    either = f" || window.__bench.seen[{or_!r}] !== undefined" if or_ else ""
    page.wait_for_function(f"() => window.__bench.seen[{name!r}] !== undefined{either}", timeout=timeout_ms)
    press, seen = page.evaluate(f"() => [window.__bench.press, window.__bench.seen[{name!r}]]")
    if press is None:
        raise RuntimeError(f"{name}: the press was not seen")
    return None if seen is None else (seen - press) / 1000


def dream_run(browser, url: str, photo: Path, size: str, shots: Path | None) -> tuple[float | None, float]:
    """One dream from a new session: (press -> first preview, press -> result), in seconds; no
    preview (None) when the result came before any preview was shown."""
    context, page = new_page(browser, url, "deep_dream")
    try:
        page.get_by_role("radio", name="Upload").click()
        idle(page)
        uploader = page.locator("[data-testid='stFileUploader']").first
        uploader.locator("input[type='file']").set_input_files(str(photo))
        uploader.locator("[data-testid='stFileChip']").wait_for()
        idle(page)
        slider = page.get_by_role("slider", name="Picture size")
        if slider.get_attribute("aria-valuetext") != size:
            slider.focus()
            slider.press("ArrowRight")  # Medium (the default) -> Large
            idle(page)
        if slider.get_attribute("aria-valuetext") != size:
            raise RuntimeError(f"the picture size is {slider.get_attribute('aria-valuetext')!r}, not {size!r}")
        arm(page, DREAM_BUTTON, {"preview": PREVIEW, "result": RESULT})
        page.locator(DREAM_BUTTON).click()
        preview = seconds_until(page, "preview", or_="result")
        if shots:
            page.screenshot(path=str(shots / f"press-{size.lower()}-first-preview.png"))
        result = seconds_until(page, "result")
        sizes = page.evaluate("() => window.__bench.size")  # the pictures timed, as the browser decoded them
        print(f"  {size}: first preview {'x'.join(map(str, sizes.get('preview', ['none'])))} px, "
              f"result {'x'.join(map(str, sizes['result']))} px", flush=True)
        if shots:
            page.locator(".dl-compare").scroll_into_view_if_needed()
            page.screenshot(path=str(shots / f"press-{size.lower()}-result.png"))
        idle(page)
        return preview, result
    finally:
        context.close()


def choose_layer(page, layer: str) -> None:
    page.get_by_role("combobox", name="Layer (low → high)").click()
    page.get_by_role("option", name=layer, exact=False).first.click()


def gallery_runs(browser, url: str, runs: int, shots: Path | None) -> tuple[list[float], list[float]]:
    """(head painted on demand, a precomputed layer): seconds from the choice (or Next) to a first thumbnail.
    One session: run k paints head's page k (the pages before it are in the app's cache by then)."""
    painted, precomputed = [], []
    context, page = new_page(browser, url, "filter_gallery")
    try:
        for run in range(runs):
            layer = ("block3", "block9", "block12", "block14", "block6")[run % 5]
            option = "[role='option']"
            arm(page, option, {"thumbnail": thumbnail_of(layer, 0, PER_PAGE - 1)})
            choose_layer(page, layer)
            precomputed.append(seconds_until(page, "thumbnail"))
            idle(page)
            first = run * PER_PAGE
            if run == 0:
                arm(page, option, {"thumbnail": thumbnail_of("head", first, first + PER_PAGE - 1)})
                choose_layer(page, "head")
            else:
                choose_layer(page, "head")  # the page painted last run, from the cache
                page.locator(f"img[data-layer='head'][data-state='done'][alt*=' {first - 1} of']").wait_for()
                idle(page)
                next_button = "[class*='st-key-gallery'][class*='next'] button"
                arm(page, next_button, {"thumbnail": thumbnail_of("head", first, first + PER_PAGE - 1)})
                page.locator(next_button).click()
            painted.append(seconds_until(page, "thumbnail"))
            if shots and run == 0:
                page.screenshot(path=str(shots / "press-gallery-first-thumbnail.png"))
            # every thumbnail of the page finished (so the next run starts from a quiet machine)
            page.locator(f"img[data-layer='head'][data-state='done'][alt*=' {first + PER_PAGE - 1} of']").wait_for()
            idle(page)
    finally:
        context.close()
    return painted, precomputed


def row(name: str, measured: list, target: float | None) -> str:
    """Median, min, max, the first run and the median of the later runs; None (not seen) is left out."""
    values = [v for v in measured if v is not None]
    if not values:
        return f"{name:<42} {target if target else '':>6}  never seen"
    later = [v for v in measured[1:] if v is not None]
    return (f"{name:<42} {target if target else '':>6} {statistics.median(values):>7.2f} {min(values):>6.2f} "
            f"{max(values):>6.2f} {fmt(measured[0]):>7} {statistics.median(later) if later else float('nan'):>7.2f}"
            f"   [{', '.join(fmt(v) for v in measured)}]")


def fmt(seconds) -> str:
    return "none" if seconds is None else f"{seconds:.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--shots", type=Path, help="folder for screenshots of the first runs")
    parser.add_argument("--log", type=Path, help="the app server's log (default: a temporary file)")
    parser.add_argument("--workers", type=int, default=int(os.environ.get("DREAMLAB_MAX_JOBS") or 1),
                        help="how many workers to wait for (DREAMLAB_MAX_JOBS, else 1: one per CPU machine)")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-press-"))
    os.environ.setdefault("DREAMLAB_DATA_DIR", str(folder / "data"))  # visitors' pictures, not the user's
    log_path = args.log or folder / "server.log"
    if args.shots:
        args.shots.mkdir(parents=True, exist_ok=True)
    photo = make_photo(folder)
    print(f"before: {load()}", flush=True)
    from playwright.sync_api import sync_playwright
    started = time.monotonic()
    proc, url = start_app(log_path)
    print(f"app answering after {time.monotonic() - started:.1f} s", flush=True)
    times: dict[str, list[float]] = {}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--headless", "--disable-gpu"])
            visit = time.monotonic()
            context, _ = new_page(browser, url, "deep_dream")  # the first visit starts the workers
            warm = wait_warm(log_path, args.workers)
            context.close()
            print(f"workers warm {warm:.1f} s after the first visit "
                  f"({time.monotonic() - visit:.1f} s with the page's own load)", flush=True)
            for run in range(args.runs):
                for size in ("Medium", "Large"):
                    preview, result = dream_run(browser, url, photo, size, args.shots if run == 0 else None)
                    times.setdefault(f"{size}: press -> first preview", []).append(preview)
                    times.setdefault(f"{size}: press -> result", []).append(result)
                    print(f"run {run + 1} {size}: first preview {fmt(preview)} s, result {result:.2f} s", flush=True)
            painted, precomputed = gallery_runs(browser, url, args.runs, args.shots)
            times["gallery head (painted): -> first thumbnail"] = painted
            times["gallery precomputed layer: -> first thumbnail"] = precomputed
            print(f"gallery: head {', '.join(f'{v:.2f}' for v in painted)} s; precomputed "
                  f"{', '.join(f'{v:.2f}' for v in precomputed)} s", flush=True)
            browser.close()
    finally:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
    print(f"\nafter: {load()}")
    print(f"{'seconds, ' + str(args.runs) + ' runs':<42} {'target':>6} {'median':>7} {'min':>6} {'max':>6} "
          f"{'first':>7} {'later':>7}")
    targets = {"first preview": TARGETS["first preview"], "Medium: press -> result": TARGETS["Medium result"],
               "Large: press -> result": TARGETS["Large result"], "gallery": TARGETS["gallery first thumbnail"]}
    for name, values in times.items():
        target = next((t for key, t in targets.items() if key in name), None)
        print(row(name, values, target))
    print("first: the first press after the fresh start (the gallery's: its first layer choice); "
          "later: the median of the others")


if __name__ == "__main__":
    main()
