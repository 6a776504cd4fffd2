"""The local back end: jobs in worker processes. A job that runs out of memory or crashes fails
alone; Stop ends a job within a step, a hung one within seconds; results come back whole."""
import os
import time

import pytest
from PIL import Image

from engine.dreaming.settings import DreamSettings
from dreamlab.jobs.local import HUNG_AFTER_S, ProcessQueue
from dreamlab.jobs.queue import CANCELLED, DONE, FAILED, QUEUED, RUNNING
from dreamlab.jobs.spec import JobSpec
from tests.conftest import gradient_picture

MEMORY_CAP_MB = 6000  # address space per worker: torch alone maps about 3.3 GB of it


def fake(name, **params):
    return JobSpec(f"tests.fake_tasks:{name}", params)


def wait_until(condition, timeout=60.0):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def finish(job, timeout=60.0):
    wait_until(lambda: not job.active, timeout)
    return job


@pytest.fixture(scope="module")
def two_workers():
    queue = ProcessQueue(2, memory_mb=MEMORY_CAP_MB)
    yield queue
    queue.close()


@pytest.fixture(scope="module")
def one_worker():
    queue = ProcessQueue(1)
    yield queue
    queue.close()


def test_a_job_past_the_memory_limit_fails_alone_while_another_finishes(two_workers):
    other = two_workers.submit("bob", "dream", fake("stepping", steps=20, delay=0.05, label="bob"))
    hog = two_workers.submit("alice", "dream", fake("hog_memory", megabytes=MEMORY_CAP_MB + 2048))
    finish(hog)
    finish(other)
    assert hog.state == FAILED and "ran out of memory" in hog.error
    assert "Traceback" not in hog.error
    assert other.state == DONE and other.result == "finished bob"
    again = finish(two_workers.submit("alice", "dream", fake("stepping", steps=2, label="again")))
    assert again.state == DONE and again.result == "finished again"


def test_a_worker_that_dies_is_a_plain_message_for_its_user_and_is_replaced(two_workers):
    other = two_workers.submit("bob", "dream", fake("stepping", steps=20, delay=0.05, label="bob"))
    crash = two_workers.submit("alice", "dream", fake("crash"))
    finish(crash)
    finish(other)
    assert crash.state == FAILED and "stopped unexpectedly" in crash.error
    assert other.state == DONE and other.result == "finished bob"
    before = {w.process.pid for w in two_workers.pool._all}
    again = finish(two_workers.submit("alice", "dream", fake("pid")))
    assert again.state == DONE and again.result in before


def test_stop_ends_a_job_within_one_second_of_its_next_step(one_worker):
    step_s = 0.5
    job = one_worker.submit("alice", "dream", fake("stepping", steps=40, delay=step_s))
    wait_until(lambda: job.progress is not None and job.progress.step >= 2)
    asked = time.monotonic()
    one_worker.cancel(job)
    finish(job)
    assert time.monotonic() - asked < step_s + 1.0
    assert job.state == CANCELLED
    assert isinstance(job.result, Image.Image)  # where it had got to


def test_a_hung_job_is_ended_with_its_worker_within_five_seconds(one_worker):
    job = one_worker.submit("alice", "dream", fake("hang"))
    wait_until(lambda: job.progress is not None)
    hung_pid = one_worker.pool._all[0].process.pid
    asked = time.monotonic()
    one_worker.cancel(job)
    finish(job)
    assert time.monotonic() - asked < 5.0
    assert HUNG_AFTER_S < 5.0
    assert job.state == CANCELLED and job.result is not None  # the last preview it sent
    after = finish(one_worker.submit("alice", "dream", fake("pid")))
    assert after.state == DONE and after.result != hung_pid  # a fresh worker took over


def test_one_worker_queues_the_second_job_and_gives_its_place(one_worker):
    first = one_worker.submit("alice", "dream", fake("stepping", steps=10, delay=0.05, label="a"))
    second = one_worker.submit("bob", "dream", fake("stepping", steps=2, label="b"))
    wait_until(lambda: first.state == RUNNING)
    assert second.state == QUEUED and one_worker.position(second) == 1
    assert finish(second).result == "finished b" and first.state == DONE


