"""The live mirror outside the server: a live worker process dreams the frames, a torch-free client
in the server passes them.

Why a process: the Streamlit server never imports torch (and a crash must not take the server down).
The WebRTC callback only hands each camera frame to ``LiveStream.submit`` and gets back the newest
dream. Camera frames wait in a latest-frame slot (``LatestSlot``: a newer one replaces an unsent
one); a sender thread passes the newest to the worker through a pipe as soon as the worker has
answered the frame before (one frame in flight), so what could not be kept up with is dropped and
latency stays at one frame's work, never a backlog.

Sharing the cores (measured in benchmarks/bench_live.py): a live worker runs at the job workers'
priority (nice 10), so the server (WebRTC video coding) stays ahead of both. Its torch threads follow
the job queue (``live_threads``): every core but one while no job runs (the one left is the
server's: its video coding on time is what keeps the delay short; on a loaded 2-core machine a
second torch thread halved the frame rate and doubled the delay), half of them while one does, so a
job keeps the other half; at least one. The sender thread tells the worker before the next frame
when that changes. ``DREAMLAB_LIVE_THREADS`` fixes the number instead. ``DREAMLAB_MAX_LIVE`` (default 1) caps the
streams at once; the next visitors wait in line (``Seats``).
"""
from __future__ import annotations

import collections
import multiprocessing as mp
import importlib
import os
import threading
import time
from dataclasses import dataclass, field
from typing import Callable, Optional

import numpy as np

from engine.motion.latest import LatestSlot
from dreamlab.jobs.local import NICENESS, _plain_main
from dreamlab.jobs.shared import prepare_worker_environment

STALE_S = 8.0  # a visitor not heard from for this long has left (the Live page checks in every 2 s)
IDLE_S = 60.0  # a seated visitor who has not streamed for this long gives the seat to the next in line
DROPPED_AFTER_S = 5.0  # a stream that sent frames and then none for this long has dropped
RECORD_SECONDS = float(os.environ.get("DREAMLAB_LIVE_RECORD_SECONDS", 10))
CREDIT_TIMEOUT_S = 5.0  # a frame not answered in this long is given up (a worker that was replaced)
RECENT_FRAMES = 64  # camera frames kept to pair with their dreams (snapshots, side by side)


def max_live() -> int:
    try:
        return max(1, int(os.environ.get("DREAMLAB_MAX_LIVE", "1")))
    except ValueError:
        return 1


