"""The Ray back end: the same jobs as Ray tasks on a cluster; the app stays a thin client.

Chosen by ``DREAMLAB_RAY_ADDRESS`` (e.g. ``ray://head:10001`` or ``127.0.0.1:6379``). Every app
replica submits its JobSpecs as tasks; one named actor on the cluster, the *board*, keeps the
order jobs arrived in (so each user sees their place in the queue across the whole cluster),
their latest progress and preview, and who asked to stop. Ray itself queues the tasks until a
worker with a free CPU (or GPU: ``num_gpus``) takes them; each Ray worker process keeps its
models loaded between tasks. A task that ignores Stop for a few seconds is ended with its worker
(``ray.cancel(force=True)``); a worker that dies is reported to its one user in plain words.
"""
from __future__ import annotations

import logging
import os
import threading
import time
import traceback
import uuid
from dataclasses import replace
from typing import Any, Optional

import ray

import engine
import dreamlab
from engine.progress import Cancelled, Progress
from dreamlab.jobs.shared import HUNG_AFTER_S, NICENESS, WORKER_DIED, WRAP_UP_S, throttled_previews
from dreamlab.jobs.queue import RUNNING, Job, JobQueue
from dreamlab.jobs.spec import JobFailed, JobSpec, plain_error

log = logging.getLogger(__name__)
BOARD_NAME = "dreamlab-board"
NAMESPACE = "dreamlab"
POLL_S = 0.2


