import streamlit as st
from PIL import Image

from engine.classify import classify
from engine.filters import visualize_filter
from engine.gallery import (RENDER_CACHE, GallerySettings, compare_picks, dead_filters, filter_info, page_channels,
                            page_count, thumbnail)
from engine.models import get_spec
from ui.models import get_model, model_picker
from ui.runner import follow_job, report_outcome, start_job
from ui.state import add_to_palette, palette

GRID_KIND, LARGE_KIND, COMPARE_KIND = "gallery-grid", "gallery-large", "gallery-compare"
MODEL_KEY, LAYER_KEY, VIEW_KEY, SELECTED = "gallery:model", "gallery:layer", "gallery:view", "gallery:selected"
COLUMNS = 4
PER_PAGE = {"16": 16, "32": 32, "64": 64}
LARGE_SIZES = {"Large": 256, "Extra large": 384}
LARGE_STEPS = 96
COMPARE_DEFAULT = ["block0", "block3", "block6", "block9", "block12", "block15"]
THUMBS = GallerySettings()  # the precomputed thumbnails' settings; on-demand ones use the same
MS_PER_PIXEL_STEP = 1.2e-3  # rough CPU cost, for the queue's time estimates

st.title("Filter Gallery")
st.write("Every layer of the network has filters, each looking for one thing. Starting from noise, DreamLab "
         "paints what makes a filter fire the most: colours and edges in low layers, textures in the middle, "
         "strange creatures and objects at the top. Click a filter to see it large and add it to your palette.")

model_name = model_picker(MODEL_KEY)
spec = get_spec(model_name)
layers = spec.layer_names()
view = st.segmented_control("View", ["One layer", "Compare layers"], default="One layer", key=VIEW_KEY,
                            label_visibility="collapsed") or "One layer"


def safe_thumbnail(layer: str, channel: int):
    """The precomputed picture, else one rendered earlier in this process, else None."""
    try:
        picture = thumbnail(model_name, layer, channel)
    except (OSError, ValueError, KeyError):  # a damaged or half-built gallery: render instead
        picture = None
    if picture is None:
        picture = RENDER_CACHE.get((model_name, layer, channel, THUMBS.size, THUMBS.steps, THUMBS.seed))
    return picture


def safe_info(layer: str, channel: int):
    try:
        return filter_info(model_name, layer, channel)
    except (OSError, ValueError, KeyError):
        return None


def estimate_s(count: int, size: int, steps: int) -> float:
    return max(2.0, count * size * size * steps * MS_PER_PIXEL_STEP / 1000)


def start_thumbnails(kind: str, pairs: list[tuple[str, int]]) -> None:
    """Render thumbnails for (layer, channel) pairs in the job queue; they land in the process cache."""
    net = get_model(model_name)
    if net is None:
        return
    by_layer: dict[str, list[int]] = {}
    for layer, channel in pairs:
        by_layer.setdefault(layer, []).append(channel)

    def job(on_progress, cancel):
        for layer, channels in by_layer.items():
            RENDER_CACHE.render(net, layer, channels, size=THUMBS.size, steps=THUMBS.steps, seed=THUMBS.seed,
                                on_progress=on_progress, cancel=cancel)
        return True
    start_job(kind, job, estimate_s(len(pairs), THUMBS.size, THUMBS.steps))


def follow(kind: str, caption: str) -> None:
    finished = follow_job(kind, caption)
    if finished is not None and report_outcome(finished) is True:
        st.rerun()


def show_missing(kind: str, pairs: list[tuple[str, int]], what: str) -> None:
    """Paint thumbnails that are neither precomputed nor cached: once by itself, then on request."""
    tried = st.session_state.setdefault(f"{kind}:tried", set())
    key = (model_name, tuple(pairs))
    if key not in tried:
        tried.add(key)
        start_thumbnails(kind, pairs)
    elif st.button(f"Paint {what}", key=f"{kind}:paint", icon=":material/brush:"):
        start_thumbnails(kind, pairs)
    follow(kind, "The filters so far")


