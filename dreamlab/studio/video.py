"""Widgets for animations: picking a clip, the time estimate and the result (dreamlab.jobs.tasks encodes)."""
from __future__ import annotations

from typing import Optional, Sequence

import streamlit as st

from engine.catalog import weights_ready
from engine.motion.animate import seconds_per_step
from engine.motion.settings import describe_duration, estimate_seconds
from engine.motion.clips import MAX_CLIP_MB, MAX_CLIP_SECONDS, Clip, VideoError, load_clip

from dreamlab.studio.models import get_model

CLIP_TYPES = ["mp4", "mov", "m4v", "webm", "mkv", "gif"]


def clip_input(key: str, max_side: int, fps: Optional[float]) -> Optional[Clip]:
    """An uploader for a short clip; returns its frames (decoded once per file and size) or None."""
    uploaded = st.file_uploader(f"Your clip (up to {MAX_CLIP_SECONDS:.0f} seconds)", type=CLIP_TYPES,
                                key=f"{key}:upload",
                                help=f"MP4, MOV, WebM or an animated GIF, at most {MAX_CLIP_MB} MB. "
                                     "Its sound is kept.")
    if uploaded is None:
        return None
    cache_key = f"{key}:decoded"
    wanted = (uploaded.file_id, max_side, fps)
    cached = st.session_state.get(cache_key)
    if cached and cached[0] == wanted:
        clip = cached[1]
    else:
        with st.spinner("Reading the clip…"):
            try:
                clip = load_clip(uploaded.getvalue(), max_side=max_side, fps=fps)
            except VideoError as err:
                clip = err
        st.session_state[cache_key] = (wanted, clip)
    if isinstance(clip, VideoError):
        st.error(str(clip))
        return None
    for note in clip.notes:
        st.info(note)
    return clip


@st.cache_data(show_spinner="Timing this machine…", max_entries=64)
def _step_seconds(_net, model: str, layers: tuple, height: int, width: int) -> float:
    return seconds_per_step(_net, dict(layers), height, width)


def show_estimate(model: str, layers: dict[str, float], size: tuple[int, int], work: Sequence[float]) -> float:
    """Say up front how long the job will take here (one step timed on this machine); return seconds."""
    if not weights_ready(model) or not layers:
        st.caption(f"{len(work)} frames. The time is estimated once the network is ready.")
        return 10.0 * len(work)
    net = get_model(model)
    if net is None:
        return 10.0 * len(work)
    step = _step_seconds(net, model, tuple(sorted(layers.items())), size[1], size[0])
    seconds = estimate_seconds(work, step)
    st.caption(f":material/schedule: {len(work)} frames at {size[0]}×{size[1]}: "
               f"**{describe_duration(seconds)}** on this machine (about {seconds / len(work):.1f} s a frame).")
    return seconds


def show_animation(result: dict, name: str, key: str) -> None:
    """The video (plays in the page), and MP4 and GIF downloads."""
    if result["stopped"]:
        st.info(f"Stopped after {result['frames']} frames: here is the video of them.")
    st.video(result["mp4"], format="video/mp4", loop=True)
    if result["recipe"].get("page"):  # the page, the preset and the seed in the name
        from dreamlab.studio.recipes import filename
        name = filename(result["recipe"], "mp4")[: -len(".mp4")]
    left, right = st.columns(2)
    left.download_button("Download MP4", data=result["mp4"], file_name=f"{name}.mp4", mime="video/mp4",
                         key=f"{key}:mp4", icon=":material/movie:", type="primary", width="stretch")
    right.download_button("Download GIF", data=result["gif"], file_name=f"{name}.gif", mime="image/gif",
                          key=f"{key}:gif", icon=":material/animated_images:", width="stretch")
    st.caption(f"{result['frames']} frames · seed {result['recipe']['seed']} · MP4 (H.264) plays everywhere; "
               "the GIF is smaller and loops in chats and slides.")
