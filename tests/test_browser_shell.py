"""The app shell in a real browser."""
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.conftest import ROOT, _free_port, wait_for_app

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("first_page", ["deep_dream", "filter_gallery"])
def test_a_deep_link_on_a_fresh_server_gets_the_app_navigation(browser, first_page):
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
                               "--server.headless=true", f"--server.port={port}", "--server.address=127.0.0.1"],
                              cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}"
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{url}/_stcore/health", timeout=1)
                break
            except OSError:
                time.sleep(0.5)
        page = browser.new_page()
        page.goto(f"{url}/{first_page}")
        wait_for_app(page)
        nav = page.locator("[data-testid='stSidebarNav']")
        assert nav.get_by_text("Hybrid Palette", exact=True).count() == 1
        assert nav.get_by_text("app", exact=True).count() == 0
        page.close()
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_every_page_opens_without_an_error(page, app_url):
    for path in ["", "deep_dream", "filter_gallery", "style_transfer", "hybrid_palette", "motion", "live"]:
        page.goto(f"{app_url}/{path}")
        wait_for_app(page)
        page.locator("h1").first.wait_for()
        assert page.locator("[data-testid='stException']").count() == 0, path
        assert page.locator("text=Traceback").count() == 0, path
