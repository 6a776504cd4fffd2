"""The local back end: jobs run in worker processes started by the app, one per device by default.

Why processes: a job that runs out of memory or crashes takes only its worker with it, not the
server and every visitor's session; Stop can end a job that no longer listens; the server can shut
down while a job runs. Workers run at a lower CPU priority than the UI (``os.nice``), load each
model once, and talk to the app through a pipe and a shared cancel flag (standard library only;
nothing is written to disk). A worker that dies is replaced before the next job.
"""
from __future__ import annotations

import atexit
import logging
import multiprocessing as mp
import os
import queue as queue_module
import signal
import sys
import threading
import time
import traceback
import types
from contextlib import contextmanager
from multiprocessing.connection import wait
from typing import Any, Callable, Optional

from engine.progress import Cancelled, Progress
from dreamlab.jobs.queue import Job, JobQueue
from dreamlab.jobs.shared import HUNG_AFTER_S, NICENESS, WORKER_DIED, WRAP_UP_S, throttled_previews
from dreamlab.jobs.spec import OUT_OF_MEMORY, JobFailed, JobSpec, load_tasks, plain_error

log = logging.getLogger(__name__)
WARM_LINE = "DreamLab worker warm:"  # printed once a worker has loaded torch, its model and kernels


# --- inside a worker process --------------------------------------------------------------------

def _limit_memory(memory_mb: Optional[int]) -> None:
    if memory_mb:
        import resource
        limit = memory_mb << 20
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard if hard != resource.RLIM_INFINITY else limit))


def _die_with_the_app() -> None:
    """End this worker when the app's process ends without closing it (kill -9, a crash), even in the
    middle of a job. (Not PR_SET_PDEATHSIG: that fires when the *thread* that started us ends.)"""
    parent = mp.parent_process()
    if parent is None:
        return

    def watch() -> None:
        parent.join()  # returns once the app's process is gone
        os._exit(1)
    threading.Thread(target=watch, name="dreamlab-watch-app", daemon=True).start()


def worker_main(conn, cancel, device: Optional[str], memory_mb: Optional[int], niceness: int,
                warm_model: Optional[str]) -> None:
    """Take (job id, spec) from the pipe, run it, send back progress and one outcome; repeat."""
    _die_with_the_app()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C reaches the whole group; the app decides
    if niceness:
        os.nice(niceness)
    if device:
        os.environ["DREAMLAB_DEVICE"] = device
    started = time.monotonic()
    load_tasks()  # torch and the engine, mapped before the memory cap applies
    _limit_memory(memory_mb)
    if warm_model:
        try:
            JobSpec("warm_up", {"model": warm_model}).run(None, cancel)
        except Exception:  # the first real job will report it plainly
            traceback.print_exc()
    # One line in the server's log: when a press no longer pays for starting (benchmarks wait for it).
    print(f"{WARM_LINE} {mp.current_process().name} after {time.monotonic() - started:.1f} s",
          file=sys.stderr, flush=True)
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        _, spec = message
        if not _run_one(conn, spec, cancel):
            return


def _run_one(conn, spec: JobSpec, cancel) -> bool:
    """Run one job and send its outcome; False when this worker should end (memory is suspect)."""
    on_progress = throttled_previews(lambda progress: conn.send(("progress", progress)))

    try:
        conn.send(("done", spec.run(on_progress, cancel)))
    except Cancelled as stopped:
        conn.send(("cancelled", stopped.partial))
    except BaseException as err:  # noqa: BLE001 - the user gets one line, the log the traceback
        traceback.print_exc(file=sys.stderr)
        message = plain_error(err)
        try:
            conn.send(("failed", message))
        except (OSError, ValueError):
            return False
        return message != OUT_OF_MEMORY
    return True


# --- in the app ----------------------------------------------------------------------------------

_MAIN_LOCK = threading.Lock()


@contextmanager
def _plain_main():
    """Spawned children re-run the parent's ``__main__`` file; under Streamlit that is the app script
    itself (Streamlit installs each page run as ``__main__``), which would start workers of its own.
    A worker needs only ``dreamlab.jobs.local``, so hide the script while one starts."""
    with _MAIN_LOCK:
        main = sys.modules.get("__main__")
        sys.modules["__main__"] = types.ModuleType("__main__")
        try:
            yield
        finally:
            sys.modules["__main__"] = main


class Worker:
    def __init__(self, ctx, index: int, device: Optional[str], memory_mb: Optional[int],
                 warm_model: Optional[str]):
        self.index = index
        self.cancel = ctx.Event()
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=worker_main, name=f"dreamlab-worker-{index}", daemon=True,
                                   args=(child, self.cancel, device, memory_mb, NICENESS, warm_model))
        with _plain_main():
            self.process.start()
        child.close()

    def alive(self) -> bool:
        return self.process.is_alive()

    def stop(self, wait_s: float = 1.0) -> None:
        """Ask it to end; end it if it does not within ``wait_s``."""
        try:
            self.cancel.set()
            self.conn.send(None)
        except (OSError, ValueError):
            pass
        self.process.join(wait_s)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(2)
        self.conn.close()


