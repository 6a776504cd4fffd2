"""The Deep Dream browser test again (upload, dream, compare, download), with the app as a thin
client of a local Ray cluster. Queueing and Stop through Ray are in tests/test_jobs_ray.py."""
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ROOT, _free_port
from tests.test_browser_dream import test_upload_dream_slider_and_download  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.ray]


@pytest.fixture(scope="module")
def app_url(ray_cluster, tmp_path_factory):
    """``streamlit run app.py`` with DREAMLAB_RAY_ADDRESS pointing at the test's cluster."""
    port = _free_port()
    log = tmp_path_factory.mktemp("ray-app") / "server.log"
    env = {**os.environ, "DREAMLAB_RAY_ADDRESS": ray_cluster.address}
    with open(log, "w") as out:
        proc = subprocess.Popen(
            [str(Path(sys.executable).with_name("streamlit")), "run", str(ROOT / "app.py"),
             "--server.headless=true", f"--server.port={port}", "--server.address=127.0.0.1",
             "--server.fileWatcherType=none", "--browser.gatherUsageStats=false"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{url}/_stcore/health", timeout=2)
            break
        except OSError:
            time.sleep(0.5)
    yield url
    proc.terminate()
    proc.wait(timeout=30)
    assert "terminate called" not in log.read_text()
