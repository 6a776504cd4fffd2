"""The live mirror's engine (warm start, frame dropping, modes), its line of visitors, its frame
counter, and the live worker process end to end."""
from __future__ import annotations

import subprocess
import sys
import threading
import time

import numpy as np
import pytest
from PIL import Image

from engine.motion.latest import LatestSlot
from dreamlab.jobs.live import LiveStream, LiveWorker, Seats
from dreamlab.studio.live_sample import draw_counter, read_counter, sample_frames
from tests.conftest import ROOT

SMALL = dict(width=96, height=64)


def mean_change(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.abs(a.astype(np.float32) - b.astype(np.float32)).mean())


@pytest.fixture(scope="module")
def frame() -> np.ndarray:
    return np.asarray(Image.open(ROOT / "assets/samples/cat.jpg").convert("RGB").resize((96, 64)))


# --- the latest-frame slot and the loop that drops frames -----------------------------------

def test_slot_keeps_only_the_newest_frame():
    slot = LatestSlot()
    for number in range(5):
        slot.put(number)
    assert slot.take(timeout=0) == 4
    assert slot.dropped == 4
    assert slot.take(timeout=0.01) is None


def test_a_closed_slot_wakes_its_reader():
    slot = LatestSlot()
    threading.Timer(0.05, slot.close).start()
    started = time.monotonic()
    assert slot.take(timeout=5) is None
    assert time.monotonic() - started < 2


class SlowDreamer:
    """Takes 40 ms a frame, like a busy engine."""
    def dream(self, frame):
        time.sleep(0.04)
        return frame


def test_run_live_drops_frames_when_behind_and_dreams_the_newest():
    from engine.motion.live import Stamped, run_live
    slot, stop, emitted = LatestSlot(), threading.Event(), []
    worker = threading.Thread(target=run_live, args=(slot, SlowDreamer, lambda s, d, t: emitted.append(s.number), stop),
                              kwargs={"poll_s": 0.01})
    worker.start()
    for number in range(40):  # a camera at 200 frames per second, five times faster than the engine
        slot.put(Stamped(number, np.zeros((2, 2, 3), np.uint8)))
        time.sleep(0.005)
    time.sleep(0.15)
    stop.set()
    worker.join(2)
    assert emitted == sorted(emitted) and emitted[-1] == 39  # in order, and the newest frame was dreamed
    assert len(emitted) < 20 and slot.dropped >= 40 - len(emitted) - 1  # the rest were dropped, not queued


# --- the live dreamer ---------------------------------------------------------------------------

def test_warm_start_deepens_the_dream_and_without_it_the_dream_stays_shallow(lite0, one_torch_thread, frame):
    from engine.motion.live import LiveDreamer, LiveSettings
    deep = LiveDreamer(lite0, LiveSettings(**SMALL, carry=0.9), "dream", {"layers": {"block6": 1.0}})
    alone = LiveDreamer(lite0, LiveSettings(**SMALL, carry=0.0), "dream", {"layers": {"block6": 1.0}})
    deep_changes = [mean_change(deep.dream(frame), frame) for _ in range(8)]
    alone_changes = [mean_change(alone.dream(frame), frame) for _ in range(8)]
    assert deep_changes[-1] > 2 * deep_changes[0]  # it builds up over the frames
    assert deep_changes[-1] > 2 * alone_changes[-1]
    assert max(alone_changes) < 1.5 * min(alone_changes)  # each frame alone: no build-up


def textured(height: int, width: int, seed: int = 0):
    import torch
    generator = torch.Generator().manual_seed(seed)
    smooth = torch.nn.functional.avg_pool2d(torch.rand(1, 3, height, width, generator=generator), 5, 1, 2)
    return (smooth - smooth.min()) / (smooth.max() - smooth.min())  # a picture's contrast, 0..1


