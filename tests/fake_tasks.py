"""Small jobs for the job service's tests, run by name ("tests.fake_tasks:stepping") in a worker."""
import os
import signal
import time

from PIL import Image

from engine.progress import Cancelled, Progress


def stepping(on_progress, cancel, steps: int = 20, delay: float = 0.05, label: str = "") -> str:
    """Like the engine: checks Stop before every step, reports a preview after it."""
    for step in range(1, steps + 1):
        if cancel.is_set():
            raise Cancelled(Image.new("RGB", (8, 8), (step, 0, 0)))
        time.sleep(delay)
        on_progress(Progress("step", 0, 1, step, steps, step / steps, preview=Image.new("RGB", (8, 8), (step, 0, 0))))
    return f"finished {label}"


def hang(on_progress, cancel) -> None:
    """Reports once, then never looks at Stop again (a stuck C loop, say)."""
    on_progress(Progress("step", 0, 1, 1, 2, 0.5, preview=Image.new("RGB", (8, 8))))
    while True:
        time.sleep(0.1)


def hog_memory(on_progress, cancel, megabytes: int = 4096) -> int:
    """Allocates and touches far more than a capped worker may have."""
    on_progress(Progress("step", 0, 1, 1, 1, 0.1))
    block = bytearray(megabytes << 20)
    return len(block)


def crash(on_progress, cancel) -> None:
    """The process dies without a word, as when the kernel's OOM killer ends it."""
    on_progress(Progress("step", 0, 1, 1, 1, 0.1))
    os.kill(os.getpid(), signal.SIGKILL)


def pid(on_progress, cancel) -> int:
    return os.getpid()


def niceness(on_progress, cancel) -> int:
    return os.nice(0)
