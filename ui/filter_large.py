"""One filter seen large: painted on demand at a higher size, its top classes, Add to palette."""
from __future__ import annotations

from pathlib import Path

import streamlit as st
from PIL import Image

from engine.filters import FilterSettings
from engine.gallery import RENDER_CACHE
from engine.models import get_spec
from jobs.spec import JobSpec

from . import models
from .results import classes_table
from .runner import start_job
from .state import add_to_palette, in_palette, palette
from .thumbnails import THUMBS, estimate_s, filter_info, filter_thumbnail, follow_painting

LARGE_KIND = "gallery-large"
SELECTED = "gallery:selected"  # (model, layer, channel) of the filter shown large
ASKED = "gallery:large:asked"  # the render key last started, so a rerun does not start it again
LARGE_SIZES = {"Large": 256, "Extra large": 384}
LARGE_STEPS = 96
# absolute, so the link works from any entrypoint (app.py, Community Cloud's deploy/community_cloud/)
PALETTE_PAGE = Path(__file__).resolve().parent.parent / "app_pages" / "hybrid_palette.py"


def enlarged_filter(model: str, layer: str, channel: int) -> None:
    with st.container(border=True, key="gallery-enlarged"):
        head, close = st.columns([6, 1], vertical_alignment="center")
        head.subheader(f"{layer} · filter {channel}")
        if close.button("", icon=":material/close:", key="gallery:close", help="Close"):
            st.session_state.pop(SELECTED, None)
            st.rerun()
        info = filter_info(model, layer, channel)
        dead = bool(info and info.get("dead"))
        if dead:
            st.info("This filter never fires: the network does not use it (its weights are all zero), "
                    "so there is nothing to paint.")
        size = LARGE_SIZES[st.segmented_control("Size", list(LARGE_SIZES), default="Large", key="gallery:size")
                           or "Large"]
        key = (model, layer, channel, size, LARGE_STEPS, THUMBS.seed)
        _paint_large(key)
        pic_col, text_col = st.columns([3, 2])
        with pic_col:
            _large_picture(key)
        with text_col:
            _about(model, layer, channel, info, key, dead)


def _paint_large(key: tuple) -> None:
    """Start painting the large picture once (unless it is cached) and follow the job."""
    model, layer, channel, size, steps, seed = key
    if RENDER_CACHE.get(key) is None and st.session_state.get(ASKED) != key:
        st.session_state[ASKED] = key
        if models.model_ready(model):
            settings = FilterSettings(size=size, steps=steps, seed=seed)
            job = JobSpec("large_filter", {"model": model, "layer": layer, "channel": channel, "settings": settings})
            start_job(LARGE_KIND, job, estimate_s(1, size, steps))
    follow_painting(LARGE_KIND, f"Painting filter {channel} large")


def _large_picture(key: tuple) -> None:
    model, layer, channel, size, _, _ = key
    picture = RENDER_CACHE.get(key)
    if picture is not None:
        st.image(picture, caption=f"Filter {channel} of {layer}, {size} px", width="stretch")
        return
    small = filter_thumbnail(model, layer, channel)
    if small is not None:
        st.image(small.resize((size, size), Image.LANCZOS), caption="Thumbnail (the large one was stopped)",
                 width="stretch")
        if st.button("Paint it large", key="gallery:large:again", icon=":material/brush:"):
            st.session_state.pop(ASKED, None)
            st.rerun()


def _about(model: str, layer: str, channel: int, info, key: tuple, dead: bool) -> None:
    spec = get_spec(model)
    st.markdown(f"**Layer {layer}** ({spec.layer(layer).hint}), filter number **{channel}** "
                f"of {spec.layer(layer).channels}.")
    top = (info or {}).get("top") or RENDER_CACHE.get(("top",) + key)
    if top:
        st.markdown("**Pushes the picture towards**")
        classes_table(top)
    there = in_palette(model, layer, channel)
    if st.button("Add to palette", key="gallery:add", icon=":material/palette:", type="primary",
                 disabled=there or dead):
        add_to_palette(model, layer, channel, 1.0)
        st.rerun()
    if there:
        st.success(f"Filter {layer}:{channel} is in your palette ({len(palette())} filters).")
        st.page_link(PALETTE_PAGE, label="Paint with your palette", icon=":material/palette:")