@pytest.mark.parametrize("dy, dx", [(0, 0), (4, -8), (-6, 10), (0, 12)])
def test_the_camera_pan_between_two_frames_is_found(dy, dx):
    from engine.motion.live import frame_shift
    scene = textured(280, 380)
    before = scene[..., 20:260, 30:350]
    after = scene[..., 20 - dy:260 - dy, 30 - dx:350 - dx]  # the scene moved by (dy, dx) on screen
    assert frame_shift(before, after) == (dy, dx)


def test_the_carried_dream_moves_with_the_pan_and_is_dropped_where_the_scene_changed():
    import torch
    from engine.motion.live import follow_scene
    scene, detail = textured(240, 340), textured(240, 320, seed=1) - 0.5
    before, after = scene[..., :, 20:340], scene[..., :, 12:332].clone()  # the camera panned: content moved 8 px right
    after[..., 100:160, 200:260] = 0.2 * textured(60, 60, seed=2)  # and something new (dark) appeared here
    carried = follow_scene(detail, before, after)
    moved = detail[..., :, :-8]  # the old detail, 8 px further right
    inside = (slice(None), slice(None), slice(10, 90), slice(40, 180))  # away from the change and the edges
    assert torch.allclose(carried[..., :, 8:][inside], moved[inside], atol=0.05 * float(moved.abs().max()))
    assert float(carried[..., :, :8].abs().max()) == 0.0  # what came into view has no old dream
    assert float(carried[..., 110:150, 210:250].abs().mean()) < 0.2 * float(detail.abs().mean())  # mostly dropped
    assert torch.equal(follow_scene(detail, None, after), torch.zeros_like(after))


def test_the_probe_rows_pass_through_untouched(lite0, one_torch_thread, frame):
    from engine.motion.live import LiveDreamer, LiveSettings
    marked = draw_counter(frame, 1234)
    dreamer = LiveDreamer(lite0, LiveSettings(**SMALL, keep_rows=4, step_size=0.05), "dream", {"layers": {"block6": 1.0}})
    for _ in range(3):
        dreamed = dreamer.dream(marked)
    assert np.array_equal(dreamed[-4:], marked[-4:])
    assert mean_change(dreamed[:-4], marked[:-4]) > 3


def test_palette_mode_and_a_registered_frame_mode(lite0, one_torch_thread, frame):
    from engine.motion.live import MODES, LiveDreamer, LiveSettings, Mode, register_mode
    palette = LiveDreamer(lite0, LiveSettings(**SMALL, step_size=0.05), "palette",
                          {"filters": [{"layer": "block6", "channel": 3, "weight": 1.0}]})
    assert mean_change(palette.dream(frame), frame) > 1
    register_mode("test-invert", Mode("Invert", lambda net, params, first: (lambda pixels: 1 - pixels), ascends=False))
    try:
        inverted = LiveDreamer(lite0, LiveSettings(**SMALL), "test-invert").dream(frame)
        assert mean_change(inverted, 255 - frame) < 1
    finally:
        MODES.pop("test-invert")
    with pytest.raises(ValueError):
        LiveDreamer(lite0, LiveSettings(**SMALL), "no-such-mode")


# --- the line at the mirror -----------------------------------------------------------------------

class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def test_seats_let_visitors_in_by_turn():
    clock = Clock()
    seats = Seats(1, stale_s=8, idle_s=60, clock=clock)
    assert seats.ask("a") == 0
    assert seats.ask("b") == 1 and seats.ask("c") == 2
    assert seats.ask("a") == 0  # still seated
    seats.leave("a")
    assert seats.ask("c") == 1  # b came first
    assert seats.ask("b") == 0 and seats.ask("c") == 1


def test_a_visitor_who_left_or_idles_gives_the_seat_to_the_next():
    clock = Clock()
    seats = Seats(1, stale_s=8, idle_s=60, clock=clock)
    seats.ask("a")
    assert seats.ask("b") == 1
    clock.now = 5
    seats.ask("b")  # b keeps checking in, a has gone quiet (closed the tab)
    clock.now = 10
    assert seats.ask("b") == 0
    for t in range(12, 80, 4):  # b stays on the page without streaming while c waits
        clock.now = t
        seats.ask("b")
        seats.ask("c")
    assert seats.index("b") is None and seats.ask("c") == 0


