"""The shared job queue: fairness, no double runs, cancel (running and waiting), abandoned jobs."""
import threading
import time

import pytest

from engine.progress import Cancelled, Progress
from dreamlab.jobs.queue import CANCELLED, DONE, FAILED, QUEUED, RUNNING, JobQueue


def wait_until(condition, timeout=10.0):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.01)


def stepping_job(steps=100, delay=0.01, record=None):
    """A fake job that reports progress every step and honours the cancel flag like the engine."""
    def fn(on_progress, cancel):
        for step in range(1, steps + 1):
            if cancel.is_set():
                raise Cancelled(f"partial-{step - 1}")
            if record is not None:
                record.append(step)
            time.sleep(delay)
            on_progress(Progress("octave", 0, 1, step, steps, step / steps, preview=f"preview-{step}"))
        return "result"
    return fn


def test_a_job_runs_and_returns_its_result():
    queue = JobQueue(max_running=1)
    job = queue.submit("alice", "dream", stepping_job(steps=3))
    wait_until(lambda: not job.active)
    assert job.state == DONE and job.result == "result" and job.progress.fraction == 1.0


def test_only_max_running_jobs_run_at_once_the_rest_wait_in_order():
    queue = JobQueue(max_running=1)
    running_now, peak, order = [0], [0], []
    lock = threading.Lock()

    def job_for(name):
        def fn(on_progress, cancel):
            with lock:
                running_now[0] += 1
                peak[0] = max(peak[0], running_now[0])
                order.append(name)
            time.sleep(0.05)
            with lock:
                running_now[0] -= 1
            return name
        return fn
    jobs = [queue.submit(f"session{i}", "dream", job_for(i)) for i in range(5)]
    wait_until(lambda: all(not j.active for j in jobs))
    assert peak[0] == 1
    assert order == [0, 1, 2, 3, 4]
    assert [j.result for j in jobs] == [0, 1, 2, 3, 4]


def test_waiting_jobs_know_their_position_and_an_estimate():
    queue = JobQueue(max_running=1)
    first = queue.submit("a", "dream", stepping_job(steps=200, delay=0.01), estimate_s=2.0)
    second = queue.submit("b", "dream", stepping_job(steps=1), estimate_s=3.0)
    third = queue.submit("c", "dream", stepping_job(steps=1), estimate_s=3.0)
    wait_until(lambda: first.state == RUNNING)
    assert (queue.position(first), queue.position(second), queue.position(third)) == (0, 1, 2)
    assert second.state == third.state == QUEUED
    assert queue.wait_estimate_s(third) > queue.wait_estimate_s(second) > 0
    queue.cancel(first)
    wait_until(lambda: not third.active)


def test_pressing_twice_does_not_start_a_second_job():
    queue = JobQueue(max_running=2)
    runs = []
    first = queue.submit("alice", "dream", stepping_job(steps=30, record=runs))
    again = queue.submit("alice", "dream", stepping_job(steps=30, record=runs))
    assert again is first
    other_kind = queue.submit("alice", "style", stepping_job(steps=1))
    assert other_kind is not first
    wait_until(lambda: not first.active and not other_kind.active)
    assert runs == list(range(1, 31))


def test_stop_ends_a_running_job_within_one_step_and_keeps_the_last_picture():
    queue = JobQueue(max_running=1)
    steps = []
    job = queue.submit("alice", "dream", stepping_job(steps=1000, delay=0.01, record=steps))
    wait_until(lambda: len(steps) >= 5)
    queue.cancel(job)
    at_cancel = len(steps)
    wait_until(lambda: not job.active)
    assert job.state == CANCELLED
    assert len(steps) <= at_cancel + 1
    assert job.result.startswith("partial-")


def test_a_waiting_job_can_be_cancelled_and_never_runs():
    queue = JobQueue(max_running=1)
    blocker = queue.submit("a", "dream", stepping_job(steps=1000, delay=0.01))
    ran = []
    waiting = queue.submit("b", "dream", stepping_job(steps=1, record=ran))
    wait_until(lambda: blocker.state == RUNNING)
    queue.cancel(waiting)
    wait_until(lambda: not waiting.active)
    assert waiting.state == CANCELLED and queue.position(waiting) == 0
    queue.cancel(blocker)
    wait_until(lambda: not blocker.active)
    assert ran == []


def test_a_job_nobody_watches_any_more_is_cancelled():
    queue = JobQueue(max_running=1, abandon_after=0.2)
    job = queue.submit("gone", "dream", stepping_job(steps=10_000, delay=0.01))
    wait_until(lambda: job.state == RUNNING)
    wait_until(lambda: not job.active, timeout=5)
    assert job.state == CANCELLED


def test_a_watched_job_is_not_cancelled():
    queue = JobQueue(max_running=1, abandon_after=0.2)
    job = queue.submit("here", "dream", stepping_job(steps=60, delay=0.01))
    while job.active:
        job.touch()
        time.sleep(0.02)
    assert job.state == DONE


def test_a_failing_job_gives_one_plain_sentence_and_frees_the_machine():
    queue = JobQueue(max_running=1)

    def broken(on_progress, cancel):
        raise RuntimeError("CUDA error: an illegal memory access at 0xdeadbeef")
    failed = queue.submit("a", "dream", broken)
    after = queue.submit("b", "dream", stepping_job(steps=2))
    wait_until(lambda: not after.active)
    assert failed.state == FAILED and "0xdeadbeef" not in failed.error and "\n" not in failed.error
    assert after.state == DONE and queue.running_count() == 0