def test_workers_run_at_a_lower_priority_than_the_app(one_worker):
    job = finish(one_worker.submit("alice", "nice", fake("niceness")))
    assert job.result >= os.nice(0) + 5


def test_a_real_dream_travels_as_a_spec_and_comes_back_whole(one_worker):
    picture = gradient_picture(64, 48)
    settings = DreamSettings(layers={"block3": 1.0}, octaves=1, steps=2, jitter=4, tile=256)
    job = finish(one_worker.submit("alice", "dream", JobSpec("dream", {"image": picture, "settings": settings})),
                 timeout=120)
    assert job.state == DONE, job.error
    assert job.result["after"].size == (64, 48)
    assert job.result["recipe"]["kind"] == "dream" and len(job.result["seen_after"]) == 5
    assert job.progress.fraction == 1.0 and job.preview is not None


def test_a_busy_worker_ends_when_the_app_is_killed_outright(tmp_path):
    import signal
    import subprocess
    import sys
    script = tmp_path / "app.py"
    script.write_text("import sys, time\n"
                      f"sys.path.insert(0, {str(__import__('tests.conftest').conftest.ROOT)!r})\n"
                      "from dreamlab.jobs.local import ProcessQueue\n"
                      "from dreamlab.jobs.spec import JobSpec\n"
                      "if __name__ == '__main__':\n"
                      "    queue = ProcessQueue(1)\n"
                      "    job = queue.submit('a', 'x', JobSpec('tests.fake_tasks:hang'))\n"
                      "    while job.progress is None: time.sleep(0.05)\n"
                      "    print(queue.pool._all[0].process.pid, flush=True)\n"
                      "    time.sleep(600)\n")
    app = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    worker = int(app.stdout.readline())
    app.send_signal(signal.SIGKILL)
    app.wait()
    wait_until(lambda: not os.path.exists(f"/proc/{worker}") or
               open(f"/proc/{worker}/stat").read().rsplit(")", 1)[1].split()[0] == "Z", timeout=30)


def test_a_worker_outlives_the_thread_that_started_it():
    """Workers are started from short-lived threads (a page's script run, a job that replaced a
    worker); they must keep serving after that thread has ended."""
    import threading
    made = []

    def start_and_use():
        queue = ProcessQueue(1)
        made.append(queue)
        finish(queue.submit("alice", "dream", fake("stepping", steps=1, label="first")))  # worker is up
    starter = threading.Thread(target=start_and_use)
    starter.start()
    starter.join()
    queue = made[0]
    try:
        time.sleep(0.5)
        job = finish(queue.submit("alice", "dream", fake("stepping", steps=3, label="later")))
        assert job.state == DONE and job.result == "finished later"
    finally:
        queue.close()


def test_a_worker_says_in_the_log_once_it_is_warm(capfd):
    """Benchmarks (benchmarks/bench_press.py) wait for this line before the first press."""
    from dreamlab.jobs.local import WARM_LINE
    queue = ProcessQueue(1)
    try:
        job = finish(queue.submit("alice", "dream", fake("stepping", steps=1, label="first")))
        assert job.state == DONE
    finally:
        queue.close()
    lines = [line for line in capfd.readouterr().err.splitlines() if WARM_LINE in line]
    assert len(lines) == 1 and "dreamlab-worker-0" in lines[0]


def test_warming_up_runs_the_dream_page_s_first_dream_and_a_filter(lite0, monkeypatch):
    """So that the first press pays neither for preparing kernels nor for importing its settings."""
    from dreamlab.jobs import tasks
    from dreamlab.settings.jobs import Dream
    dreams, pictures = [], []
    monkeypatch.setattr(tasks, "dream", lambda progress, cancel, photo, settings: dreams.append((photo, settings)))
    monkeypatch.setattr(tasks.filters, "visualize_filters", lambda net, layer, *args, **kw: pictures.append(layer))
    tasks.warm_kernels(lite0)
    (photo, settings), = dreams
    assert photo.size == tasks.WARM_PICTURE
    assert settings.steps == 1 and settings.model_copy(update={"steps": Dream().steps}) == Dream()
    assert pictures == [lite0.stage_names[-1]]
