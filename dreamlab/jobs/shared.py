"""What the back ends that run jobs outside the app's process share (worker processes, Ray): how long
a stopped job may take to end, the workers' CPU priority, the message when a worker dies, and how
often previews cross to the app. A module of its own so no back end imports another."""
from __future__ import annotations

import time
from dataclasses import replace
from typing import Callable

from engine import share_cores
from engine.allocation import worker_environment
from engine.progress import Progress

HUNG_AFTER_S = 3.0  # a job still running this long after Stop is ended with its worker
WRAP_UP_S = {"zoom": 60.0, "video": 60.0}  # animations encode the frames made so far after Stop
PREVIEW_EVERY_S = 0.2  # previews cross the pipe at most this often (the last one always does)
NICENESS = 10
WORKER_DIED = ("The painting stopped unexpectedly: it probably needed more memory than the machine has. "
               "Try a smaller picture or fewer steps.")


def prepare_worker_environment() -> None:
    """The environment of the processes the app starts from now on (job workers, the live mirror's):
    they keep freed memory for reuse (``engine.allocation``), and, as they share the cores with the
    server, a local browser, each other and the live mirror, their threads sleep as soon as they wait
    (``engine.share_cores``; benchmarks/bench_live: a dream beside a live stream took 2.1 s with the
    spin, 1.2 s without; in the browser a dream gained nothing). The app's own process was started
    before, and is unchanged."""
    worker_environment()
    share_cores()


def throttled_previews(send: Callable[[Progress], None]) -> Callable[[Progress], None]:
    """``send`` every progress event, but its preview picture at most every PREVIEW_EVERY_S
    (the last one always): pictures are what make crossing a process boundary costly."""
    last_preview = [0.0]

    def on_progress(progress: Progress) -> None:
        now = time.monotonic()
        if progress.preview is not None:
            if now - last_preview[0] < PREVIEW_EVERY_S and progress.fraction < 1.0:
                progress = replace(progress, preview=None)
            else:
                last_preview[0] = now
        send(progress)
    return on_progress
