"""Shared fixtures: the real Lite0 model, small pictures, a live app server and a browser."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Optional

import numpy as np
import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
# Visitors' pictures (dreamlab.studio.session_store) go to a throwaway folder, never the user's cache; the
# app servers the browser tests start inherit it.
os.environ.setdefault("DREAMLAB_DATA_DIR", tempfile.mkdtemp(prefix="dreamlab-test-data-"))
CHROMIUM = os.environ.get("DREAMLAB_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def pytest_addoption(parser):
    parser.addoption("--soak", action="store_true",
                     help="the long soak (tests/test_soak.py): 50 impatient presses and 8 visitors at once")


@pytest.fixture(scope="module")
def one_torch_thread():
    """Tiny pictures run as fast on one thread, and one thread never stalls on a busy machine."""
    import torch
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture
def jobs_here():
    """Jobs run inside this test process (not in worker processes), so monkeypatches reach them."""
    import dreamlab.jobs.service
    from dreamlab.jobs.queue import JobQueue
    saved = dreamlab.jobs.service._QUEUE
    dreamlab.jobs.service._QUEUE = JobQueue(max_running=1)
    yield dreamlab.jobs.service._QUEUE
    dreamlab.jobs.service._QUEUE.close()
    dreamlab.jobs.service._QUEUE = saved


@pytest.fixture(scope="session")
def lite0():
    from engine.network.models import load_model
    return load_model("lite0", device="cpu")


def gradient_picture(width: int = 128, height: int = 96, seed: int = 0) -> Image.Image:
    """A smooth, photo-like test picture: colour gradients plus a soft blob and a little noise."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    r = x / width
    g = y / height
    b = np.exp(-(((x - width * 0.6) ** 2 + (y - height * 0.4) ** 2) / (0.08 * width * height)))
    rgb = np.stack([r, g, b], axis=-1) * 0.8 + 0.1 + rng.normal(0, 0.02, (height, width, 3))
    return Image.fromarray((np.clip(rgb, 0, 1) * 255).astype(np.uint8))


@pytest.fixture
def small_picture() -> Image.Image:
    return gradient_picture()


@pytest.fixture(scope="session")
def cat_photo() -> Image.Image:
    return Image.open(ROOT / "assets" / "samples" / "cat.jpg").convert("RGB")


# --- real browser ---------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _server_log():
    """Where the test server's messages go: DREAMLAB_TEST_SERVER_LOG (a file), else nowhere."""
    path = os.environ.get("DREAMLAB_TEST_SERVER_LOG")
    return open(path, "ab") if path else subprocess.DEVNULL


def start_app_server(env: Optional[dict] = None, log: Optional[Path] = None) -> tuple[subprocess.Popen, str]:
    """A real ``streamlit run app.py`` on a free local port; returns the process and its address.
    ``env``: more environment variables; ``log``: a file for the server's messages."""
    port = _free_port()
    streamlit = Path(sys.executable).with_name("streamlit")
    proc = subprocess.Popen(
        [str(streamlit), "run", str(ROOT / "app.py"), "--server.headless=true", f"--server.port={port}",
         "--server.address=127.0.0.1", "--server.fileWatcherType=none", "--browser.gatherUsageStats=false"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=open(log, "ab") if log else _server_log(),
        env={**os.environ, **(env or {})})
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                return proc, url
        except OSError:
            time.sleep(0.5)
    proc.kill()
    pytest.fail("the app server did not start")


def stop_app_server(proc: subprocess.Popen) -> None:
    proc.terminate()
    proc.wait(timeout=20)


@pytest.fixture(scope="session")
def app_url():
    """The app server the browser tests share."""
    proc, url = start_app_server()
    yield url
    stop_app_server(proc)


@pytest.fixture(scope="session")
def ray_cluster():
    """A one-CPU Ray cluster on 127.0.0.1 (small object store, no dashboard), stopped afterwards."""
    pytest.importorskip("ray", reason="the Ray back end's tests need requirements-ray.txt")
    from tests.ray_cluster import LocalCluster
    cluster = LocalCluster(num_cpus=1, object_store_mb=200)
    try:
        cluster.wait_ready()
        yield cluster
    finally:
        import ray
        ray.shutdown()
        cluster.stop()


@pytest.fixture(scope="session")
def playwright():
    """The one Playwright of the test run: its sync API runs an event loop in this thread, so a
    second sync_playwright() while it lives fails. Browsers with other flags launch from it."""
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        if os.environ.get("DREAMLAB_REQUIRE_BROWSER"):
            pytest.fail(f"chromium not found at {CHROMIUM}")
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright):
    b = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield b
    b.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


