"""Widgets for animations: picking a clip, the time estimate and the result (dreamlab.jobs.tasks encodes)."""
from __future__ import annotations

import time
from typing import Optional, Sequence

import streamlit as st

from engine.catalog import weights_ready
from engine.motion.settings import describe_duration, estimate_seconds
from engine.motion.clips import MAX_CLIP_MB, MAX_CLIP_SECONDS, Clip, VideoError, load_clip

from dreamlab.jobs.queue import DONE
from dreamlab.jobs.service import job_queue
from dreamlab.jobs.spec import JobSpec

CLIP_TYPES = ["mp4", "mov", "m4v", "webm", "mkv", "gif"]


def clip_input(key: str, max_side: int, fps: Optional[float]) -> Optional[Clip]:
    """An uploader for a short clip; returns its frames (decoded once per file and size) or None.
    The clip is kept for the session, so it is still there after a visit to another page."""
    upload_key, had_file = f"{key}:upload", f"{key}:had-file"
    if upload_key not in st.session_state:  # not drawn last run: the page was left (or first opened)
        st.session_state[had_file] = False
    uploaded = st.file_uploader(f"Your clip (up to {MAX_CLIP_SECONDS:.0f} seconds)", type=CLIP_TYPES,
                                key=upload_key,
                                help=f"MP4, MOV, WebM or an animated GIF, at most {MAX_CLIP_MB} MB. "
                                     "Its sound is kept.")
    if uploaded is not None:
        st.session_state[had_file] = True
        st.session_state[kept_clip_key(key)] = (uploaded.name, uploaded.file_id, uploaded.getvalue())
    elif st.session_state.get(kept_clip_key(key)) and not st.session_state.get(had_file):
        st.caption(f"Using **{st.session_state[kept_clip_key(key)][0]}** from before. Choose a file to use another.")
    else:
        st.session_state.pop(kept_clip_key(key), None)  # the user removed the file
        return None
    _, file_id, data = st.session_state[kept_clip_key(key)]
    cache_key = f"{key}:decoded"
    wanted = (file_id, max_side, fps)
    cached = st.session_state.get(cache_key)
    if cached and cached[0] == wanted:
        clip = cached[1]
    else:
        with st.spinner("Reading the clip…"):
            try:
                clip = load_clip(data, max_side=max_side, fps=fps)
            except VideoError as err:
                clip = err
        st.session_state[cache_key] = (wanted, clip)
    if isinstance(clip, VideoError):
        st.error(str(clip))
        return None
    for note in clip.notes:
        st.info(note)
    return clip


def kept_clip_key(key: str) -> str:
    """Where the session keeps the clip's (name, file id, bytes)."""
    return f"{key}:kept"


ESTIMATES = "estimates"  # the owner of the timing jobs: the machine's, shared by every visitor
TIMING_WAIT_S = 30.0  # the page waits this long for a timing (a worker that is still starting included)
_STEP_SECONDS: dict[tuple, float] = {}  # (model, layers, height, width) -> one step's seconds on this machine


def _step_seconds(model: str, layers: dict[str, float], height: int, width: int) -> Optional[float]:
    """One Deep Dream step at this size, timed once by a job where the jobs run (the app's process loads
    no network); None while the job waits behind others (a later run of the page picks its answer up)."""
    key = (model, tuple(sorted(layers.items())), height, width)
    if key not in _STEP_SECONDS:
        spec = JobSpec("step_seconds", {"model": model, "layers": dict(layers), "height": height, "width": width})
        job = job_queue().submit(ESTIMATES, f"time:{key}", spec, estimate_s=2.0)
        deadline = time.monotonic() + TIMING_WAIT_S
        with st.spinner("Timing this machine…"):
            while job.active and time.monotonic() < deadline:
                job.touch()
                time.sleep(0.1)
        if job.state == DONE:
            _STEP_SECONDS[key] = float(job.result)
    return _STEP_SECONDS.get(key)


def show_estimate(model: str, layers: dict[str, float], size: tuple[int, int], work: Sequence[float]) -> float:
    """Say up front how long the job will take here (one step timed on this machine); return seconds."""
    if not weights_ready(model) or not layers:
        st.caption(f"{len(work)} frames. The time is estimated once the network is ready.")
        return 10.0 * len(work)
    step = _step_seconds(model, layers, size[1], size[0])
    if step is None:
        st.caption(f"{len(work)} frames. The time is estimated once the paintings ahead of it are done.")
        return 10.0 * len(work)
    seconds = estimate_seconds(work, step)
    st.caption(f":material/schedule: {len(work)} frames at {size[0]}×{size[1]}: "
               f"**{describe_duration(seconds)}** on this machine (about {seconds / len(work):.1f} s a frame).")
    return seconds


def show_animation(result: dict, name: str, key: str) -> None:
    """The video (plays in the page), and MP4 and GIF downloads."""
    if result["stopped"]:
        frames = result["frames"]
        st.info(f"Stopped after {frames} frame{'s' if frames != 1 else ''}: here is the video of "
                f"{'them' if frames != 1 else 'it'}.")
    st.video(result["mp4"], format="video/mp4", loop=True)
    if result["recipe"].get("page"):  # the page, the preset and the seed in the name
        from dreamlab.studio.recipes import filename
        name = filename(result["recipe"], "mp4")[: -len(".mp4")]
    left, right = st.columns(2)
    left.download_button("Download MP4", data=result["mp4"], file_name=f"{name}.mp4", mime="video/mp4",
                         key=f"{key}:mp4", icon=":material/movie:", type="primary", width="stretch", on_click="ignore")
    right.download_button("Download GIF", data=result["gif"], file_name=f"{name}.gif", mime="image/gif",
                          key=f"{key}:gif", icon=":material/animated_images:", width="stretch", on_click="ignore")
    st.caption(f"{result['frames']} frames · seed {result['recipe']['seed']} · MP4 (H.264) plays everywhere; "
               "the GIF is smaller and loops in chats and slides.")
