"""The Ray back end on a local one-CPU cluster: jobs queue in order across the cluster and finish,
Stop works (running, waiting, hung), and a worker that dies is one plain message."""
import time

import pytest
from PIL import Image

from dreamlab.jobs.queue import CANCELLED, DONE, FAILED, QUEUED, RUNNING
from tests.test_jobs_local import fake, finish, wait_until

pytestmark = pytest.mark.ray


@pytest.fixture(scope="module")
def queue(ray_cluster):
    from dreamlab.jobs.ray_backend import RayQueue
    queue = RayQueue(ray_cluster.address)
    yield queue
    queue.close()


def test_two_jobs_queue_on_the_cluster_and_both_finish(queue):
    first = queue.submit("alice", "dream", fake("stepping", steps=20, delay=0.1, label="a"))
    second = queue.submit("bob", "dream", fake("stepping", steps=2, label="b"))
    wait_until(lambda: first.state == RUNNING, timeout=120)
    wait_until(lambda: queue.position(second) == 1)
    assert second.state == QUEUED and queue.wait_estimate_s(second) > 0
    assert finish(second, timeout=120).state == DONE and second.result == "finished b"
    assert first.state == DONE and first.result == "finished a"
    assert first.finished <= second.started  # one CPU: one after the other, in arrival order


def test_stop_ends_a_running_job_within_a_step_and_keeps_its_picture(queue):
    step_s = 0.5
    job = queue.submit("alice", "dream", fake("stepping", steps=60, delay=step_s))
    wait_until(lambda: job.progress is not None and job.progress.step >= 2, timeout=120)
    asked = time.monotonic()
    queue.cancel(job)
    finish(job)
    assert time.monotonic() - asked < step_s + 1.5  # a step, plus the cluster's two polls
    assert job.state == CANCELLED and isinstance(job.result, Image.Image)


def test_stop_while_waiting_means_it_never_runs(queue):
    running = queue.submit("alice", "dream", fake("stepping", steps=20, delay=0.1, label="a"))
    waiting = queue.submit("bob", "dream", fake("stepping", steps=2, label="b"))
    wait_until(lambda: queue.position(waiting) == 1, timeout=120)
    queue.cancel(waiting)
    finish(waiting)
    assert waiting.state == CANCELLED and waiting.started is None
    assert finish(running, timeout=120).state == DONE


def test_a_hung_job_is_ended_with_its_worker_within_five_seconds(queue):
    job = queue.submit("alice", "dream", fake("hang"))
    wait_until(lambda: job.progress is not None, timeout=120)
    asked = time.monotonic()
    queue.cancel(job)
    finish(job)
    assert time.monotonic() - asked < 5.0
    assert job.state == CANCELLED
    after = finish(queue.submit("alice", "dream", fake("stepping", steps=2, label="after")), timeout=120)
    assert after.state == DONE


def test_a_worker_that_dies_is_a_plain_message_and_the_cluster_carries_on(queue):
    crash = finish(queue.submit("alice", "dream", fake("crash")), timeout=120)
    assert crash.state == FAILED and "stopped unexpectedly" in crash.error
    other = finish(queue.submit("bob", "dream", fake("stepping", steps=2, label="bob")), timeout=120)
    assert other.state == DONE and other.result == "finished bob"