@pytest.fixture
def page(browser, request):
    context = browser.new_context(viewport={"width": 1280, "height": 1600}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(60_000)
    yield page
    failed = getattr(request.node, "report_call", None)
    if failed is not None and failed.failed:  # keep a picture of what the user would have seen
        shots = ROOT / "test-results"
        shots.mkdir(exist_ok=True)
        page.screenshot(path=str(shots / f"{request.node.name}.png"), full_page=True)
    context.close()


def wait_for_app(page) -> None:
    """Wait until the app's own navigation is shown and Streamlit has finished its current run."""
    page.locator("[data-testid='stSidebarNav']").get_by_text("Home", exact=True).wait_for(timeout=120_000)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=120_000)


def open_page(page_file: str, timeout: float = 120):
    """AppTest of the whole app (navigation included), switched to ``app_pages/<page_file>``."""
    from streamlit.testing.v1 import AppTest
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)
    at.run()
    at.switch_page(f"app_pages/{page_file}")
    at.run()
    assert not at.exception, at.exception
    return at


def upload(page, path, uploader_index: int = 0) -> None:
    """Put a file into a Streamlit file uploader (once) and wait until the app has it."""
    wait_for_app(page)
    uploader = page.locator("[data-testid='stFileUploader']").nth(uploader_index)
    uploader.locator("input[type='file']").set_input_files(str(path))
    uploader.locator("[data-testid='stFileChip']").wait_for(timeout=30_000)
    wait_for_app(page)


def download(page, tmp_path, name: str, button=None):
    """Press Download; the saved file and the name the browser suggested."""
    with page.expect_download() as info:
        (button or page.get_by_role("button", name="Download PNG").first).click()
    path = tmp_path / name
    info.value.save_as(path)
    return path, info.value.suggested_filename


# Where the result's Download PNG button sits, relative to the page's title (so scrolling does not
# count), at every frame from its first appearance: a button that moves once drawn can slide from
# under a press (a press is a down and an up; when they land on different elements no click is sent).
_WATCH_DOWNLOAD_BUTTON = """() => {
  window.dlDownloadPlaces = [];
  const frame = () => {
    const button = [...document.querySelectorAll('[data-testid="stDownloadButton"] button')]
      .find((b) => b.innerText.includes('Download PNG'));
    const title = document.querySelector('h1');
    if (button && title) {
      const place = Math.round(button.getBoundingClientRect().top - title.getBoundingClientRect().top);
      const places = window.dlDownloadPlaces;
      if (places[places.length - 1] !== place) places.push(place);
    }
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
}"""


def watch_download_button(page) -> None:
    """From now on, note every place the Download PNG button is drawn at (see ``download_button_places``)."""
    page.evaluate(_WATCH_DOWNLOAD_BUTTON)


def download_button_places(page) -> list:
    """The places (px below the title) the Download PNG button has been drawn at since it first showed."""
    return page.evaluate("() => window.dlDownloadPlaces")


def open_dream_with_upload(page, app_url, photo) -> None:
    """The Deep Dream page with ``photo`` uploaded and shown."""
    page.goto(f"{app_url}/deep_dream")
    wait_for_app(page)
    page.get_by_role("radio", name="Upload").click()
    upload(page, photo)
    page.locator("[data-testid='stImage']").first.wait_for()
