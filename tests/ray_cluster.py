"""A small local Ray cluster for the tests (127.0.0.1 only), ended with everything it started."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LocalCluster:
    """``ray start --head --block`` in a child process: stopping that process stops the whole cluster."""

    def __init__(self, num_cpus: int = 1, object_store_mb: int = 200):
        self.port = free_port()
        self.address = f"127.0.0.1:{self.port}"
        ray = Path(sys.executable).with_name("ray")
        self.temp_dir = Path(f"/tmp/dreamlab-ray-{self.port}")
        env = {**os.environ, "PYTHONPATH": str(ROOT), "RAY_USAGE_STATS_ENABLED": "0"}
        self.log = open(self.temp_dir.with_suffix(".log"), "w")
        self.proc = subprocess.Popen(
            [str(ray), "start", "--head", "--block", f"--port={self.port}", "--node-ip-address=127.0.0.1",
             f"--num-cpus={num_cpus}", "--num-gpus=0", f"--object-store-memory={object_store_mb << 20}",
             "--include-dashboard=false", "--disable-usage-stats", f"--temp-dir={self.temp_dir}"],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)

    def wait_ready(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"ray did not start: {self.temp_dir.with_suffix('.log').read_text()[-2000:]}")
            check = subprocess.run([str(Path(sys.executable).with_name("ray")), "health-check",
                                    f"--address={self.address}"], capture_output=True)
            if check.returncode == 0:
                return
            time.sleep(1)
        raise RuntimeError("ray did not become healthy")

    def stop(self) -> None:
        import signal
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)  # --block: Ctrl+C makes ray stop what it started
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.log.close()
        shutil.rmtree(self.temp_dir, ignore_errors=True)
        self.temp_dir.with_suffix(".log").unlink(missing_ok=True)
