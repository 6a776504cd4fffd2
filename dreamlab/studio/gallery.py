"""The Filter Gallery's two views: one layer as a grid of thumbnails (paged), or one filter per
layer side by side. Clicking a filter shows it large (``dreamlab.studio.filter_large``). Every setting is kept
for the session (``dreamlab.studio.persist.kept``)."""
from __future__ import annotations

from functools import partial

import streamlit as st

from engine.dreaming.gallery_files import compare_picks, dead_filters
from engine.catalog import get_spec

from dreamlab.settings.gallery import VIEWS
from dreamlab.studio.filter_large import enlarged_filter, selected_filter
from dreamlab.studio.gallery_state import SELECTED
from dreamlab.studio.page_state import GALLERY
from dreamlab.studio.pagination import page_count, page_items, pager
from dreamlab.studio.runner import scroll_here
from dreamlab.studio.thumb_grid import Cell, thumb_grid
from dreamlab.studio.thumbnails import THUMBS, filter_thumbnail, paint_missing, preview_pieces, stop_painting_except
from dreamlab.studio.widgets import draw

GRID_KIND, COMPARE_KIND = "gallery-grid", "gallery-compare"


def page_key(model: str, layer: str, per_page: int) -> str:
    return f"gallery:page:{model}:{layer}:{per_page}"


def select(model: str, layer: str, channel: int, jump: bool = False) -> None:
    """Click callback (runs before the page, so it may move the layer and view widgets)."""
    st.session_state[SELECTED] = (model, layer, channel)
    st.session_state[SCROLL_TO_LARGE] = True
    if jump:
        GALLERY.set({"layer": layer, "view": VIEWS[0]})
        per_page = GALLERY.get("per_page")
        st.session_state[page_key(model, layer, per_page)] = channel // per_page


SCROLL_TO_LARGE = "gallery:scroll-to-large"


def one_layer(model: str) -> None:
    """A layer picker, then a page of its filters as a grid; the selected filter opens under it.

    The grid is drawn before anything is painted, so a new layer never shows the previous
    layer's pictures: missing ones are placeholders that fill in as they are painted."""
    spec = get_spec(model)
    layers = spec.layer_names()
    described = GALLERY.fields["layer"]
    layer = st.selectbox(described.title, layers, key=GALLERY.key("layer"), persist_state="session",
                         format_func=lambda n: f"{n} · {spec.layer(n).hint} ({spec.layer(n).channels} filters)",
                         help=described.help)
    count = spec.layer(layer).channels
    if layer == layers[0]:
        st.caption("Filters of the first layer look at a few pixels only: each is drawn as the colour and the "
                   "stripes that excite it most, magnified 4× so that you can see them.")
    per_col, page_col = st.columns([1, 3], vertical_alignment="bottom")
    per_page = draw(GALLERY, "per_page", per_col)
    with page_col:
        page = pager(page_key(model, layer, per_page), page_count(count, per_page), key="gallery")
    channels = page_items(count, page, per_page)
    pictures = {c: filter_thumbnail(model, layer, c) for c in channels}
    missing = [c for c, p in pictures.items() if p is None]
    dead = dead_filters(model, layer)
    selected = selected_filter()
    job_area, grid_area = st.container(), st.empty()

    def draw_grid(live: dict | None = None) -> None:
        cells = [Cell(c, pictures[c] if pictures[c] is not None else (live or {}).get(c),
                      "done" if pictures[c] is not None else ("painting" if live is not None else "waiting"),
                      c in dead, selected == (model, layer, c)) for c in channels]
        with grid_area:
            if live is None:
                thumb_grid(layer, cells, THUMBS.size, key=f"gallery:grid:{model}",
                           on_pick=partial(select, model, layer), rows_of=per_page)
            else:
                thumb_grid(layer, cells, THUMBS.size, rows_of=per_page)
    draw_grid()
    if missing:
        live: dict = {}

        def grow(strip) -> None:
            live.update(preview_pieces(strip))
            draw_grid(live)
        with job_area:
            paint_missing(GRID_KIND, model, [(layer, c) for c in missing], _which(channels),
                          on_preview=grow)
    else:
        stop_painting_except(None)
    if selected and selected[:2] == (model, layer):
        if st.session_state.pop(SCROLL_TO_LARGE, False):
            scroll_here(f"gallery:scroll:{selected}")
        enlarged_filter(model, layer, selected[2])


def _which(channels: list[int]) -> str:
    """'filters 16–31', or 'filter 112' for a page of one (not 'filters 112–112')."""
    return f"filter {channels[0]}" if len(channels) == 1 else f"filters {channels[0]}–{channels[-1]}"


def compare_layers(model: str) -> None:
    """One filter from each chosen layer, low to high; Open jumps to it in its layer."""
    st.write("One filter from each layer, side by side from low to high: watch simple colours and edges grow "
             "into textures, patterns and finally parts of things.")
    spec = get_spec(model)
    chosen = list(draw(GALLERY, "compare"))
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