class JobBoard:
    """Cluster-wide and first come, first served: every app replica's jobs wait here in arrival order
    and are let onto the cluster only while it has a free slot, so a place in the queue is a real
    place (Ray alone would start queued tasks in any order). A threaded actor."""

    STALE_S = 30.0  # a granted job whose app stopped asking about it (replica gone) frees its slot

    def __init__(self):
        self.lock = threading.Lock()
        self.waiting: list[str] = []
        self.estimates: dict[str, float] = {}
        self.granted: dict[str, float] = {}  # key -> when its app last asked about it
        self.started: dict[str, float] = {}
        self.progress: dict[str, tuple[int, Progress]] = {}
        self.stop: set[str] = set()
        self.seq = 0
        self._capacity = (0.0, 1)

    def enqueue(self, key: str, estimate_s: float) -> None:
        with self.lock:
            self.waiting.append(key)
            self.estimates[key] = estimate_s

    def turn(self, key: str, resource: str, per_task: float) -> bool:
        """True once ``key`` may run: first in line and a slot free (or already let in)."""
        with self.lock:
            now = time.monotonic()
            self._drop_stale(now)
            if key in self.granted:
                self.granted[key] = now
                return True
            if self.waiting and self.waiting[0] == key and len(self.granted) < self.capacity(resource, per_task):
                self.waiting.pop(0)
                self.granted[key] = now
                return True
            return False

    def capacity(self, resource: str, per_task: float) -> int:
        """How many jobs the cluster runs at once (re-read every few seconds: nodes come and go)."""
        read_at, slots = self._capacity
        if time.monotonic() - read_at > 5.0:
            total = ray.cluster_resources().get(resource, 0.0)
            slots = max(1, int(total // per_task)) if per_task > 0 else 1
            self._capacity = (time.monotonic(), slots)
        return slots

    def _drop_stale(self, now: float) -> None:
        for key, seen in list(self.granted.items()):
            if now - seen > self.STALE_S:
                self._forget(key)

    def begin(self, key: str) -> bool:
        """The task has started on a worker; False if its job was stopped meanwhile."""
        with self.lock:
            if key in self.stop:
                return False
            self.started[key] = time.monotonic()
            return True

    def report(self, key: str, progress: Progress) -> None:
        with self.lock:
            if key in self.started:
                self.seq += 1
                if progress.preview is None and key in self.progress:  # keep showing the last picture
                    progress = replace(progress, preview=self.progress[key][1].preview)
                self.progress[key] = (self.seq, progress)

    def stop_asked(self, key: str) -> bool:
        with self.lock:
            return key in self.stop

    def cancel(self, key: str) -> None:
        with self.lock:
            self.stop.add(key)
            if key in self.waiting:
                self.waiting.remove(key)

    def finish(self, key: str) -> None:
        with self.lock:
            self._forget(key)

    def _forget(self, key: str) -> None:
        for table in (self.estimates, self.granted, self.started, self.progress):
            table.pop(key, None)
        self.stop.discard(key)
        if key in self.waiting:
            self.waiting.remove(key)

    def status(self, key: str, seen_seq: int) -> dict:
        """Place in the queue (1 = next; 0 = not waiting), a rough wait, and any newer progress."""
        with self.lock:
            if key in self.granted:
                self.granted[key] = time.monotonic()
            place = self.waiting.index(key) + 1 if key in self.waiting else 0
            ahead = sum(self.estimates.get(k, 10.0) for k in self.waiting[: max(0, place - 1)])
            running = sum(self.estimates.get(k, 10.0) for k in self.granted)
            slots = max(1, self._capacity[1])
            seq, progress = self.progress.get(key, (0, None))
            return {"position": place, "started": key in self.started, "wait_s": (ahead + running) / slots,
                    "seq": seq, "progress": progress if seq > seen_seq else None}

    def counts(self) -> dict:
        with self.lock:
            return {"waiting": len(self.waiting), "running": len(self.granted)}


_NICED = False


def _lower_priority() -> None:
    global _NICED
    if not _NICED:
        os.nice(NICENESS)
        _NICED = True


def run_on_cluster(spec: JobSpec, key: str, board) -> tuple[str, Any]:
    """The Ray task: run one JobSpec, reporting to the board; ("done"|"cancelled"|"failed", value)."""
    if not ray.get(board.begin.remote(key)):
        return "cancelled", None
    _lower_priority()
    cancel, finished = threading.Event(), threading.Event()

    def watch_for_stop() -> None:
        while not finished.wait(POLL_S):
            if ray.get(board.stop_asked.remote(key)):
                cancel.set()
                return
    threading.Thread(target=watch_for_stop, daemon=True).start()
    on_progress = throttled_previews(lambda progress: board.report.remote(key, progress))

    try:
        return "done", spec.run(on_progress, cancel)
    except Cancelled as stopped:
        return "cancelled", stopped.partial
    except Exception as err:  # noqa: BLE001 - the user gets one line, the worker's log the traceback
        traceback.print_exc()
        return "failed", plain_error(err)
    finally:
        finished.set()


def connect(address: str) -> None:
    if ray.is_initialized():
        return
    runtime_env = {}
    if os.environ.get("DREAMLAB_RAY_SHIP_CODE", "1") != "0":  # nodes need only the pip packages
        runtime_env["py_modules"] = [engine, dreamlab]
    ray.init(address=address, namespace=NAMESPACE, runtime_env=runtime_env or None,
             log_to_driver=False, logging_level=logging.WARNING)


def task_gpus() -> float:
    configured = os.environ.get("DREAMLAB_RAY_GPUS")
    if configured is not None:
        return float(configured)
    return 1.0 if ray.cluster_resources().get("GPU", 0) > 0 else 0.0


class RayQueue(JobQueue):
    """The queue's interface over a Ray cluster: waiting and places are the cluster's, not this app's."""

    def __init__(self, address: str, **queue_args):
        connect(address)
        self.board = ray.remote(JobBoard).options(
            name=BOARD_NAME, lifetime="detached", get_if_exists=True, num_cpus=0, max_concurrency=64).remote()
        gpus = task_gpus()
        self.slot = ("GPU", gpus) if gpus else ("CPU", 1.0)
        self.task = ray.remote(run_on_cluster).options(num_cpus=1, num_gpus=gpus, max_retries=0)
        self.replica = uuid.uuid4().hex[:8]
        self._places: dict[int, tuple[int, float]] = {}
        super().__init__(max_running=1 << 30, **queue_args)

    def position(self, job: Job) -> int:
        return self._places.get(job.id, (0, 0.0))[0]

    def wait_estimate_s(self, job: Job) -> float:
        return self._places.get(job.id, (0, job.estimate_s))[1]

    def _wait_for_turn(self, job: Job) -> bool:
        """No local gate: the job waits on the cluster's board, still QUEUED, until its turn."""
        with self._lock:
            self._waiting.remove(job.id)
            self._running += 1
        return True

    def _execute(self, job: Job, on_progress) -> Any:
        if not isinstance(job.fn, JobSpec):
            raise TypeError("the Ray back end runs JobSpecs only")
        key = self._key(job)
        try:
            self._wait_on_board(job, key)
            ref = self.task.remote(job.fn, key, self.board)
            return self._follow(job, key, ref, on_progress)
        finally:
            self.board.finish.remote(key)
            self._places.pop(job.id, None)

    def _key(self, job: Job) -> str:
        return f"{self.replica}-{job.id}"

    def _admit(self, job: Job) -> None:
        if isinstance(job.fn, JobSpec):
            ray.get(self.board.enqueue.remote(self._key(job), job.estimate_s))

    def _wait_on_board(self, job: Job, key: str) -> None:
        """Until the board lets this job onto the cluster; Stop (or a closed tab) while waiting ends it."""
        while not ray.get(self.board.turn.remote(key, *self.slot)):
            status = ray.get(self.board.status.remote(key, 0))
            self._places[job.id] = (status["position"], status["wait_s"])
            if self._abandoned(job):
                job.cancel.set()
            if job.cancel.is_set():
                raise Cancelled(None)
            time.sleep(POLL_S)
        self._places[job.id] = (0, 0.0)
        job.state, job.started = RUNNING, time.monotonic()  # "Starting…" until its first progress

    def _follow(self, job: Job, key: str, ref, on_progress) -> Any:
        seen, stop_asked = 0, None
        while True:
            ready, _ = ray.wait([ref], timeout=POLL_S)
            if ready:
                return self._outcome(job, ref)
            status = ray.get(self.board.status.remote(key, seen))
            if status["progress"] is not None:
                seen = status["seq"]
                on_progress(status["progress"])
            if self._abandoned(job):
                job.cancel.set()
            if job.cancel.is_set():
                if stop_asked is None:
                    stop_asked = time.monotonic()
                    self.board.cancel.remote(key)
                elif time.monotonic() - stop_asked > WRAP_UP_S.get(getattr(job.fn, "task", ""), HUNG_AFTER_S):
                    log.warning("job %s ignored Stop: ending its Ray worker", key)
                    ray.cancel(ref, force=True)
                    stop_asked = float("inf")  # once

    @staticmethod
    def _outcome(job: Job, ref) -> Any:
        try:
            kind, value = ray.get(ref)
        except ray.exceptions.TaskCancelledError:
            raise Cancelled(job.preview) from None
        except ray.exceptions.RayError as err:
            if job.cancel.is_set():
                raise Cancelled(job.preview) from None
            log.error("Ray job failed: %s", err)
            raise JobFailed(WORKER_DIED) from None
        if kind == "done":
            return value
        if kind == "cancelled":
            raise Cancelled(value if value is not None else job.preview)
        raise JobFailed(value)
