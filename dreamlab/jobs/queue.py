"""A process-wide queue for heavy jobs, so a small shared machine is shared fairly.

At most ``max_running`` jobs run at once (default 1 on a CPU); the rest wait their turn and
can see their position and an estimate. Turns are fair between people (start-time fair
queuing): a job's turn is one after its owner's previous job's turn, or the turn being served
now, whichever is later, so a session with a dream and a style transfer waiting lets every other
visitor's next job in between. Each job is followed by a thread of this process so it survives the page's
reruns. A job whose visitor has gone is cancelled, freeing its place: once ``owner_connected``
(set by the app) has said for ``GONE_AFTER_S`` that their browser tab is closed; without that
knowledge, once nobody has looked at it for ``abandon_after`` seconds. Pure Python: no Streamlit here, so it is easy to test.

Where the work itself runs is the back end's business (``_execute``): this class runs it in the
following thread; ``dreamlab.jobs.local.ProcessQueue`` in worker processes; ``dreamlab.jobs.ray_backend.RayQueue``
on a Ray cluster. This module imports none of them: ``dreamlab.jobs.service.job_queue()`` picks one.
"""
from __future__ import annotations

import itertools
import logging
import os
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Optional

from engine.progress import Cancelled, Progress
from dreamlab.jobs.spec import JobFailed, JobSpec, plain_error

log = logging.getLogger(__name__)
ABANDON_CHECK_S = 0.25
GONE_AFTER_S = 5.0  # a closed tab's job waits this long (a reconnecting browser comes back sooner)
QUEUED, RUNNING, DONE, FAILED, CANCELLED = "queued", "running", "done", "failed", "cancelled"
JobFn = Callable[[Callable[[Progress], None], threading.Event], Any]


@dataclass
class Job:
    id: int
    owner: str
    kind: str
    fn: Any = field(repr=False)  # a JobSpec, or a closure fn(on_progress, cancel_event)
    estimate_s: float = 10.0
    state: str = QUEUED
    progress: Optional[Progress] = None
    preview: Any = None  # the last preview picture the job reported
    result: Any = None
    error: Optional[str] = None
    cancel: threading.Event = field(default_factory=threading.Event)
    ended: threading.Event = field(default_factory=threading.Event, repr=False)  # set by ``end``
    created: float = field(default_factory=time.monotonic)
    started: Optional[float] = None
    finished: Optional[float] = None
    last_seen: float = field(default_factory=time.monotonic)
    gone_since: Optional[float] = None  # when its owner's browser was first seen disconnected
    turn: float = 0.0  # waiting jobs run in the order of their turns (then of arrival)

    @property
    def active(self) -> bool:
        return self.state in (QUEUED, RUNNING)

    def end(self) -> None:
        """Note when the job ended, and wake whoever waits for that (a job panel)."""
        self.finished = time.monotonic()
        self.ended.set()

    def touch(self) -> None:
        """Someone is still watching this job."""
        self.last_seen = time.monotonic()

    def remaining_s(self) -> float:
        if self.state != RUNNING or not self.progress or self.progress.fraction <= 0.02:
            return self.estimate_s
        elapsed = time.monotonic() - (self.started or time.monotonic())
        return elapsed * (1 - self.progress.fraction) / self.progress.fraction


def default_max_running() -> int:
    """``DREAMLAB_MAX_JOBS``, else 1 (the job service passes more where the machine has GPUs)."""
    configured = os.environ.get("DREAMLAB_MAX_JOBS")
    return max(1, int(configured)) if configured else 1


