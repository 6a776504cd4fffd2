"""The job service: which back end runs the jobs, from the environment, and the one queue of the process.

* ``DREAMLAB_RAY_ADDRESS`` set: a Ray cluster (``dreamlab.jobs.ray_backend``; needs ``requirements-ray.txt``).
* otherwise worker processes on this machine (``dreamlab.jobs.local``): one per device, or
  ``DREAMLAB_MAX_JOBS``; ``DREAMLAB_WORKER_MEMORY_MB`` caps each worker's memory.
* ``DREAMLAB_JOBS=threads``: everything inside the app's own process (the old way; debugging).

Every back end is a ``JobQueue`` (``dreamlab.jobs.queue``) that overrides where a job's work runs. Only this
module imports the back ends, so the queue and the back ends never import each other. The app's
process never imports torch (it would hold about 500 MB more): the devices are found without it.
"""
from __future__ import annotations

import glob
import os
import subprocess
import sys
import threading
from typing import Callable, Optional

from dreamlab.jobs.queue import JobQueue
from dreamlab.jobs.shared import prepare_worker_environment

# Asked in a separate interpreter, so the app's process does not load torch (and CUDA) to count GPUs.
_COUNT_GPUS = "import torch; print(torch.cuda.device_count() if torch.cuda.is_available() else 0)"


def _gpu_count() -> int:
    """GPUs torch can use, or 0. No GPU driver's device files (the common case: a CPU server): 0 without
    starting anything; else a short-lived Python process asks torch."""
    if not (glob.glob("/dev/nvidia[0-9]*") or os.path.exists("/dev/kfd")):  # NVIDIA, or AMD ROCm
        return 0
    try:
        done = subprocess.run([sys.executable, "-c", _COUNT_GPUS], capture_output=True, text=True, timeout=120)
        return int(done.stdout.strip() or 0) if done.returncode == 0 else 0
    except (OSError, ValueError, subprocess.TimeoutExpired):
        return 0


def devices() -> list[Optional[str]]:
    """One entry per device a worker should own (None: the engine's automatic choice)."""
    forced = os.environ.get("DREAMLAB_DEVICE")
    if forced:
        return [forced]
    return [f"cuda:{i}" for i in range(_gpu_count())] or [None]


def _ray_queue() -> JobQueue:
    from dreamlab.jobs.ray_backend import RayQueue
    return RayQueue(os.environ["DREAMLAB_RAY_ADDRESS"])


def _thread_queue() -> JobQueue:
    configured = os.environ.get("DREAMLAB_MAX_JOBS")
    return JobQueue(int(configured) if configured else (2 if devices() != [None] else 1))


def _process_queue() -> JobQueue:
    from dreamlab.jobs.local import ProcessQueue
    found = devices()
    workers = int(os.environ.get("DREAMLAB_MAX_JOBS") or len(found))
    memory = os.environ.get("DREAMLAB_WORKER_MEMORY_MB")
    return ProcessQueue(max(1, workers), found, int(memory) if memory else None,
                        warm_model=os.environ.get("DREAMLAB_WARM_MODEL", "lite0") or None)


BACKENDS: dict[str, Callable[[], JobQueue]] = {"ray": _ray_queue, "threads": _thread_queue,
                                               "processes": _process_queue}


def backend_name() -> str:
    if os.environ.get("DREAMLAB_RAY_ADDRESS"):
        return "ray"
    return "threads" if os.environ.get("DREAMLAB_JOBS") == "threads" else "processes"


def make_queue() -> JobQueue:
    prepare_worker_environment()
    return BACKENDS[backend_name()]()


_QUEUE: Optional[JobQueue] = None
_QUEUE_LOCK = threading.Lock()


def job_queue() -> JobQueue:
    """The process-wide queue every session shares, with the back end the environment asks for."""
    global _QUEUE
    with _QUEUE_LOCK:
        if _QUEUE is None:
            _QUEUE = make_queue()
        return _QUEUE