def classes_table(top) -> None:
    st.dataframe({"thing": [label for label, _ in top], "chance": [p for _, p in top]},
                 column_config={"chance": st.column_config.ProgressColumn("chance", format="percent",
                                                                          min_value=0.0, max_value=1.0)},
                 hide_index=True, width="stretch")


def enlarged(layer: str, channel: int) -> None:
    """One filter large: painted on demand at a higher size, its top classes, Add to palette."""
    with st.container(border=True, key="gallery-enlarged"):
        head, close = st.columns([6, 1], vertical_alignment="center")
        head.subheader(f"{layer} · filter {channel}")
        if close.button("", icon=":material/close:", key="gallery:close", help="Close"):
            st.session_state.pop(SELECTED, None)
            st.rerun()
        info = safe_info(layer, channel)
        if info and info.get("dead"):
            st.info("This filter never fires: the network does not use it (its weights are all zero), "
                    "so there is nothing to paint.")
        size = LARGE_SIZES[st.segmented_control("Size", list(LARGE_SIZES), default="Large", key="gallery:size")
                           or "Large"]
        key = (model_name, layer, channel, size, LARGE_STEPS, THUMBS.seed)
        picture = RENDER_CACHE.get(key)
        job_key = st.session_state.get("gallery:large:asked")
        if picture is None and job_key != key:
            st.session_state["gallery:large:asked"] = key
            net = get_model(model_name)
            if net is not None:
                def job(on_progress, cancel):
                    big = visualize_filter(net, layer, channel, size=size, steps=LARGE_STEPS, seed=THUMBS.seed,
                                           on_progress=on_progress, cancel=cancel)
                    RENDER_CACHE.put(key, big)
                    RENDER_CACHE.put(("top",) + key, classify(big, net, 3))
                    return True
                start_job(LARGE_KIND, job, estimate_s(1, size, LARGE_STEPS))
        follow(LARGE_KIND, f"Painting filter {channel} large")
        picture = RENDER_CACHE.get(key)
        small = safe_thumbnail(layer, channel)
        pic_col, text_col = st.columns([3, 2])
        if picture is not None:
            pic_col.image(picture, caption=f"Filter {channel} of {layer}, {size} px", width="stretch")
        elif small is not None:
            pic_col.image(small.resize((size, size), Image.LANCZOS), caption="Thumbnail (the large one was stopped)",
                          width="stretch")
            if pic_col.button("Paint it large", key="gallery:large:again", icon=":material/brush:"):
                st.session_state.pop("gallery:large:asked", None)
                st.rerun()
        with text_col:
            st.markdown(f"**Layer {layer}** ({spec.layer(layer).hint}), filter number **{channel}** "
                        f"of {spec.layer(layer).channels}.")
            top = (info or {}).get("top") or RENDER_CACHE.get(("top",) + key)
            if top:
                st.markdown("**Pushes the picture towards**")
                classes_table(top)
            in_palette = any(e["model"] == model_name and e["layer"] == layer and e["channel"] == channel
                             for e in palette())
            if st.button("Add to palette", key="gallery:add", icon=":material/palette:", type="primary",
                         disabled=in_palette or bool(info and info.get("dead"))):
                add_to_palette(model_name, layer, channel, 1.0)
                st.rerun()
            if in_palette:
                st.success(f"Filter {layer}:{channel} is in your palette ({len(palette())} filters).")
                st.page_link("app_pages/hybrid_palette.py", label="Paint with your palette", icon=":material/palette:")


def select(layer: str, channel: int, jump: bool = False) -> None:
    """Button callback (runs before the page, so it may move the layer and view widgets)."""
    st.session_state[SELECTED] = (model_name, layer, channel)
    if jump:
        st.session_state[f"{LAYER_KEY}:{model_name}"] = layer
        st.session_state[VIEW_KEY] = "One layer"
        per_page = PER_PAGE[st.session_state.get("gallery:per-page", "16")]
        st.session_state[f"gallery:page:{model_name}:{layer}:{per_page}"] = channel // per_page


