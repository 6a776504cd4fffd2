"""Does the app fit Streamlit Community Cloud's memory (about 2.7 GB)? The whole server, every page, one dream.

    .venv/bin/python -m benchmarks.cloud_memory                   # the Cloud entrypoint, largest picture
    .venv/bin/python -m benchmarks.cloud_memory --python /tmp/cpu-venv/bin/python   # another install
    .venv/bin/python -m benchmarks.cloud_memory --no-dream        # only the visit to every page
    .venv/bin/python -m benchmarks.cloud_memory --root /tmp/old-checkout --no-dream  # another version's app

First it opens every page of the app in turn (Home, then each page of the sidebar) and reports, apart,
the resident memory of the Streamlit server's own process and of each job worker beside it, and whether
the server has torch loaded (its shared library mapped into the process: /proc/<pid>/maps).

Starts `streamlit run deploy/community_cloud/streamlit_app.py` from the repository root (as Community
Cloud does), opens the Deep Dream page in headless Chromium, uploads a 4000x3000 photo (the app
scales it to DREAMLAB_MAX_SIDE, 1600 px), picks the largest picture size and the default preset,
presses Dream and waits for the result. Jobs run in worker processes beside the server, so it samples
the resident memory of the server and all its descendants together every 0.2 s and prints the peak
of that sum, against the budget; also the sum of each process's own peak (VmHWM), an upper bound.
Needs Debian's chromium.
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

from PIL import Image

from tests.conftest import CHROMIUM, CHROMIUM_ARGS, upload, wait_for_app

ROOT = Path(__file__).resolve().parent.parent
ENTRYPOINT = "deploy/community_cloud/streamlit_app.py"
BUDGET_MB = 2700
SERVER_TARGET_MB = 300  # the Streamlit server's own process after a visit to every page (torch stays in the workers)
SETTLE_S = 10  # after each page: jobs the page starts (thumbnails, the Motion page's timing) finish meanwhile


def memory_mb(pid: int, field: str) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise KeyError(field)


def process_tree(pid: int) -> list[int]:
    """pid and every descendant still alive."""
    tree, todo = [], [pid]
    while todo:
        current = todo.pop()
        tree.append(current)
        try:
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        todo += [int(child) for child in children]
    return tree


def tree_mb(pid: int, field: str) -> float:
    total = 0.0
    for member in process_tree(pid):
        try:
            total += memory_mb(member, field)
        except (OSError, KeyError):  # it ended meanwhile
            pass
    return total


class PeakSampler(threading.Thread):
    """The largest sum of resident memory over the server's process tree, sampled until stopped."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peak, self.own_peaks, self.done = pid, 0.0, 0.0, threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            self.peak = max(self.peak, tree_mb(self.pid, "VmRSS"))
            self.own_peaks = max(self.own_peaks, tree_mb(self.pid, "VmHWM"))
            self.done.wait(0.2)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def torch_loaded(pid: int) -> bool:
    """Whether torch's C++ library is mapped into the process (it is once ``import torch`` ran)."""
    try:
        return "libtorch" in Path(f"/proc/{pid}/maps").read_text()
    except OSError:
        return False


def page_paths(root: Path) -> list[str]:
    """Home, then every page file in app_pages/ (Streamlit's address of a page is its file's name)."""
    names = sorted(p.stem for p in (root / "app_pages").glob("*.py") if p.stem != "home")
    return [""] + names


def visit_every_page(url: str, paths: list[str]) -> None:
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 1600})
        page.set_default_timeout(120_000)
        for path in paths:
            page.goto(f"{url}/{path}")
            wait_for_app(page)
            if page.locator("text=Traceback").count():
                raise SystemExit(f"the page /{path} shows a traceback")
            time.sleep(SETTLE_S)
            wait_for_app(page)
        browser.close()


