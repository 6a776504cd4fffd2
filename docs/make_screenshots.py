"""Take the README's screenshots from the running app, in headless Chromium.

    .venv/bin/python docs/make_screenshots.py [--url http://127.0.0.1:8501]

Without --url it starts its own server. Each page is opened, its main button pressed where it
has one, and the finished page saved as docs/screenshots/<page>.png.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.load_test import CHROMIUM_ARGS, start_server  # noqa: E402

OUT = ROOT / "docs" / "screenshots"


def wait_idle(page) -> None:
    page.locator("[data-testid='stSidebarNav']").get_by_text("Home", exact=True).wait_for()
    page.wait_for_timeout(1500)
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=300_000)


def shoot(page, url: str, path: str, name: str, button: str | None, done_selector: str | None,
          first: str | None = None) -> None:
    page.goto(f"{url}/{path}")
    wait_idle(page)
    if first:
        page.get_by_role("button", name=first, exact=True).first.click()
        wait_idle(page)
    if button:
        page.get_by_role("button", name=button, exact=True).first.click()
        page.locator(done_selector).first.wait_for(timeout=300_000)
        wait_idle(page)
    # The page scrolls a new result into view; the README shows each page from its top.
    page.evaluate("() => document.querySelectorAll('[data-testid=\"stMain\"], [data-testid=\"stAppScrollToBottomContainer\"]')"
                  ".forEach(e => e.scrollTo(0, 0))")
    page.wait_for_timeout(300)
    page.screenshot(path=str(OUT / f"{name}.png"), full_page=True)
    print(OUT / f"{name}.png")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url")
    args = parser.parse_args()
    proc, url = (None, args.url) if args.url else start_server({})
    OUT.mkdir(parents=True, exist_ok=True)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 2300})
            page.set_default_timeout(120_000)
            shoot(page, url, "", "home", None, None)
            shoot(page, url, "deep_dream", "deep_dream", "Dream", ".dl-compare")
            shoot(page, url, "filter_gallery", "filter_gallery", None, None)
            shoot(page, url, "style_transfer", "style_transfer", "Paint", ".dl-compare")
            shoot(page, url, "hybrid_palette", "hybrid_palette", "Paint", ".dl-compare", first="Surprise me")
            browser.close()
    finally:
        if proc:
            proc.terminate()
            proc.wait(timeout=20)


if __name__ == "__main__":
    main()