def test_two_seats():
    seats = Seats(2, clock=Clock())
    assert [seats.ask(s) for s in "abc"] == [0, 0, 1]
    assert {seats.index("a"), seats.index("b")} == {0, 1}


# --- the frame counter for measuring latency ----------------------------------------------------

@pytest.mark.parametrize("size", [(320, 240), (480, 360)])
def test_the_frame_counter_reads_back_also_scaled_and_blurred(size):
    frame = sample_frames(*size, count=1)[0]
    marked = draw_counter(frame, 2741)
    assert read_counter(marked) == 2741
    blurred = np.asarray(Image.fromarray(marked).resize((size[0] // 2, size[1] // 2), Image.BILINEAR))
    assert read_counter(blurred) == 2741
    assert read_counter(frame) is None  # a picture without a counter reads as none


# --- the server side: torch-free, and the worker end to end ----------------------------------

def test_the_live_worker_leaves_the_server_a_core_and_a_job_half(monkeypatch):
    from dreamlab.jobs import live
    monkeypatch.delenv("DREAMLAB_LIVE_THREADS", raising=False)
    monkeypatch.setattr(live.os, "cpu_count", lambda: 8)
    assert (live.live_threads(0), live.live_threads(1)) == (7, 4)
    monkeypatch.setattr(live.os, "cpu_count", lambda: 2)
    assert (live.live_threads(0), live.live_threads(1)) == (1, 1)
    monkeypatch.setenv("DREAMLAB_LIVE_THREADS", "3")
    assert (live.live_threads(0), live.live_threads(1)) == (3, 3)
    monkeypatch.delenv("DREAMLAB_LIVE_THREADS")

    worker, posted, running = live.LiveWorker.__new__(live.LiveWorker), [], [0]
    monkeypatch.setattr(live.os, "cpu_count", lambda: 4)
    worker.threads, worker._post = 3, posted.append  # (no process: only what the sender thread tells it)
    monkeypatch.setattr(live, "jobs_running", lambda: running[0])
    worker._share_the_cores()
    running[0] = 1
    worker._share_the_cores()
    worker._share_the_cores()
    running[0] = 0
    worker._share_the_cores()
    assert posted == [("threads", 2), ("threads", 3)]  # told once per change, before the next frame


def test_the_server_side_of_the_mirror_does_not_import_torch():
    code = ("import sys, dreamlab.jobs.live, dreamlab.studio.live, dreamlab.studio.live_sample; "
            "sys.exit('torch' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT).returncode == 0


def test_frames_go_through_a_live_worker_and_come_back_dreamed(frame):
    worker = LiveWorker(0)
    try:
        assert worker.ready.wait(180), "the live worker did not get ready"
        stream = LiveStream("test")
        stream.use(worker, {"mode": "dream", "params": {"layers": {"block6": 1.0}},
                            "settings": {**SMALL, "step_size": 0.05}})
        deadline = time.monotonic() + 60
        while (stream.latest is None or stream.latest.number < 3) and time.monotonic() < deadline:
            shown = stream.submit(frame)
            time.sleep(0.05)
        assert stream.latest is not None, stream.error
        assert shown.shape == (64, 96, 3)  # the dream alone: the browser shows the camera beside it
        stream.side_by_side = True  # the sample clip: composed here
        assert stream.submit(frame).shape == (64, 192, 3)
        assert mean_change(stream.latest.frame, frame) > 3
        assert stream.latest.camera is not None and stream.latest.latency_s > 0
        stream.use(worker, {"mode": "palette", "params": {"filters": []}, "settings": SMALL})
        while stream.error is None and time.monotonic() < deadline:
            stream.submit(frame)
            time.sleep(0.05)
        assert stream.error == "this palette has no filter with a weight"
    finally:
        worker.close()
