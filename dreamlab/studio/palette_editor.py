"""The Hybrid Palette's editor: the filters as chips with weights, adding one by picking its layer and
number (or typing several), by surprise, saving and loading. The palette itself lives in ``dreamlab.studio.state``
(shared with the Filter Gallery)."""
from __future__ import annotations

import random

import streamlit as st

from engine.catalog import get_spec
from engine.dreaming.palette.data import as_palette, check_palette, palette_json, surprise_palette
from engine.dreaming.palette.typed import read_typed_filters

from dreamlab.settings import describe as describe_setting
from dreamlab.settings.palette import Weight, read_palette_file
from dreamlab.studio.page_state import PALETTE
from dreamlab.studio.palette_state import WEIGHT_KEY
from dreamlab.studio.state import add_to_palette, in_palette, palette
from dreamlab.studio.thumbnails import filter_info, filter_thumbnail
from dreamlab.studio.widgets import draw

WEIGHT = describe_setting(Weight, "weight")  # every filter's slider: title, range, step, help
FIRST_LAYER = "block8"  # what the layer picker shows first: patterns, neither too plain nor too busy
FILES_KEY = "palette:files"  # the Save or load expander's open state


def palette_editor(model: str) -> list[dict]:
    """The whole editor; returns this network's palette entries (the shared list's items)."""
    mine = [e for e in palette() if e["model"] == model]
    if not mine:
        st.info("Your palette is empty. Add filters below, press **Surprise me**, "
                "or use **Add to palette** in the Filter Gallery.")
    for entry in mine:
        filter_chip(entry)
    others = len(palette()) - len(mine)
    if others:
        st.caption(f"{others} {'filter' if others == 1 else 'filters'} from another network "
                   f"{'is' if others == 1 else 'are'} in your palette too; "
                   "switch the network in Advanced settings to use them.")
    pick_a_filter(model)
    type_col, surprise_col = st.columns(2)
    with type_col:
        add_by_name(model)
    with surprise_col:
        surprise_me(model)
    # Tracked (a key and a rerun when toggled): it stays open or closed as the user left it, even when
    # a load changes what is drawn above it (an untracked expander then started closed again).
    files = st.expander("Save or load a palette", key=FILES_KEY,
                        on_change="rerun", icon=":material/folder_open:")
    with files:
        save_or_load(model, mine)
    return mine


def weight_key(entry: dict) -> str:
    return f"{WEIGHT_KEY}:{entry['model']}:{entry['layer']}:{entry['channel']}"


def replace_palette(model: str, filters) -> None:
    """Put ``filters`` in the shared palette (other networks' filters stay) and reset the sliders."""
    entries = palette()
    entries[:] = [e for e in entries if e["model"] != model]
    for f in filters:
        add_to_palette(model, f.layer, f.channel, f.weight)
    for key in [k for k in st.session_state if str(k).startswith(WEIGHT_KEY)]:
        del st.session_state[key]


def describe(model: str, layer: str, channel: int) -> str:
    text = get_spec(model).layer(layer).hint
    info = filter_info(model, layer, channel)
    if info and info.get("top"):
        text += f" · looks like *{info['top'][0][0]}*"
    return text


def filter_chip(entry: dict) -> None:
    """One filter: its thumbnail, name, a weight slider and a remove button."""
    model, layer, channel = entry["model"], entry["layer"], entry["channel"]
    with st.container(border=True):
        c_pic, c_text, c_weight, c_remove = st.columns([1, 3, 4, 1], vertical_alignment="center")
        picture = filter_thumbnail(model, layer, channel)
        if picture is not None:
            c_pic.image(picture, width=64)
        else:
            c_pic.markdown(":material/blur_on:")
        c_text.markdown(f"**{layer} · filter {channel}**  \n{describe(model, layer, channel)}")
        start = min(WEIGHT.high, max(WEIGHT.low, float(entry["weight"])))  # typed weights may be outside
        entry["weight"] = c_weight.slider(WEIGHT.title, WEIGHT.low, WEIGHT.high, start, WEIGHT.step,
                                          key=weight_key(entry), help=WEIGHT.help)
        if c_remove.button("", icon=":material/close:", key=f"palette:remove:{weight_key(entry)}",
                           help="Remove this filter"):
            palette().remove(entry)
            st.session_state.pop(weight_key(entry), None)
            st.rerun()