def live_threads(jobs_running: int = 0) -> int:
    """Torch threads for a live worker: ``DREAMLAB_LIVE_THREADS`` if set; else every core but one (the
    server's) while no job runs and half of them while ``jobs_running`` > 0; at least one."""
    try:
        return max(1, int(os.environ["DREAMLAB_LIVE_THREADS"]))
    except (KeyError, ValueError):
        cores = os.cpu_count() or 2
        return max(1, cores // 2 if jobs_running else cores - 1)


def jobs_running() -> int:
    """Jobs running now in this server's job queue (0 when it has none yet: none was ever started)."""
    from dreamlab.jobs import service
    queue = service._QUEUE
    return queue.running_count() if queue is not None else 0


# --- who is at the mirror -----------------------------------------------------------------------

class Seats:
    """``capacity`` seats at the mirror and a line in order of arrival. Visitors check in with
    ``ask`` (0: seated, n: n people ahead); one not heard from for ``stale_s`` has left."""

    def __init__(self, capacity: int, stale_s: float = STALE_S, idle_s: float = IDLE_S, clock=time.monotonic):
        self.capacity, self.stale_s, self.idle_s, self.clock = capacity, stale_s, idle_s, clock
        self._lock = threading.Lock()
        self._seated: dict[str, dict] = {}  # session -> {"index", "seen", "streamed"}
        self._line: list[str] = []
        self._seen: dict[str, float] = {}

    def ask(self, session: str) -> int:
        with self._lock:
            now = self.clock()
            self._seen[session] = now
            self._sweep(now)
            if session in self._seated:
                self._seated[session]["seen"] = now
                return 0
            if session not in self._line:
                self._line.append(session)
            free = self.capacity - len(self._seated)
            place = self._line.index(session)
            if place < free:
                self._line.remove(session)
                taken = {s["index"] for s in self._seated.values()}
                index = min(i for i in range(self.capacity) if i not in taken)
                self._seated[session] = {"index": index, "seen": now, "streamed": now}
                return 0
            return place + 1 - free

    def streaming(self, session: str) -> None:
        with self._lock:
            if session in self._seated:
                now = self.clock()
                self._seated[session].update(seen=now, streamed=now)

    def index(self, session: str) -> Optional[int]:
        with self._lock:
            seat = self._seated.get(session)
            return None if seat is None else seat["index"]

    def leave(self, session: str) -> None:
        with self._lock:
            self._seated.pop(session, None)
            if session in self._line:
                self._line.remove(session)

    def _sweep(self, now: float) -> None:
        for session in [s for s in self._line if now - self._seen.get(s, now) > self.stale_s]:
            self._line.remove(session)
        for session, seat in list(self._seated.items()):
            gone = now - seat["seen"] > self.stale_s
            idle = bool(self._line) and now - seat["streamed"] > self.idle_s
            if gone or idle:
                del self._seated[session]


# --- inside the live worker process ------------------------------------------------------------

def live_worker_main(conn, threads: int, niceness: int) -> None:
    """The live worker process's entry. Its torch code (``dreamlab.jobs.live_worker``) is found by
    name here, in the worker, so the server, which imports this module for the client, never
    imports torch (the import-linter contract sees every import, function-level ones too)."""
    importlib.import_module("dreamlab.jobs.live_worker").serve(conn, threads, niceness)


# --- in the server ---------------------------------------------------------------------------------

class LiveWorker:
    """One live worker process and the two threads that talk to it."""

    def __init__(self, index: int):
        prepare_worker_environment()  # as the job workers' (dreamlab.jobs.shared)
        ctx = mp.get_context("spawn")
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=live_worker_main, name=f"dreamlab-live-{index}", daemon=True,
                                   args=(child, live_threads(jobs_running()), NICENESS))
        with _plain_main():
            self.process.start()
        child.close()
        self.outgoing = LatestSlot()
        self.credit = threading.Event()  # set: the worker is free for the next frame
        self.credit.set()
        self.ready = threading.Event()
        self.threads = live_threads(jobs_running())  # what the worker runs with now
        self.warm_s: Optional[float] = None
        self.listener: Optional["LiveStream"] = None
        self._send_lock = threading.Lock()
        threading.Thread(target=self._send, name=f"dreamlab-live-send-{index}", daemon=True).start()
        threading.Thread(target=self._read, name=f"dreamlab-live-read-{index}", daemon=True).start()

    def alive(self) -> bool:
        return self.process.is_alive()

    def offer(self, number: int, frame: np.ndarray) -> None:
        self.outgoing.put(("frame", number, frame))

    def configure(self, config: Optional[dict]) -> None:
        self._post(("configure", config))

    def _post(self, message) -> None:
        with self._send_lock:
            try:
                self.conn.send(message)
            except (OSError, ValueError):
                pass

    def _send(self) -> None:
        """Send the newest frame whenever the worker has finished the one before: one frame in flight
        at most, so a frame never waits in the pipe behind another (latency stays one frame's work)."""
        while self.alive():
            self.credit.wait(timeout=CREDIT_TIMEOUT_S)
            message = self.outgoing.take(timeout=1.0)
            if message is not None:
                self._share_the_cores()
                self.credit.clear()
                self._post(message)

    def _share_the_cores(self) -> None:
        """Tell the worker its thread count when a job started or ended since the last frame."""
        wanted = live_threads(jobs_running())
        if wanted != self.threads:
            self.threads = wanted
            self._post(("threads", wanted))

    def _read(self) -> None:
        while True:
            try:
                message = self.conn.recv()
            except (EOFError, OSError):
                listener = self.listener
                if listener is not None:
                    listener.failed("The live mirror's worker stopped: press Stop, then Start again.")
                return
            if message[0] in ("dreamed", "skipped", "error"):
                self.credit.set()
            if message[0] == "ready":
                self.warm_s = message[1]
                self.ready.set()
            elif message[0] == "skipped":
                pass
            elif self.listener is not None:
                self.listener.receive(message)

    def close(self) -> None:
        self._post(None)
        self.outgoing.close()
        self.process.join(1)
        if self.process.is_alive():
            self.process.kill()


_LOCK = threading.Lock()
_SEATS: Optional[Seats] = None
_WORKERS: dict[int, LiveWorker] = {}


def seats() -> Seats:
    global _SEATS
    with _LOCK:
        if _SEATS is None:
            _SEATS = Seats(max_live())
        return _SEATS


def worker(index: int) -> LiveWorker:
    """The live worker of seat ``index``, started on first use and replaced when it has died."""
    with _LOCK:
        found = _WORKERS.get(index)
        if found is None or not found.alive():
            _WORKERS[index] = found = LiveWorker(index)
        return found


@dataclass
class Dreamed:
    number: int
    frame: np.ndarray
    camera: Optional[np.ndarray]
    latency_s: Optional[float]  # from the camera frame reaching the server to its dream coming back
    at: float = field(default_factory=time.monotonic)
    dream_s: Optional[float] = None  # of which the worker dreamed (the rest: the pipe, waiting for the worker)