@pytest.mark.parametrize("message", ["The file is empty."])
def test_a_refused_picture_inside_a_job_is_shown_as_is(message):
    from engine.images.pictures import ImageError
    queue = JobQueue(max_running=1)

    def refuses(on_progress, cancel):
        raise ImageError(message)
    job = queue.submit("a", "dream", refuses)
    wait_until(lambda: not job.active)
    assert job.error == message


def test_several_sessions_dream_for_real_one_at_a_time(lite0, small_picture):
    """Real engine jobs from three sessions share one slot and all finish."""
    from engine.dreaming.dream import deep_dream
    from engine.dreaming.settings import DreamSettings
    queue = JobQueue(max_running=1)
    settings = DreamSettings(layers={"block3": 1.0}, octaves=1, steps=2)
    overlap, active = [0], [0]
    lock = threading.Lock()

    def job(on_progress, cancel):
        with lock:
            active[0] += 1
            overlap[0] = max(overlap[0], active[0])
        try:
            return deep_dream(small_picture, settings, lite0, on_progress=on_progress, cancel=cancel)
        finally:
            with lock:
                active[0] -= 1
    jobs = [queue.submit(f"s{i}", "dream", job) for i in range(3)]
    wait_until(lambda: all(not j.active for j in jobs), timeout=60)
    assert [j.state for j in jobs] == [DONE] * 3 and overlap[0] == 1
    assert all(j.result.size == small_picture.size for j in jobs)


def test_turns_are_fair_everyones_first_job_before_anyones_second():
    queue = JobQueue(max_running=1)
    order = []

    def job_for(name):
        def fn(on_progress, cancel):
            order.append(name)
            time.sleep(0.05)
        return fn
    blocker = queue.submit("carol", "dream", stepping_job(steps=30, delay=0.01))
    wait_until(lambda: blocker.state == RUNNING)
    alice_dream = queue.submit("alice", "dream", job_for("alice dream"))
    alice_style = queue.submit("alice", "style", job_for("alice style"))
    carol_style = queue.submit("carol", "style", job_for("carol style"))
    bob = queue.submit("bob", "dream", job_for("bob dream"))
    # Everyone's first job in the order they came (Carol's is running), then the second ones.
    assert [queue.position(j) for j in (alice_dream, bob, alice_style, carol_style)] == [1, 2, 3, 4]
    assert queue.wait_estimate_s(bob) < queue.wait_estimate_s(alice_style)
    wait_until(lambda: not any(j.active for j in (alice_dream, alice_style, carol_style, bob)))
    assert order == ["alice dream", "bob dream", "alice style", "carol style"]


@pytest.fixture
def gone_quickly(monkeypatch):
    import dreamlab.jobs.queue
    monkeypatch.setattr(dreamlab.jobs.queue, "GONE_AFTER_S", 0.3)


def test_a_closed_tab_frees_its_place_and_its_running_job_stops(gone_quickly):
    """The app tells the queue whose browser is still connected: a job of a closed tab is
    cancelled within seconds (waiting or running), even if its page still looks at it."""
    closed = set()
    queue = JobQueue(max_running=1)
    queue.owner_connected = lambda owner: owner not in closed
    running = queue.submit("leaves-while-painting", "dream", stepping_job(steps=10_000, delay=0.01))
    waiting = queue.submit("leaves-while-waiting", "dream", stepping_job(steps=1))
    stays = queue.submit("stays", "dream", stepping_job(steps=1))
    wait_until(lambda: running.state == RUNNING)
    assert queue.position(stays) == 2
    closed.add("leaves-while-waiting")
    wait_until(lambda: not waiting.active, timeout=5)
    assert waiting.state == CANCELLED and waiting.started is None and queue.position(stays) == 1
    closed.add("leaves-while-painting")
    started = time.monotonic()
    while running.active:  # its page keeps looking (the script still runs after the tab closed)
        running.touch()
        assert time.monotonic() - started < 5
        time.sleep(0.02)
    assert running.state == CANCELLED
    wait_until(lambda: not stays.active)
    assert stays.state == DONE


def test_someone_on_another_page_keeps_their_job(gone_quickly):
    """Connected but not looking (another page of the app): the job is not abandoned."""
    queue = JobQueue(max_running=1, abandon_after=0.1)
    queue.owner_connected = lambda owner: True
    job = queue.submit("elsewhere", "dream", stepping_job(steps=60, delay=0.01))
    wait_until(lambda: not job.active)
    assert job.state == DONE


def test_a_closed_tab_frees_its_place_with_worker_processes(gone_quickly):
    """The default back end: the queue, its places and Stop live in the app, the work in a worker."""
    from dreamlab.jobs.local import ProcessQueue
    from dreamlab.jobs.spec import JobSpec
    closed = set()
    queue = ProcessQueue(1)
    queue.owner_connected = lambda owner: owner not in closed
    try:
        running = queue.submit("leaves", "dream", JobSpec("tests.fake_tasks:stepping", {"steps": 2000, "delay": 0.02}))
        waiting = queue.submit("leaves", "style", JobSpec("tests.fake_tasks:stepping", {"steps": 1}))
        stays = queue.submit("stays", "dream", JobSpec("tests.fake_tasks:stepping", {"steps": 2, "label": "s"}))
        wait_until(lambda: running.state == RUNNING, timeout=60)
        assert (queue.position(stays), queue.position(waiting)) == (1, 2)
        closed.add("leaves")
        wait_until(lambda: not running.active and not waiting.active, timeout=10)
        assert running.state == waiting.state == CANCELLED
        wait_until(lambda: not stays.active, timeout=30)
        assert stays.state == DONE and stays.result == "finished s"
    finally:
        queue.close()