def pick_a_filter(model: str) -> None:
    """Add one filter without typing: its layer in plain words, its number, and its picture."""
    spec = get_spec(model)
    names = spec.layer_names()
    with st.container(border=True):
        st.markdown("**Add a filter**")
        layer_col, number_col, picture_col = st.columns([4, 2, 3], vertical_alignment="bottom")
        layer = layer_col.selectbox("Layer", names, index=names.index(FIRST_LAYER) if FIRST_LAYER in names else 0,
                                    format_func=lambda n: f"{n} · {spec.layer(n).hint}", key="palette:add:layer",
                                    persist_state="session",  # where the person is looking: no setting
                                    help="Listed from low (edges and colours) to high (eyes and creatures).")
        count = spec.layer(layer).channels
        number = int(number_col.number_input(f"Filter (0 to {count - 1})", 0, count - 1, 0,
                                              key=f"palette:add:filter:{model}:{layer}",
                                              help="Every layer has many filters; the Filter Gallery shows them all."))
        with picture_col:
            picture = filter_thumbnail(model, layer, number)
            if picture is not None:
                st.image(picture, width=72)
        st.caption(describe(model, layer, number))
        already = in_palette(model, layer, number)
        if st.button("In your palette" if already else "Add this filter", key="palette:add:pick",
                     icon=":material/check:" if already else ":material/add:", disabled=already):
            add_to_palette(model, layer, number)
            st.rerun()
        st.page_link("app_pages/filter_gallery.py", label="See every filter of a layer in the Filter Gallery",
                     icon=":material/grid_view:")


def as_sentence(err: Exception) -> str:
    text = str(err).strip()
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def add_by_name(model: str) -> None:
    """Filters typed as people write them; a typo stays in the box, with what to type instead."""
    typed_round = st.session_state.get("palette:typed-round", 0)  # a new box once added: it starts empty
    with st.form("palette:add", border=False):
        typed = st.text_input("Or type filters", placeholder="block 8 filter 12, block 10 filter 3",
                              key=f"palette:typed:{typed_round}",
                              help="A layer and a filter number, written as you like: block 8 filter 12, 8:12 or "
                                   "block8 12. Add a weight after it (block8:12:0.5) for a softer touch. "
                                   "Several: separate them with commas.")
        if st.form_submit_button("Add", icon=":material/add:") and typed.strip():
            spec = get_spec(model)
            try:
                new = read_typed_filters(typed, spec.layer_names())
                check_palette(new, spec)
            except ValueError as err:
                st.error(as_sentence(err), icon=":material/edit_note:")
            else:
                for f in new:
                    add_to_palette(model, f.layer, f.channel, f.weight)
                st.session_state["palette:typed-round"] = typed_round + 1
                st.rerun()


def surprise_me(model: str) -> None:
    """A random palette from the chosen layers (seeded: each press gives the next one), never dead filters."""
    spec = get_spec(model)
    layer_names = [n for n in spec.layer_names() if n != "head"]
    pick_from = [n for n in draw(PALETTE, "surprise_layers") if n in layer_names]
    count = draw(PALETTE, "surprise_count")
    if st.button("Surprise me", icon=":material/casino:", key="palette:surprise"):
        # A new visit starts somewhere new (the same start every visit gave everyone the same palette).
        number = st.session_state.get("palette:surprise:seed", random.randrange(2**31)) + 1
        st.session_state["palette:surprise:seed"] = number
        dead = [(layer, c) for layer in pick_from for c in range(spec.layer(layer).channels)
                if (filter_info(model, layer, c) or {}).get("dead")]
        try:
            replace_palette(model, surprise_palette(spec, pick_from, count, seed=number, exclude=dead))
        except ValueError as err:
            st.error(str(err))
        else:
            st.rerun()


def save_or_load(model: str, mine: list[dict]) -> None:
    current = as_palette(mine)
    st.download_button("Save palette (JSON)", data=palette_json(current, model), file_name="dreamlab-palette.json",
                       mime="application/json", icon=":material/save:", disabled=not current, key="palette:save",
                       on_click="ignore")
    # Said once, in the run the load ends with: kept until the next load, it stayed on the page after
    # later edits and pictures, when it no longer described the palette shown.
    loaded_note = st.session_state.pop("palette:loaded-note", None)
    if loaded_note:
        st.success(loaded_note, icon=":material/check:")
    refused = st.session_state.pop("palette:load-refused", None)
    if refused:
        st.error(refused, icon=":material/error:")
    # A fresh uploader after each load: no file lingers in it, so nothing piles up and a file is read once.
    uploader_round = st.session_state.get("palette:load-round", 0)
    loaded_file = st.file_uploader("Load a palette", type=["json"], key=f"palette:load:{uploader_round}",
                                   help="A palette saved from this page (it replaces the filters above).")
    if loaded_file is None:
        return
    loaded = read_palette_file(loaded_file.getvalue())
    st.session_state["palette:load-round"] = uploader_round + 1  # a file is read once, loaded or not
    if loaded.refused:
        st.session_state["palette:loaded-note"] = None
        st.session_state["palette:load-refused"] = f"Could not load **{loaded_file.name}**: {loaded.refused}"
        st.rerun()
    entries = loaded.filters.entries
    replace_palette(loaded.model, as_palette(entries))
    st.session_state[PALETTE.key("model")] = loaded.model
    count = f"{len(entries)} filter{'s' if len(entries) != 1 else ''}"
    st.session_state["palette:loaded-note"] = " ".join([f"Loaded **{loaded_file.name}**: {count}.",
                                                        *loaded.filters.notes])
    st.session_state.pop("palette:load-refused", None)
    st.rerun()
