"""One filter seen large: painted on demand at a higher size, its top classes, Add to palette.

The large picture starts from the filter's thumbnail and only adds the finer detail of the larger
size (a few steps, not a painting from noise), so it looks like the thumbnail that was clicked,
grows in a live preview, and lands in the session's history with a full-size download."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import streamlit as st
from PIL import Image

from engine.dreaming.settings import FilterSettings
from engine.dreaming.gallery_files import RENDER_CACHE
from engine.catalog import get_spec
from dreamlab.jobs.spec import JobSpec

from dreamlab.settings.gallery import LARGE_SIZES
from dreamlab.studio import history
from dreamlab.studio import models
from dreamlab.studio.gallery_state import SELECTED, valid_filter
from dreamlab.studio.page_state import GALLERY
from dreamlab.studio.results import classes_table, show_actions
from dreamlab.studio.runner import page_settings, start_job
from dreamlab.studio.state import add_to_palette, in_palette, palette
from dreamlab.studio.thumbnails import THUMBS, filter_info, filter_thumbnail, follow_painting
from dreamlab.studio.widgets import draw

LARGE_KIND = "gallery-large"
ASKED = "gallery:large:asked"  # the render key last started, so a rerun does not start it again
LARGE_STEPS = 24  # from the thumbnail; from noise it would take about 96 (engine.dreaming.filters.visualize_filter)
MS_PER_PIXEL_STEP_WARM = 0.8e-3


def selected_filter() -> Optional[tuple]:
    """(model, layer, channel) of the filter shown large (a restored one comes back as a list)."""
    return valid_filter(st.session_state.get(SELECTED))
# absolute, so the link works from any entrypoint (app.py, Community Cloud's deploy/community_cloud/)
PALETTE_PAGE = Path(__file__).resolve().parents[2] / "app_pages" / "hybrid_palette.py"


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
        label = draw(GALLERY, "size")
        size = LARGE_SIZES[label]
        key = (model, layer, channel, size, LARGE_STEPS, THUMBS.seed)
        _paint_large(key, label)
        if size >= 512:  # the picture across the panel, the facts under it
            _large_picture(key, label)
            _about(model, layer, channel, info, key, dead)
            return
        pic_col, text_col = st.columns([3, 2])
        with pic_col:
            _large_picture(key, label)
        with text_col:
            _about(model, layer, channel, info, key, dead)


def _paint_large(key: tuple, label: str) -> None:
    """Start painting the large picture once (unless it is cached) and follow the job."""
    model, layer, channel, size, steps, seed = key
    if RENDER_CACHE.get(key) is None and st.session_state.get(ASKED) != key:
        st.session_state[ASKED] = key
        if models.model_ready(model):
            settings = FilterSettings(size=size, steps=steps, seed=seed)
            job = JobSpec("large_filter", {"model": model, "layer": layer, "channel": channel, "settings": settings,
                                           "start": filter_thumbnail(model, layer, channel)})
            start_job(LARGE_KIND, job, max(2.0, size * size * steps * MS_PER_PIXEL_STEP_WARM / 1000))
            st.session_state[f"{ASKED}:recipe"] = _recipe(key, label)
    follow_painting(LARGE_KIND, f"Filter {channel} growing to {size} px", on_done=_to_history)


def _recipe(key: tuple, label: str) -> dict:
    model, layer, channel, size, steps, seed = key
    return {**FilterSettings(size=size, steps=steps, seed=seed).recipe(model, layer, channel),
            "page": "filter", "label": f"{layer} filter {channel}", "size_label": label.lower(),
            "settings": page_settings("filter")}


def _to_history(painted: dict) -> None:
    """A finished large picture goes into the session's history (its settings restore the page with it open)."""
    recipe = st.session_state.pop(f"{ASKED}:recipe", None)
    key = st.session_state.get(ASKED)
    picture = painted.get(key) if key else None
    if recipe is not None and isinstance(picture, Image.Image):
        history.add("filter", picture, None, recipe)


def _large_picture(key: tuple, label: str) -> None:
    model, layer, channel, size, _, _ = key
    picture = RENDER_CACHE.get(key)
    if picture is not None:
        st.image(picture, caption=f"Filter {channel} of {layer}, {label.lower()}: {size} px", width=size)
        show_actions(picture, _recipe(key, label), key="gallery:large")
        return
    small = filter_thumbnail(model, layer, channel)
    if small is not None:
        st.image(small, caption="The thumbnail (the large one was stopped)", width=small.width)
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
        count = len(palette())
        st.success(f"Filter {layer}:{channel} is in your palette ({count} filter{'' if count == 1 else 's'}).")
        st.page_link(PALETTE_PAGE, label="Paint with your palette", icon=":material/palette:")