class JobQueue:
    def __init__(self, max_running: Optional[int] = None, abandon_after: float = 60.0, keep_finished: int = 200):
        self.max_running = max_running or default_max_running()
        self.abandon_after = abandon_after
        self.keep_finished = keep_finished
        self._jobs: dict[int, Job] = {}
        self._waiting: list[int] = []
        self._running = 0
        self._now_serving = 0.0  # the turn of the job that started last
        self._next_turn: dict[str, float] = {}  # owner -> the earliest turn of their next job
        self._ids = itertools.count(1)
        self._lock = threading.Condition()
        # owner -> is their browser still connected? (None: unknown, only abandon_after applies)
        self.owner_connected: Optional[Callable[[str], bool]] = None

    # --- public API -------------------------------------------------------------------------
    def submit(self, owner: str, kind: str, fn: Any, estimate_s: float = 10.0) -> Job:
        """Queue a ``JobSpec`` or ``fn(on_progress, cancel_event)``. One active job per (owner, kind): a second
        submit while the first is queued or running returns the first (no double runs)."""
        with self._lock:
            current = self.active_job(owner, kind)
            if current is not None:
                return current
            job = Job(next(self._ids), owner, kind, fn, estimate_s)
            job.turn = max(self._now_serving, self._next_turn.get(owner, 0.0))
            self._next_turn[owner] = job.turn + 1
            self._jobs[job.id] = job
            self._waiting.append(job.id)
            self._forget_old()
        self._admit(job)
        threading.Thread(target=self._run, args=(job,), name=f"dreamlab-job-{job.id}", daemon=True).start()
        return job

    def get(self, job_id: Optional[int]) -> Optional[Job]:
        return self._jobs.get(job_id) if job_id is not None else None

    def active_job(self, owner: str, kind: str) -> Optional[Job]:
        with self._lock:
            for job in self._jobs.values():
                if job.owner == owner and job.kind == kind and job.active:
                    return job
        return None

    def cancel(self, job: Job) -> None:
        job.cancel.set()
        with self._lock:
            self._lock.notify_all()

    def position(self, job: Job) -> int:
        """1 = next to run; 0 = not waiting."""
        with self._lock:
            order = self._turns()
            return order.index(job.id) + 1 if job.id in order else 0

    def wait_estimate_s(self, job: Job) -> float:
        """Rough seconds until ``job`` starts: work left in running jobs plus the jobs ahead."""
        with self._lock:
            running = [j for j in self._jobs.values() if j.state == RUNNING]
            order = self._turns()
            ahead = [self._jobs[i] for i in order[: order.index(job.id)]] if job.id in order else []
        work = sum(j.remaining_s() for j in running) + sum(j.estimate_s for j in ahead)
        return work / self.max_running

    def _turns(self) -> list[int]:
        """The waiting jobs in the order they will run (call with the lock held)."""
        arrival = {job_id: index for index, job_id in enumerate(self._waiting)}
        return sorted(self._waiting, key=lambda job_id: (self._jobs[job_id].turn, arrival[job_id]))

    def running_count(self) -> int:
        with self._lock:
            return self._running

    # --- worker -----------------------------------------------------------------------------
    def _run(self, job: Job) -> None:
        if not self._wait_for_turn(job):
            return
        threading.Thread(target=self._stop_if_abandoned, args=(job,), name=f"dreamlab-job-{job.id}-owner",
                         daemon=True).start()
        try:
            result = self._execute(job, lambda p: self._on_progress(job, p))
            job.result, job.state = result, DONE
        except Cancelled as stopped:
            job.result = stopped.partial if stopped.partial is not None else job.preview
            job.state = CANCELLED
        except JobFailed as err:  # already in plain words (the worker logged any traceback)
            log.warning("%s job failed: %s", job.kind, err)
            job.error, job.state = str(err), FAILED
        except Exception as err:  # the user sees one plain line; the traceback goes to the server log
            log.exception("%s job failed", job.kind)
            job.error, job.state = plain_error(err), FAILED
        finally:
            job.end()
            with self._lock:
                self._running -= 1
                self._lock.notify_all()
            if job.started is None:  # stopped while a back end still held it waiting
                log.info("job %s (%s) ended: %s before it started", job.id, job.kind, job.state)
            else:
                log.info("job %s (%s) ended: %s after %.1f s", job.id, job.kind, job.state,
                         job.finished - job.started)

    def _admit(self, job: Job) -> None:
        """A new job has arrived (back ends that queue elsewhere record its place here, in order)."""

    def _execute(self, job: Job, on_progress: Callable[[Progress], None]) -> Any:
        """Run the job's work here, in this thread. Back ends override this."""
        if isinstance(job.fn, JobSpec):
            return job.fn.run(on_progress, job.cancel)
        return job.fn(on_progress, job.cancel)

    def close(self) -> None:
        """Cancel what is active (back ends also stop their workers)."""
        with self._lock:
            for job in self._jobs.values():
                if job.active:
                    job.cancel.set()
            self._lock.notify_all()

    def _wait_for_turn(self, job: Job) -> bool:
        with self._lock:
            while True:
                if job.cancel.is_set() or self._abandoned(job):
                    self._waiting.remove(job.id)
                    job.state = CANCELLED
                    job.end()
                    self._lock.notify_all()
                    return False
                if self._running < self.max_running and self._turns()[0] == job.id:
                    self._waiting.remove(job.id)
                    self._now_serving = max(self._now_serving, job.turn)
                    self._running += 1
                    job.state, job.started = RUNNING, time.monotonic()
                    self._lock.notify_all()
                    return True
                self._lock.wait(timeout=0.5)

    def _on_progress(self, job: Job, progress: Progress) -> None:
        job.progress = progress
        if progress.preview is not None:
            job.preview = progress.preview

    def _stop_if_abandoned(self, job: Job) -> None:
        """While ``job`` runs: Stop it once its visitor has gone (checked apart from its progress,
        which a worker still loading a network does not send)."""
        while job.active and not job.cancel.is_set():
            if self._abandoned(job):
                log.info("job %s (%s): its visitor has gone, stopping it", job.id, job.kind)
                job.cancel.set()
                return
            time.sleep(ABANDON_CHECK_S)

    def _abandoned(self, job: Job) -> bool:
        """Its visitor has gone: their tab has been closed for GONE_AFTER_S (when the app can
        tell: a page that watches a job keeps looking at it after the tab is closed, and someone
        on another page keeps their job), else nobody has looked at it for ``abandon_after``."""
        if self.owner_connected is None:
            return time.monotonic() - job.last_seen > self.abandon_after
        if self._connected(job.owner):
            job.gone_since = None
            return False
        job.gone_since = job.gone_since or time.monotonic()
        return time.monotonic() - job.gone_since > GONE_AFTER_S

    def _connected(self, owner: str) -> bool:
        try:
            return self.owner_connected(owner)
        except Exception:  # the app could not tell: assume still there
            log.exception("could not tell whether %s is still connected", owner)
            return True

    def _forget_old(self) -> None:
        for owner in [o for o, turn in self._next_turn.items() if turn <= self._now_serving]:
            del self._next_turn[owner]  # (the same as no turn at all)
        finished = [j for j in self._jobs.values() if not j.active]
        for job in sorted(finished, key=lambda j: j.finished or 0)[: max(0, len(finished) - self.keep_finished)]:
            del self._jobs[job.id]