class LiveStream:
    """One visitor's stream: what the WebRTC callback calls, and what Snapshot and Record read."""

    def __init__(self, session: str, on_streaming: Optional[Callable[[str], None]] = None):
        self.session = session
        self.on_streaming = on_streaming
        self.config: Optional[dict] = None
        self.worker: Optional[LiveWorker] = None
        self.side_by_side = False  # the camera composed beside the dream here (the sample clip only)
        self.error: Optional[str] = None
        self.latest: Optional[Dreamed] = None
        self.recorded: collections.deque[Dreamed] = collections.deque()
        self._recent: collections.OrderedDict[int, tuple[np.ndarray, float]] = collections.OrderedDict()
        self._numbers = iter(range(1, 1 << 62))
        self._lock = threading.Lock()
        self.last_frame_at: Optional[float] = None
        self.stopped = True

    # -- settings and the worker --
    def use(self, found: LiveWorker, config: dict) -> None:
        """Dream on ``found`` with ``config`` ({"mode", "params", "settings"}); sent only when changed."""
        if found is not self.worker or found.listener is not self:
            self.worker, found.listener, self.config = found, self, None
        if config != self.config:
            self.config, self.error = config, None
            found.configure(config)

    def release(self) -> None:
        if self.worker is not None and self.worker.listener is self:
            self.worker.listener = None
            self.worker.configure(None)
        self.worker, self.config = None, None

    # -- the WebRTC callback's side (another thread) --
    def submit(self, frame: np.ndarray) -> np.ndarray:
        """Take a camera frame (H, W, 3 uint8); return the frame to show now."""
        now = time.monotonic()
        self.last_frame_at, self.stopped = now, False
        if self.on_streaming:
            self.on_streaming(self.session)
        number = next(self._numbers)
        with self._lock:
            self._recent[number] = (frame, now)
            while len(self._recent) > RECENT_FRAMES:
                self._recent.popitem(last=False)
        worker = self.worker
        if worker is not None and worker.listener is self and self.config is not None:
            worker.offer(number, frame)
        return self.shown(frame)

    def shown(self, camera: np.ndarray) -> np.ndarray:
        """The newest dream (the camera itself until the first one). With a camera the browser shows
        the camera beside it from its own stream; only the sample clip, played here, is composed
        beside its dream here (``side_by_side``)."""
        latest = self.latest
        dream = latest.frame if latest is not None else None
        if dream is None:
            dream = _fit(camera, *self.frame_size(camera.shape[1], camera.shape[0]))
        if not self.side_by_side:
            return dream
        return np.concatenate([_fit(camera, dream.shape[1], dream.shape[0]), dream], axis=1)

    def frame_size(self, width: int = 320, height: int = 240) -> tuple[int, int]:
        """(width, height) the mirror dreams at now (the given size before any settings)."""
        settings = (self.config or {}).get("settings") or {}
        return int(settings.get("width", width)), int(settings.get("height", height))

    # -- the worker's answers (its reader thread) --
    def receive(self, message) -> None:
        if message[0] == "error":
            self.error = message[1]
            return
        _, number, frame, seconds, _dropped = message
        with self._lock:
            camera, arrived = self._recent.get(number, (None, None))
        now = time.monotonic()
        dreamed = Dreamed(number, frame, camera, None if arrived is None else now - arrived, now, seconds)
        self.latest = dreamed
        self.recorded.append(dreamed)
        while self.recorded and now - self.recorded[0].at > RECORD_SECONDS:
            self.recorded.popleft()

    def failed(self, message: str) -> None:
        self.error = message

    # -- what the page shows --
    def stats(self, window_s: float = 3.0) -> dict:
        """Dreamed frames per second and the mean latency over the last ``window_s`` seconds."""
        now = time.monotonic()
        recent = [d for d in list(self.recorded) if now - d.at <= window_s]
        lat = [d.latency_s for d in recent if d.latency_s is not None]
        return {"fps": len(recent) / window_s, "latency_ms": 1000 * sum(lat) / len(lat) if lat else None}

    def dropped(self) -> bool:
        """Frames came, then stopped coming without the visitor pressing Stop."""
        return (not self.stopped and self.last_frame_at is not None
                and time.monotonic() - self.last_frame_at > DROPPED_AFTER_S)

    def stop(self) -> None:
        self.stopped = True
        self.latest = None

    def recording(self) -> tuple[list[np.ndarray], float]:
        """The last RECORD_SECONDS of dreamed frames and their mean rate."""
        frames = list(self.recorded)
        if len(frames) < 2:
            return [d.frame for d in frames], 8.0
        span = frames[-1].at - frames[0].at
        return [d.frame for d in frames], max(1.0, min(30.0, (len(frames) - 1) / span if span > 0 else 8.0))


def _fit(frame: np.ndarray, width: int, height: int) -> np.ndarray:
    if frame.shape[1] == width and frame.shape[0] == height:
        return frame
    from PIL import Image  # Pillow, not OpenCV: the server imports neither OpenCV nor torch
    return np.asarray(Image.fromarray(frame).resize((width, height), Image.BOX))
