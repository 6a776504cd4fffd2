"""Filter thumbnails for the pages: precomputed ones, else ones painted in this process, and
painting the missing ones in the job queue."""
from __future__ import annotations

from typing import Callable, Optional

import streamlit as st
from PIL import Image

from engine.dreaming import gallery_files
from engine.dreaming.gallery_files import RENDER_CACHE
from engine.dreaming.settings import GallerySettings
from dreamlab.jobs.spec import JobSpec

from dreamlab.studio import models
from dreamlab.jobs.queue import DONE, FAILED

from dreamlab.studio.runner import current_job, follow_job, report_outcome, start_job

THUMBS = GallerySettings()  # the precomputed thumbnails' settings; on-demand ones use the same
MS_PER_PIXEL_STEP = 1.2e-3  # rough CPU cost, for the queue's time estimates
DAMAGED = (OSError, ValueError, KeyError)  # a damaged or half-built gallery: no picture, no error


def filter_thumbnail(model: str, layer: str, channel: int) -> Optional[Image.Image]:
    """The precomputed picture, else one rendered earlier in this process, else None."""
    try:
        picture = gallery_files.thumbnail(model, layer, channel)
    except DAMAGED:
        picture = None
    if picture is None:
        picture = RENDER_CACHE.get((model, layer, channel, THUMBS.size, THUMBS.steps, THUMBS.seed))
    return picture


def filter_info(model: str, layer: str, channel: int) -> Optional[dict]:
    """The gallery's facts about one filter (top classes, dead, ...), or None."""
    try:
        return gallery_files.filter_info(model, layer, channel)
    except DAMAGED:
        return None


def estimate_s(count: int, size: int, steps: int) -> float:
    return max(2.0, count * size * size * steps * MS_PER_PIXEL_STEP / 1000)


def start_thumbnails(kind: str, model: str, pairs: list[tuple[str, int]]) -> None:
    """Render thumbnails for (layer, channel) pairs as a job; they land in the app's render cache."""
    if not models.model_ready(model):
        return
    by_layer: dict[str, list[int]] = {}
    for layer, channel in pairs:
        by_layer.setdefault(layer, []).append(channel)
    job = JobSpec("thumbnails", {"model": model, "by_layer": by_layer, "settings": THUMBS})
    start_job(kind, job, estimate_s(len(pairs), THUMBS.size, THUMBS.steps))


def follow_painting(kind: str, caption: str, on_preview: Optional[Callable[[Image.Image], None]] = None,
                    on_done: Optional[Callable[[dict], None]] = None):
    """Show a painting job while it runs; once it has painted, keep its pictures (keyed like the
    render cache: they were painted in a worker), tell ``on_done`` and rerun the page to show them.
    Returns the job if it ended without pictures (stopped or failed), else None."""
    finished = follow_job(kind, caption, on_preview)
    if finished is not None:
        if on_preview is not None and finished.state != DONE:
            return finished  # the caller tells what happened, its live pictures are gone
        painted = report_outcome(finished)
        if isinstance(painted, dict):
            for key, value in painted.items():
                RENDER_CACHE.put(key, value)
            if on_done is not None:
                on_done(painted)
            st.rerun()
    return finished


def preview_pieces(strip: Image.Image) -> dict[int, Image.Image]:
    """The pictures of a thumbnails job's live preview by filter (see ``engine.dreaming.filters.visualize_filters``)."""
    channels = strip.info.get("channels") or []
    if not channels:
        return {}
    side = strip.width // len(channels)
    return {int(c): strip.crop((i * side, 0, (i + 1) * side, side)) for i, c in enumerate(channels)}


PAINTING = "gallery:painting"  # the kind of the thumbnails job this session follows
ENDED = "gallery:painting-ended"  # how the last thumbnails job ended without pictures


def paint_missing(kind: str, model: str, pairs: list[tuple[str, int]], what: str,
                  on_preview: Optional[Callable[[Image.Image], None]] = None) -> None:
    """Paint thumbnails that are neither precomputed nor cached: at once, and again on request
    after a stop.

    One job per set of pictures (``kind`` + what they are): asking for other pictures (another
    layer or page) stops the job still painting the previous ones, so the new ones start at once."""
    job_kind = f"{kind}:{model}:{pairs[0][0]}:{pairs[0][1]}:{len(pairs)}"
    stop_painting_except(job_kind)
    tried = st.session_state.setdefault("gallery:tried", set())
    ended = st.session_state.pop(ENDED, None)
    if job_kind not in tried:
        tried.add(job_kind)
        start_thumbnails(job_kind, model, pairs)
    elif current_job(job_kind) is None:
        if ended:
            st.info(ended)
        if st.button(f"Paint {what}", key=f"{kind}:paint", icon=":material/brush:"):
            start_thumbnails(job_kind, model, pairs)
    if current_job(job_kind) is not None:
        many = len(pairs) != 1
        st.caption(f"{len(pairs)} filter{'s' if many else ''} of **{pairs[0][0]}** {'are' if many else 'is'} "
                   f"being painted: {'each' if many else 'it'} appears in its place and grows.")
    st.session_state[PAINTING] = job_kind
    stopped = follow_painting(job_kind, "The filters so far", on_preview)
    if stopped is not None:  # draw the page again without the half-painted pictures, with a Paint button
        st.session_state[ENDED] = (stopped.error or "Something went wrong.") if stopped.state == FAILED else \
            "Stopped. The filters not painted yet are left blank."
        st.rerun()


def stop_painting_except(job_kind: Optional[str] = None) -> None:
    """Stop the thumbnails job this session follows unless it paints ``job_kind``; its pictures
    will be painted afresh when they are asked for again."""
    previous = st.session_state.get(PAINTING)
    if not previous or previous == job_kind:
        return
    job = current_job(previous)
    if job is not None and job.active:
        from dreamlab.jobs.service import job_queue
        job_queue().cancel(job)
    st.session_state.pop(f"job:{previous}", None)
    st.session_state.pop(PAINTING, None)
    st.session_state.setdefault("gallery:tried", set()).discard(previous)
