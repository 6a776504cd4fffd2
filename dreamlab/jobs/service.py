"""Which back end runs the jobs, from the environment.

* ``DREAMLAB_RAY_ADDRESS`` set: a Ray cluster (``dreamlab.jobs.ray_backend``; needs ``requirements-ray.txt``).
* otherwise worker processes on this machine (``dreamlab.jobs.local``): one per device, or
  ``DREAMLAB_MAX_JOBS``; ``DREAMLAB_WORKER_MEMORY_MB`` caps each worker's memory.
* ``DREAMLAB_JOBS=threads``: everything inside the app's own process (the old way; debugging).
"""
from __future__ import annotations

import os
from typing import Optional

from dreamlab.jobs.queue import JobQueue


def devices() -> list[Optional[str]]:
    """One entry per device a worker should own (None: the engine's automatic choice)."""
    forced = os.environ.get("DREAMLAB_DEVICE")
    if forced:
        return [forced]
    import torch
    if torch.cuda.is_available():
        return [f"cuda:{i}" for i in range(torch.cuda.device_count())]
    return [None]


def make_queue() -> JobQueue:
    address = os.environ.get("DREAMLAB_RAY_ADDRESS")
    if address:
        from dreamlab.jobs.ray_backend import RayQueue
        return RayQueue(address)
    if os.environ.get("DREAMLAB_JOBS") == "threads":
        return JobQueue()
    from dreamlab.jobs.local import ProcessQueue
    found = devices()
    workers = int(os.environ.get("DREAMLAB_MAX_JOBS") or len(found))
    memory = os.environ.get("DREAMLAB_WORKER_MEMORY_MB")
    return ProcessQueue(max(1, workers), found, int(memory) if memory else None,
                        warm_model=os.environ.get("DREAMLAB_WARM_MODEL", "lite0") or None)