def one_layer() -> None:
    layer = st.selectbox("Layer (low → high)", layers, index=layers.index("block8") if "block8" in layers else 0,
                         key=f"{LAYER_KEY}:{model_name}",
                         format_func=lambda n: f"{n} · {spec.layer(n).hint} ({spec.layer(n).channels} filters)",
                         help="Low layers see colours and edges; high layers see parts of things and creatures.")
    count = spec.layer(layer).channels
    per_col, page_col = st.columns([1, 3], vertical_alignment="bottom")
    per_page = PER_PAGE[per_col.selectbox("Per page", list(PER_PAGE), key="gallery:per-page")]
    pages = page_count(count, per_page)
    page_key = f"gallery:page:{model_name}:{layer}:{per_page}"
    page = min(st.session_state.get(page_key, 0), pages - 1)
    with page_col:
        prev_col, label_col, next_col = st.columns([1, 2, 1], vertical_alignment="center")
        if prev_col.button("Previous", key="gallery:prev", icon=":material/chevron_left:", disabled=page == 0,
                           width="stretch"):
            st.session_state[page_key] = page - 1
            st.rerun()
        label_col.markdown(f"<div style='text-align:center'>Page {page + 1} of {pages}</div>",
                           unsafe_allow_html=True)
        if next_col.button("Next", key="gallery:next", icon=":material/chevron_right:", disabled=page >= pages - 1,
                           width="stretch"):
            st.session_state[page_key] = page + 1
            st.rerun()

    channels = page_channels(count, page, per_page)
    pictures = {c: safe_thumbnail(layer, c) for c in channels}
    missing = [(layer, c) for c, p in pictures.items() if p is None]
    if missing:
        show_missing(GRID_KIND, missing, f"filters {channels[0]}–{channels[-1]}")
        pictures = {c: safe_thumbnail(layer, c) for c in channels}
    dead = dead_filters(model_name, layer)
    selected = st.session_state.get(SELECTED)
    for start in range(0, len(channels), COLUMNS):
        row = channels[start:start + COLUMNS]
        for column, c in zip(st.columns(COLUMNS), row):
            with column:
                if pictures.get(c) is not None:
                    st.image(pictures[c], width="stretch")
                st.button(f"#{c}" + (" · unused" if c in dead else ""), key=f"gallery:pick:{c}", width="stretch",
                          type="primary" if selected == (model_name, layer, c) else "secondary",
                          on_click=select, args=(layer, c), help=f"See filter {c} large")
        if selected and selected[:2] == (model_name, layer) and selected[2] in row:
            enlarged(layer, selected[2])


def compare_layers() -> None:
    st.write("One filter from each layer, side by side from low to high: watch simple colours and edges grow "
             "into textures, patterns and finally parts of things.")
    default = [n for n in COMPARE_DEFAULT if n in layers] or layers[:: max(1, len(layers) // 6)]
    chosen = st.multiselect("Layers", layers, default=default, key=f"gallery:compare:{model_name}",
                            format_func=lambda n: f"{n} · {spec.layer(n).hint}")
    if not chosen:
        st.info("Pick a few layers to compare.")
        return
    seed_key = "gallery:compare:seed"
    if st.button("Other filters", key="gallery:shuffle", icon=":material/casino:"):
        st.session_state[seed_key] = st.session_state.get(seed_key, 0) + 1
    picks = compare_picks(spec, chosen, st.session_state.get(seed_key, 0))
    missing = [(layer, c) for layer, c in picks if safe_thumbnail(layer, c) is None]
    if missing:
        show_missing(COMPARE_KIND, missing, "these filters")
    columns = st.columns(len(picks))
    for column, (layer, c) in zip(columns, picks):
        picture = safe_thumbnail(layer, c)
        with column:
            if picture is not None:
                st.image(picture, width="stretch")
            st.caption(f"**{layer}** #{c}  \n{spec.layer(layer).hint}")
            st.button("Open", key=f"gallery:open:{layer}:{c}", width="stretch", on_click=select,
                      args=(layer, c, True), help=f"See {layer} filter {c} large, in its layer")


if view == "One layer":
    one_layer()
else:
    compare_layers()
