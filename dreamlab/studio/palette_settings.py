"""The palette itself (and the journey's stops) as one of the Hybrid Palette's kept settings.

The filters live in a shared list (``dreamlab.studio.state``, the Filter Gallery adds to it), not in widgets, so
the page also writes them as a JSON text into ``PALETTE_SETTING``, a key registered like a kept
widget: a result's settings snapshot, its PNG and its share link then carry the palette, and
restoring them brings the palette back with the other settings.
"""
from __future__ import annotations

import json
import math

import streamlit as st

from engine.catalog import MODELS, get_spec
from engine.dreaming.palette.data import MAX_FILTERS

from dreamlab.studio.journey import STOPS
from dreamlab.studio import persist
from dreamlab.studio.state import palette

PALETTE_SETTING = "palette:filters"
_WRITTEN = "_palette:filters-written"  # what this page wrote last: anything else was restored
WEIGHT_KEY = "palette:weight"

persist.register(PALETTE_SETTING)  # part of the page's settings snapshot: it is no widget


def take_restored_palette() -> None:
    """If restored settings brought a palette (history, PNG or link), make it the palette and the
    journey's stops; call before the editor is drawn."""
    value = st.session_state.get(PALETTE_SETTING)
    if value is None or value == st.session_state.get(_WRITTEN):
        return
    st.session_state[_WRITTEN] = value
    try:
        data = json.loads(value)
        entries = _valid_entries(data.get("palette", []))
        stops = [{"model": s["model"], "filters": _valid_entries(s["filters"])} for s in data.get("stops", [])
                 if isinstance(s, dict) and s.get("model") in MODELS]
    except (TypeError, ValueError, AttributeError, KeyError):
        return  # not ours (e.g. an edited link): the palette stays as it is
    palette()[:] = entries
    st.session_state[STOPS] = [s for s in stops if s["filters"]]
    for key in [k for k in st.session_state if str(k).startswith(WEIGHT_KEY)]:
        del st.session_state[key]  # the weight sliders start from the restored weights


def remember_palette(stops: list[dict]) -> None:
    """Write the current palette and stops into the page's settings; call before the run buttons."""
    value = json.dumps({"palette": palette(), "stops": stops}, sort_keys=True, separators=(",", ":"))
    st.session_state[PALETTE_SETTING] = st.session_state[_WRITTEN] = value


def _valid_entries(items) -> list[dict]:
    """Entries a network can paint; anything else is dropped (restored values may come from a link)."""
    entries = []
    for item in list(items)[: MAX_FILTERS * 4]:
        model, layer = item.get("model", "lite0"), item.get("layer")
        if model not in MODELS or layer not in get_spec(model).layer_names():
            continue
        channel, weight = int(item["channel"]), float(item.get("weight", 1.0))
        if 0 <= channel < get_spec(model).layer(layer).channels and math.isfinite(weight):
            entries.append({"model": model, "layer": layer, "channel": channel, "weight": weight})
    return entries
