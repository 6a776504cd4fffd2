"""The job service picks its back end from the environment, and finds the GPUs without loading torch in the
app's process."""
import subprocess
import sys

import pytest

from dreamlab.jobs import service
from dreamlab.jobs.queue import JobQueue


@pytest.mark.parametrize("env, expected", [({}, "processes"), ({"DREAMLAB_JOBS": "threads"}, "threads"),
                                           ({"DREAMLAB_RAY_ADDRESS": "10.0.0.1:6379"}, "ray"),
                                           ({"DREAMLAB_RAY_ADDRESS": "x", "DREAMLAB_JOBS": "threads"}, "ray")])
def test_the_environment_picks_the_back_end(monkeypatch, env, expected):
    for name in ("DREAMLAB_JOBS", "DREAMLAB_RAY_ADDRESS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert service.backend_name() == expected and set(service.BACKENDS) == {"processes", "threads", "ray"}


def test_the_threads_back_end_is_the_plain_queue(monkeypatch):
    monkeypatch.setenv("DREAMLAB_JOBS", "threads")
    monkeypatch.setenv("DREAMLAB_MAX_JOBS", "3")
    monkeypatch.delenv("DREAMLAB_RAY_ADDRESS", raising=False)
    queue = service.make_queue()
    try:
        assert type(queue) is JobQueue and queue.max_running == 3
    finally:
        queue.close()


def test_no_gpu_device_files_means_no_probe(monkeypatch):
    monkeypatch.delenv("DREAMLAB_DEVICE", raising=False)
    monkeypatch.setattr(service.glob, "glob", lambda pattern: [])
    monkeypatch.setattr(service.os.path, "exists", lambda path: False)

    def no_probe(*args, **kwargs):
        raise AssertionError("a machine without GPU device files starts no probe")
    monkeypatch.setattr(service.subprocess, "run", no_probe)
    assert service.devices() == [None]


def test_gpus_are_counted_in_another_process(monkeypatch):
    monkeypatch.delenv("DREAMLAB_DEVICE", raising=False)
    monkeypatch.setattr(service.glob, "glob", lambda pattern: ["/dev/nvidia0"])
    asked = []

    def probe(args, **kwargs):
        asked.append(args)
        return subprocess.CompletedProcess(args, 0, stdout="2\n", stderr="")
    monkeypatch.setattr(service.subprocess, "run", probe)
    assert service.devices() == ["cuda:0", "cuda:1"]
    assert asked[0][0] == sys.executable and "torch.cuda" in asked[0][-1]


def test_a_failing_probe_means_the_engine_chooses(monkeypatch):
    monkeypatch.delenv("DREAMLAB_DEVICE", raising=False)
    monkeypatch.setattr(service.glob, "glob", lambda pattern: ["/dev/nvidia0"])
    monkeypatch.setattr(service.subprocess, "run",
                        lambda args, **kwargs: subprocess.CompletedProcess(args, 1, stdout="", stderr="boom"))
    assert service.devices() == [None]
    monkeypatch.setenv("DREAMLAB_DEVICE", "cuda:1")
    assert service.devices() == ["cuda:1"]