class WorkerPool:
    """``size`` worker processes, each bound to a device; a job borrows one for its whole run."""

    def __init__(self, size: int, devices: Optional[list[Optional[str]]] = None,
                 memory_mb: Optional[int] = None, warm_model: Optional[str] = None):
        self.ctx = mp.get_context("spawn")  # never fork a server full of threads
        self.devices = devices or [None] * size
        self.memory_mb = memory_mb
        self.warm_model = warm_model
        self.idle: queue_module.Queue[Worker] = queue_module.Queue()
        self.closed = False
        self._lock = threading.Lock()
        self._all: list[Worker] = []
        for index in range(size):
            self.idle.put(self._start(index))

    def _start(self, index: int) -> Worker:
        worker = Worker(self.ctx, index, self.devices[index % len(self.devices)], self.memory_mb, self.warm_model)
        with self._lock:
            self._all.append(worker)
        return worker

    def _replace(self, worker: Worker) -> Worker:
        worker.stop(wait_s=0)
        with self._lock:
            self._all.remove(worker)
        return self._start(worker.index)

    def borrow(self) -> Worker:
        worker = self.idle.get()
        return worker if worker.alive() else self._replace(worker)

    def give_back(self, worker: Worker, retire: bool = False) -> None:
        if not self.closed:
            self.idle.put(worker if worker.alive() and not retire else self._replace(worker))

    def run(self, job: Job, on_progress: Callable[[Progress], None]) -> Any:
        """Run ``job.fn`` (a JobSpec) on a worker; relay its progress; honour Stop; survive its death."""
        worker = self.borrow()
        retire = True  # unless the job ends in an orderly way
        try:
            worker.cancel.clear()
            try:
                worker.conn.send((job.id, job.fn))
            except (OSError, ValueError):  # it died between jobs: take a fresh one
                worker = self._replace(worker)
                worker.conn.send((job.id, job.fn))
            result = self._follow(worker, job, on_progress)
            retire = False
            return result
        except Cancelled:
            retire = not worker.alive()
            raise
        except JobFailed as failed:
            retire = str(failed) in (OUT_OF_MEMORY, WORKER_DIED)  # its memory is suspect, or it is gone
            raise
        finally:
            self.give_back(worker, retire)

    def _follow(self, worker: Worker, job: Job, on_progress) -> Any:
        stop_asked: Optional[float] = None
        while True:
            if job.cancel.is_set():
                worker.cancel.set()
                stop_asked = stop_asked or time.monotonic()
                grace = WRAP_UP_S.get(getattr(job.fn, "task", ""), HUNG_AFTER_S)
                if time.monotonic() - stop_asked > grace:
                    log.warning("job %s ignored Stop for %.0f s: ending its worker", job.id, grace)
                    worker.stop(wait_s=0)
                    raise Cancelled(job.preview)
            try:
                ready = wait([worker.conn, worker.process.sentinel], timeout=0.05)
            except (OSError, ValueError):  # its pipe was closed under us: the app is shutting down
                raise Cancelled(job.preview) from None
            if worker.conn in ready:
                try:
                    kind, payload = worker.conn.recv()
                except (EOFError, OSError):
                    if job.cancel.is_set() or self.closed:
                        raise Cancelled(job.preview) from None
                    worker.process.join(1)
                    log.error("worker %s closed its pipe (exit code %s) running job %s",
                              worker.process.name, worker.process.exitcode, job.id)
                    raise JobFailed(WORKER_DIED) from None
                if kind == "progress":
                    on_progress(payload)
                elif kind == "done":
                    return payload
                elif kind == "cancelled":
                    raise Cancelled(payload if payload is not None else job.preview)
                else:
                    raise JobFailed(payload)
            elif ready:  # only the sentinel: the process has ended without a word
                if job.cancel.is_set() or self.closed:
                    raise Cancelled(job.preview)
                worker.process.join(1)
                log.error("worker %s died (exit code %s) running job %s",
                          worker.process.name, worker.process.exitcode, job.id)
                raise JobFailed(WORKER_DIED)

    def close(self) -> None:
        self.closed = True
        with self._lock:
            workers = list(self._all)
        for worker in workers:
            worker.stop(wait_s=0.5)


class ProcessQueue(JobQueue):
    """The fair queue, with JobSpecs run in worker processes (closures still run in this process)."""

    def __init__(self, workers: int, devices: Optional[list[Optional[str]]] = None,
                 memory_mb: Optional[int] = None, warm_model: Optional[str] = None, **queue_args):
        super().__init__(max_running=workers, **queue_args)
        self.pool = WorkerPool(workers, devices, memory_mb, warm_model)
        atexit.register(self.close)

    def _execute(self, job: Job, on_progress) -> Any:
        if isinstance(job.fn, JobSpec):
            return self.pool.run(job, on_progress)
        return super()._execute(job, on_progress)

    def close(self) -> None:
        super().close()
        self.pool.close()