def report_processes(pid: int) -> float:
    """Print the server's and each child process's own resident memory (the job workers, multiprocessing's
    resource tracker); return the server's."""
    server = memory_mb(pid, "VmRSS")
    workers = []
    for member in process_tree(pid)[1:]:
        try:
            workers.append((member, memory_mb(member, "VmRSS"), torch_loaded(member)))
        except (OSError, KeyError):
            pass
    print(f"after visiting every page: Streamlit server {server:.0f} MB resident (peak {memory_mb(pid, 'VmHWM'):.0f} MB), "
          f"torch {'LOADED' if torch_loaded(pid) else 'not loaded'} in the server "
          f"(target {SERVER_TARGET_MB} MB: {'met' if server <= SERVER_TARGET_MB else 'MISSED'})")
    for member, rss, has_torch in workers:
        print(f"  child process {member}: {rss:.0f} MB resident{', torch loaded' if has_torch else ''}")
    return server


def start_server(python: str, port: int, root: Path = ROOT) -> subprocess.Popen:
    server = subprocess.Popen(
        [python, "-m", "streamlit", "run", ENTRYPOINT, "--server.headless=true", f"--server.port={port}",
         "--server.address=127.0.0.1", "--browser.gatherUsageStats=false"],
        cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(240):
        try:
            if urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2).read() == b"ok":
                return server
        except OSError:
            time.sleep(0.5)
    server.kill()
    raise SystemExit("the app did not start")


def dream_in_browser(url: str, photo: Path, timeout_s: float) -> float:
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 1600})
        page.set_default_timeout(120_000)
        page.goto(f"{url}/deep_dream")
        wait_for_app(page)
        page.get_by_role("radio", name="Upload").click()
        upload(page, photo)
        page.get_by_role("slider", name="Picture size").press("End")  # the largest size the app allows
        wait_for_app(page)
        start = time.perf_counter()
        page.get_by_role("button", name="Dream").click()
        page.get_by_text("Your dream").wait_for(timeout=timeout_s * 1000)
        seconds = time.perf_counter() - start
        if page.locator("text=Traceback").count():
            raise SystemExit("the page shows a traceback")
        browser.close()
        return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--python", default=sys.executable, help="the interpreter of the install to measure")
    parser.add_argument("--timeout", type=float, default=900, help="seconds to wait for the dream")
    parser.add_argument("--no-dream", action="store_true", help="only visit every page and report")
    parser.add_argument("--root", type=Path, default=ROOT, help="the checkout whose app to run (default: this one)")
    args = parser.parse_args()
    torch = subprocess.run([args.python, "-c", "import torch; print(torch.__version__, torch.version.cuda or 'cpu-only')"],
                           capture_output=True, text=True).stdout.strip()
    with tempfile.TemporaryDirectory() as scratch:
        photo = Path(scratch) / "big_photo.jpg"
        Image.open(ROOT / "assets" / "samples" / "cat.jpg").convert("RGB").resize((4000, 3000)).save(photo, quality=90)
        port = free_port()
        server = start_server(args.python, port, args.root)
        sampler = PeakSampler(server.pid)
        sampler.start()
        try:
            loaded = tree_mb(server.pid, "VmRSS")
            print(f"root {args.root}; when started: Streamlit server {memory_mb(server.pid, 'VmRSS'):.0f} MB, "
                  f"with its workers {loaded:.0f} MB")
            visit_every_page(f"http://127.0.0.1:{port}", page_paths(args.root))
            report_processes(server.pid)
            if args.no_dream:
                return
            seconds = dream_in_browser(f"http://127.0.0.1:{port}", photo, args.timeout)
            after = tree_mb(server.pid, "VmRSS")
            processes = len(process_tree(server.pid))
        finally:
            sampler.done.set()
            sampler.join()
            server.terminate()
            server.wait(timeout=30)
        peak = sampler.peak
    print(f"torch {torch}; entrypoint {ENTRYPOINT}; DREAMLAB_MAX_SIDE={os.environ.get('DREAMLAB_MAX_SIDE', '1600')}")
    print(f"server and its {processes - 1} worker processes, resident memory together: when started {loaded:.0f} MB, "
          f"after the dream {after:.0f} MB, peak {peak:.0f} MB (budget {BUDGET_MB} MB: "
          f"{'fits' if peak < BUDGET_MB else 'DOES NOT FIT'}); sum of each process's own peak "
          f"{sampler.own_peaks:.0f} MB; the dream took {seconds:.0f} s")


if __name__ == "__main__":
    main()
