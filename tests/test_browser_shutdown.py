"""Stopping the server while a job runs: it exits promptly and cleanly, and takes its workers along."""
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ROOT, _free_port, gradient_picture, open_dream_with_upload

pytestmark = pytest.mark.browser


def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        fields = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return False
    return fields[0] != "Z"


@pytest.fixture
def own_server(tmp_path):
    port = _free_port()
    log = tmp_path / "server.log"
    streamlit = Path(sys.executable).with_name("streamlit")
    with open(log, "w") as out:
        proc = subprocess.Popen(
            [str(streamlit), "run", str(ROOT / "app.py"), "--server.headless=true", f"--server.port={port}",
             "--server.address=127.0.0.1", "--server.fileWatcherType=none", "--browser.gatherUsageStats=false"],
            cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{url}/_stcore/health", timeout=2)
            break
        except OSError:
            time.sleep(0.5)
    yield proc, url, log
    if proc.poll() is None:
        proc.kill()
        proc.wait()


def test_the_server_shuts_down_cleanly_with_a_job_running(page, own_server, tmp_path):
    proc, url, log = own_server
    big = tmp_path / "big.jpg"
    gradient_picture(1600, 1200, seed=3).save(big, quality=90)
    open_dream_with_upload(page, url, big)
    page.get_by_role("slider", name="Picture size").press("End")  # "Full size (slow)": a long job
    page.get_by_role("button", name="Dream", exact=True).click()
    page.get_by_text("Working:").wait_for(timeout=90_000)
    workers = children_of(proc.pid)
    assert workers, "the job should run in a worker process"

    asked = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    code = proc.wait(timeout=30)
    took = time.monotonic() - asked
    output = log.read_text()
    assert code == 0, output[-2000:]
    assert took < 15, took
    assert "terminate called" not in output
    assert "Traceback" not in output, output[-3000:]
    deadline = time.monotonic() + 5
    while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [pid for pid in workers if alive(pid)], "worker processes outlived the server"
