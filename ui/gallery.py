"""The Filter Gallery's two views: one layer as a grid of thumbnails (paged), or one filter per
layer side by side. Clicking a filter shows it large (``ui.filter_large``)."""
from __future__ import annotations

import streamlit as st

from engine.gallery import compare_picks, dead_filters
from engine.models import get_spec

from .filter_large import SELECTED, enlarged_filter
from .pagination import page_count, page_items, pager
from .thumbnails import filter_thumbnail, paint_missing

GRID_KIND, COMPARE_KIND = "gallery-grid", "gallery-compare"
LAYER_KEY, VIEW_KEY, PER_PAGE_KEY = "gallery:layer", "gallery:view", "gallery:per-page"
VIEWS = ["One layer", "Compare layers"]
COLUMNS = 4
PER_PAGE = {"16": 16, "32": 32, "64": 64}
COMPARE_DEFAULT = ["block0", "block3", "block6", "block9", "block12", "block15"]


def page_key(model: str, layer: str, per_page: int) -> str:
    return f"gallery:page:{model}:{layer}:{per_page}"


def select(model: str, layer: str, channel: int, jump: bool = False) -> None:
    """Button callback (runs before the page, so it may move the layer and view widgets)."""
    st.session_state[SELECTED] = (model, layer, channel)
    if jump:
        st.session_state[f"{LAYER_KEY}:{model}"] = layer
        st.session_state[VIEW_KEY] = VIEWS[0]
        per_page = PER_PAGE[st.session_state.get(PER_PAGE_KEY, "16")]
        st.session_state[page_key(model, layer, per_page)] = channel // per_page


def one_layer(model: str) -> None:
    """A layer picker, then a page of its filters as a grid; the selected filter opens under its row."""
    spec = get_spec(model)
    layers = spec.layer_names()
    layer = st.selectbox("Layer (low → high)", layers, index=layers.index("block8") if "block8" in layers else 0,
                         key=f"{LAYER_KEY}:{model}",
                         format_func=lambda n: f"{n} · {spec.layer(n).hint} ({spec.layer(n).channels} filters)",
                         help="Low layers see colours and edges; high layers see parts of things and creatures.")
    count = spec.layer(layer).channels
    per_col, page_col = st.columns([1, 3], vertical_alignment="bottom")
    per_page = PER_PAGE[per_col.selectbox("Per page", list(PER_PAGE), key=PER_PAGE_KEY)]
    with page_col:
        page = pager(page_key(model, layer, per_page), page_count(count, per_page), key="gallery")
    channels = page_items(count, page, per_page)
    pictures = {c: filter_thumbnail(model, layer, c) for c in channels}
    missing = [(layer, c) for c, p in pictures.items() if p is None]
    if missing:
        paint_missing(GRID_KIND, model, missing, f"filters {channels[0]}–{channels[-1]}")
        pictures = {c: filter_thumbnail(model, layer, c) for c in channels}
    dead = dead_filters(model, layer)
    selected = st.session_state.get(SELECTED)
    for start in range(0, len(channels), COLUMNS):
        row = channels[start:start + COLUMNS]
        for column, c in zip(st.columns(COLUMNS), row):
            with column:
                if pictures.get(c) is not None:
                    st.image(pictures[c], width="stretch")
                st.button(f"#{c}" + (" · unused" if c in dead else ""), key=f"gallery:pick:{c}", width="stretch",
                          type="primary" if selected == (model, layer, c) else "secondary",
                          on_click=select, args=(model, layer, c), help=f"See filter {c} large")
        if selected and selected[:2] == (model, layer) and selected[2] in row:
            enlarged_filter(model, layer, selected[2])


def compare_layers(model: str) -> None:
    """One filter from each chosen layer, low to high; Open jumps to it in its layer."""
    st.write("One filter from each layer, side by side from low to high: watch simple colours and edges grow "
             "into textures, patterns and finally parts of things.")
    spec = get_spec(model)
    layers = spec.layer_names()
    default = [n for n in COMPARE_DEFAULT if n in layers] or layers[:: max(1, len(layers) // 6)]
    chosen = st.multiselect("Layers", layers, default=default, key=f"gallery:compare:{model}",
                            format_func=lambda n: f"{n} · {spec.layer(n).hint}")
    if not chosen:
        st.info("Pick a few layers to compare.")
        return
    seed_key = "gallery:compare:seed"
    if st.button("Other filters", key="gallery:shuffle", icon=":material/casino:"):
        st.session_state[seed_key] = st.session_state.get(seed_key, 0) + 1
    picks = compare_picks(spec, chosen, st.session_state.get(seed_key, 0))
    missing = [(layer, c) for layer, c in picks if filter_thumbnail(model, layer, c) is None]
    if missing:
        paint_missing(COMPARE_KIND, model, missing, "these filters")
    for column, (layer, c) in zip(st.columns(len(picks)), picks):
        picture = filter_thumbnail(model, layer, c)
        with column:
            if picture is not None:
                st.image(picture, width="stretch")
            st.caption(f"**{layer}** #{c}  \n{spec.layer(layer).hint}")
            st.button("Open", key=f"gallery:open:{layer}:{c}", width="stretch", on_click=select,
                      args=(model, layer, c, True), help=f"See {layer} filter {c} large, in its layer")
