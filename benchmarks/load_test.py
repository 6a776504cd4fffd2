"""Several real browser sessions dream at once against a local DreamLab server, per job back end.

    .venv/bin/python -m benchmarks.load_test [--sessions 8] [--backend local|ray|both] [--rounds 1]
    .venv/bin/python -m benchmarks.load_test --url http://127.0.0.1:8501      # a server already running

Without --url it starts its own server on a free local port for each back end: ``local`` (worker
processes, the default), and ``ray`` (the app as a thin client of a one-CPU Ray cluster this
script starts on 127.0.0.1 and stops afterwards; needs requirements-ray.txt). With several rounds
the back ends take turns, so a busy machine slows both alike. All sessions are pages of ONE
Chromium. Each session opens the Deep Dream page, presses Dream on the sample photo (small size)
and waits for its result (pressing again, at most twice, if no job panel appears within 20 s: a
click during a rerun can be lost). Prints, per back end, each session's time and whether it saw the queue,
then a summary with the peak memory of the server and its workers (and of the Ray cluster).
Exits 1 unless every session finished. Only ever talks to 127.0.0.1.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

from playwright.async_api import async_playwright

ROOT = Path(__file__).resolve().parent.parent
SERVER_LOG = open(os.environ.get("DREAMLAB_LOAD_TEST_LOG", os.devnull), "a")  # the servers' output, if wanted
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


async def one_session(browser, url: str, index: int, timeout_s: float) -> dict:
    context = await browser.new_context(viewport={"width": 1280, "height": 1400})
    page = await context.new_page()
    page.set_default_timeout(timeout_s * 1000)
    started = time.monotonic()
    outcome = {"session": index, "queued": False, "seconds": None, "finished": False, "shown": "", "clicks": 1}
    try:
        await page.goto(f"{url}/deep_dream")
        await page.locator("[data-testid='stSidebarNav']").get_by_text("Home", exact=True).wait_for()
        await page.get_by_role("slider", name="Picture size").press("Home")  # "Small (fast)"
        await page.wait_for_timeout(1500)
        dream = page.get_by_role("button", name="Dream", exact=True)
        await dream.click()
        clicked = time.monotonic()
        result, stop = page.locator(".dl-compare"), page.get_by_role("button", name="Stop", exact=True)
        while time.monotonic() - started < timeout_s:
            if await page.get_by_text("in the queue").count():
                outcome["queued"] = True
            if await result.count():
                outcome["finished"] = True
                break
            if not await stop.count() and time.monotonic() - clicked > 20 and outcome["clicks"] < 3:
                # A click that lands while the page is still re-running can be lost; press again
                # (a second press finds the job already running, so nothing runs twice).
                await dream.click()
                clicked = time.monotonic()
                outcome["clicks"] += 1
            elif await stop.count():
                clicked = time.monotonic()
            await page.wait_for_timeout(250)
        outcome["seconds"] = round(time.monotonic() - started, 1)
        if not outcome["finished"]:  # what the user was looking at instead
            alerts = page.locator("[data-testid='stAlert'], [data-testid='stStatusWidget']")
            outcome["shown"] = " | ".join(t.strip()[:120] for t in await alerts.all_inner_texts())
    finally:
        await context.close()
    return outcome


async def run(url: str, sessions: int, timeout_s: float) -> list[dict]:
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            return await asyncio.gather(*(one_session(browser, url, i + 1, timeout_s) for i in range(sessions)))
        finally:
            await browser.close()


# --- memory of a process tree ---------------------------------------------------------------------

def _tree(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, []))
    return found


def _rss_mb(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


class PeakMemory:
    """Samples the resident memory of some process trees every half second; keeps the peak."""

    def __init__(self, roots: list[int]):
        self.roots, self.peak_mb = roots, 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        while not self._stop.wait(0.5):
            pids = [p for root in self.roots for p in _tree(root)]
            self.peak_mb = max(self.peak_mb, _rss_mb(pids))

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return self.peak_mb


# --- servers --------------------------------------------------------------------------------------

def start_server(env: dict) -> tuple[subprocess.Popen, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
                             "--server.headless=true", f"--server.port={port}", "--server.address=127.0.0.1",
                             "--server.fileWatcherType=none", "--browser.gatherUsageStats=false"],
                            cwd=ROOT, env={**os.environ, **env}, stdout=SERVER_LOG, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    for _ in range(240):
        try:
            urllib.request.urlopen(f"{url}/_stcore/health", timeout=1)
            return proc, url
        except OSError:
            time.sleep(0.5)
    proc.kill()
    raise SystemExit("the server did not start")


def run_backend(backend: str, sessions: int, timeout_s: float) -> dict:
    cluster = None
    env = {}
    if backend == "ray":
        from tests.ray_cluster import LocalCluster
        cluster = LocalCluster(num_cpus=1, object_store_mb=200)
        cluster.wait_ready()
        env["DREAMLAB_RAY_ADDRESS"] = cluster.address
    proc, url = start_server(env)
    try:
        memory = PeakMemory([proc.pid] + ([cluster.proc.pid] if cluster else []))
        started = time.monotonic()
        outcomes = asyncio.run(run(url, sessions, timeout_s))
        total = time.monotonic() - started
        peak = memory.stop()
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        if cluster:
            cluster.stop()
    return {"backend": backend, "outcomes": outcomes, "total": total, "peak_mb": peak}


def report(run_result: dict) -> None:
    outcomes = run_result["outcomes"]
    print(f"\n== back end: {run_result['backend']}")
    print(f"{'session':>7} {'saw queue':>9} {'seconds':>8} {'finished':>8} {'clicks':>6}")
    for o in outcomes:
        print(f"{o['session']:>7} {str(o['queued']):>9} {o['seconds']:>8} {str(o['finished']):>8} "
              f"{o['clicks']:>6}  {o['shown']}")


def summary(results: list[dict]) -> None:
    print(f"\n{'back end':>8} {'finished':>9} {'wall s':>7} {'median s':>9} {'slowest s':>10} {'peak MB':>8}")
    for r in results:
        seconds = [o["seconds"] for o in r["outcomes"] if o["seconds"] is not None]
        done = sum(o["finished"] for o in r["outcomes"])
        print(f"{r['backend']:>8} {done:>4} of {len(r['outcomes']):<2} {r['total']:>7.1f} "
              f"{statistics.median(seconds):>9.1f} {max(seconds):>10.1f} {r['peak_mb']:>8.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=8)
    parser.add_argument("--backend", choices=["local", "ray", "both"], default="both")
    parser.add_argument("--rounds", type=int, default=1, help="times each back end runs, taking turns")
    parser.add_argument("--url", help="test this running server instead (its own back end)")
    parser.add_argument("--timeout", type=float, default=400.0, help="seconds each session may take")
    args = parser.parse_args()
    if args.url:
        started = time.monotonic()
        outcomes = asyncio.run(run(args.url, args.sessions, args.timeout))
        results = [{"backend": "given", "outcomes": outcomes, "total": time.monotonic() - started, "peak_mb": 0}]
    else:
        backends = ["local", "ray"] if args.backend == "both" else [args.backend]
        results = [run_backend(b, args.sessions, args.timeout) for _ in range(args.rounds) for b in backends]
    for r in results:
        report(r)
    summary(results)
    everyone = [o for r in results for o in r["outcomes"]]
    sys.exit(0 if all(o["finished"] for o in everyone) else 1)


if __name__ == "__main__":
    main()
