"""Several real browser sessions dream at once against a local DreamLab server.

    .venv/bin/python benchmarks/load_test.py [--sessions 4] [--url http://127.0.0.1:8501]

Without --url it starts its own server on a free local port. Each session opens the Deep Dream
page, presses Dream on the sample photo (small size) and waits for its result. Prints, per
session, whether it saw the queue, how long it took and whether it finished; exits 1 unless all did.
Only ever talks to 127.0.0.1.
"""
from __future__ import annotations

import argparse
import asyncio
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from playwright.async_api import async_playwright

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


async def one_session(browser, url: str, index: int, timeout_s: float) -> dict:
    context = await browser.new_context(viewport={"width": 1280, "height": 1400})
    page = await context.new_page()
    page.set_default_timeout(timeout_s * 1000)
    started = time.monotonic()
    outcome = {"session": index, "queued": False, "seconds": None, "finished": False}
    try:
        await page.goto(f"{url}/deep_dream")
        await page.locator("[data-testid='stSidebarNav']").get_by_text("Home", exact=True).wait_for()
        await page.get_by_role("slider", name="Picture size").press("Home")  # "Small (fast)"
        await page.wait_for_timeout(1500)
        await page.get_by_role("button", name="Dream").click()
        result = page.locator(".dl-compare")
        while time.monotonic() - started < timeout_s:
            if await page.get_by_text("in the queue").count():
                outcome["queued"] = True
            if await result.count():
                outcome["finished"] = True
                break
            await page.wait_for_timeout(250)
        outcome["seconds"] = round(time.monotonic() - started, 1)
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


def start_server() -> tuple[subprocess.Popen, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
                             "--server.headless=true", f"--server.port={port}", "--server.address=127.0.0.1"],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(240):
        try:
            urllib.request.urlopen(f"{url}/_stcore/health", timeout=1)
            return proc, url
        except OSError:
            time.sleep(0.5)
    proc.kill()
    raise SystemExit("the server did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=4)
    parser.add_argument("--url")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds each session may take")
    args = parser.parse_args()
    proc, url = (None, args.url) if args.url else start_server()
    try:
        started = time.monotonic()
        outcomes = asyncio.run(run(url, args.sessions, args.timeout))
        total = time.monotonic() - started
    finally:
        if proc:
            proc.terminate()
            proc.wait(timeout=20)
    print(f"{'session':>7} {'saw queue':>9} {'seconds':>8} {'finished':>8}")
    for o in outcomes:
        print(f"{o['session']:>7} {str(o['queued']):>9} {o['seconds']:>8} {str(o['finished']):>8}")
    done = sum(o["finished"] for o in outcomes)
    print(f"{done} of {len(outcomes)} sessions finished in {total:.1f} s")
    sys.exit(0 if done == len(outcomes) else 1)


if __name__ == "__main__":
    main()
