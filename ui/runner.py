"""Show a queued job in the page: its place in the queue, then progress, a live preview and Stop.

A page describes its job as a ``jobs.spec.JobSpec``; the job service (``jobs.queue.job_queue()``:
worker processes, or a Ray cluster) runs it, so the page can rerun freely while it works; the
page only polls. Pressing the run button twice returns the job already running.
"""
from __future__ import annotations

import time
from typing import Any, Callable, Optional, Sequence, Union

import streamlit as st
from PIL import Image
from streamlit.runtime.scriptrunner import get_script_run_ctx

from jobs.queue import CANCELLED, DONE, FAILED, RUNNING, Job, JobFn, job_queue
from jobs.spec import JobSpec

POLL_S = 0.25


def session_owner() -> str:
    ctx = get_script_run_ctx()
    return ctx.session_id if ctx else "local"


def start_job(kind: str, fn: Union[JobSpec, JobFn], estimate_s: float = 10.0) -> Job:
    job = job_queue().submit(session_owner(), kind, fn, estimate_s)
    st.session_state[f"job:{kind}"] = job.id
    return job


def current_job(kind: str) -> Optional[Job]:
    return job_queue().get(st.session_state.get(f"job:{kind}"))


def follow_job(kind: str, preview_caption: str = "Live preview") -> Optional[Job]:
    """While this session's ``kind`` job is active, show it; return it once it has ended.

    Returns None when there is no job, or the finished job exactly once (then forgets it).
    """
    job = current_job(kind)
    if job is None:
        return None
    if job.active:
        _watch(job, preview_caption)
    st.session_state.pop(f"job:{kind}", None)
    return job


def _watch(job: Job, preview_caption: str) -> None:
    queue = job_queue()
    panel = st.empty()
    with panel.container(border=True):
        if st.button("Stop", key=f"stop-{job.kind}", icon=":material/stop_circle:"):
            queue.cancel(job)
        status = st.empty()
        bar = st.progress(0.0)
        preview = st.empty()
        shown_preview = None
        while job.active:
            job.touch()
            if job.cancel.is_set():
                status.info("Stopping after the current step…")
            elif job.state == RUNNING:
                p = job.progress
                status.write(f"**Working:** {p.describe()}" if p else "**Starting…**")
                bar.progress(p.fraction if p else 0.0)
            else:
                place = queue.position(job)
                wait = queue.wait_estimate_s(job)
                status.info(f"Waiting for the machine: you are number {place} in the queue "
                            f"(about {max(1, round(wait))} s). Other people are painting right now.")
            if job.preview is not None and job.preview is not shown_preview:
                preview.image(job.preview, caption=preview_caption, width="stretch")
                shown_preview = job.preview
            time.sleep(POLL_S)
    panel.empty()


def report_outcome(job: Job) -> Any:
    """Tell the user how a finished job ended; return the picture to keep (or None)."""
    if job.state == DONE:
        return job.result
    if job.state == CANCELLED:
        if job.result is not None:
            st.warning("Stopped. Here is the picture as far as it got.")
        else:
            st.warning("Stopped before anything was painted.")
        return job.result
    if job.state == FAILED:
        st.error(job.error or "Something went wrong.")
    return None


def run_button(label: str, kind: str, make_fn: Callable[[], Union[JobSpec, JobFn, None]],
               estimate_s: float = 10.0, type: str = "primary", **button_args) -> None:
    """A button (primary unless ``type`` says otherwise) that starts the job ``make_fn()`` returns:
    a JobSpec (None: nothing to start)."""
    # Not disabled while busy: a second press just finds the job already running (see JobQueue.submit).
    if st.button(label, type=type, key=f"run-{kind}", **button_args):
        fn = make_fn()
        if fn is not None:
            start_job(kind, fn, estimate_s)


def keep_result(kind: str, result_key: str, preview_caption: str = "Live preview",
                stopped_caption: str = "Where the picture had got to", replaces: Sequence[str] = ()) -> Any:
    """Follow this session's ``kind`` job; when it ends, keep its result (anything but a picture) in
    session state under ``result_key`` and drop the results it ``replaces``, or show the last
    picture of a stopped job. Returns the kept result."""
    finished = follow_job(kind, preview_caption)
    if finished is not None:
        outcome = report_outcome(finished)
        if isinstance(outcome, Image.Image):
            st.image(outcome, caption=stopped_caption, width="stretch")
        elif outcome is not None:
            st.session_state[result_key] = outcome
            for other in replaces:
                st.session_state.pop(other, None)
    return st.session_state.get(result_key)
