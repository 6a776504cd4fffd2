"""Filter thumbnails for the pages: precomputed ones, else ones painted in this process, and
painting the missing ones in the job queue."""
from __future__ import annotations

from typing import Optional

import streamlit as st
from PIL import Image

from engine import gallery
from engine.gallery import RENDER_CACHE, GallerySettings
from jobs.spec import JobSpec

from . import models
from .runner import follow_job, report_outcome, start_job

THUMBS = GallerySettings()  # the precomputed thumbnails' settings; on-demand ones use the same
MS_PER_PIXEL_STEP = 1.2e-3  # rough CPU cost, for the queue's time estimates
DAMAGED = (OSError, ValueError, KeyError)  # a damaged or half-built gallery: no picture, no error


def filter_thumbnail(model: str, layer: str, channel: int) -> Optional[Image.Image]:
    """The precomputed picture, else one rendered earlier in this process, else None."""
    try:
        picture = gallery.thumbnail(model, layer, channel)
    except DAMAGED:
        picture = None
    if picture is None:
        picture = RENDER_CACHE.get((model, layer, channel, THUMBS.size, THUMBS.steps, THUMBS.seed))
    return picture


def filter_info(model: str, layer: str, channel: int) -> Optional[dict]:
    """The gallery's facts about one filter (top classes, dead, ...), or None."""
    try:
        return gallery.filter_info(model, layer, channel)
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


def follow_painting(kind: str, caption: str) -> None:
    """Show a painting job while it runs; once it has painted, keep its pictures (keyed like the
    render cache: they were painted in a worker) and rerun the page to show them."""
    finished = follow_job(kind, caption)
    if finished is not None:
        painted = report_outcome(finished)
        if isinstance(painted, dict):
            for key, value in painted.items():
                RENDER_CACHE.put(key, value)
            st.rerun()


def paint_missing(kind: str, model: str, pairs: list[tuple[str, int]], what: str) -> None:
    """Paint thumbnails that are neither precomputed nor cached: once by itself, then on request."""
    tried = st.session_state.setdefault(f"{kind}:tried", set())
    key = (model, tuple(pairs))
    if key not in tried:
        tried.add(key)
        start_thumbnails(kind, model, pairs)
    elif st.button(f"Paint {what}", key=f"{kind}:paint", icon=":material/brush:"):
        start_thumbnails(kind, model, pairs)
    follow_painting(kind, "The filters so far")
