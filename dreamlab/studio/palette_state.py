"""What the Hybrid Palette keeps beside its ``Palette`` model's fields: the palette's filters (a list
shared with the Filter Gallery, ``dreamlab.studio.state``) and the journey's stops. They travel with
the page's settings (history, PNG, link) and come back through ``read_filters``: unknown networks,
layers and filters dropped with a note, weights clamped, too many filters refused in one sentence.
This is the ``extra`` of the page's state object (``dreamlab.studio.page_state.PALETTE``)."""
from __future__ import annotations

from typing import Any

import streamlit as st

from dreamlab.settings.palette import read_filters
from dreamlab.studio.state import PALETTE_KEY, palette

STOPS = "palette:stops"  # the journey's stops: [{"model", "filters"}, ...] (dreamlab.studio.journey)
MAX_STOPS = 16
WEIGHT_KEY = "palette:weight"  # the weight sliders' keys start with this (dreamlab.studio.palette_editor)


class PaletteFilters:
    def ensure(self, state) -> None:
        palette()
        st.session_state.setdefault(STOPS, [])

    def snapshot(self, state) -> dict:
        return {"palette": [dict(e) for e in palette()], "stops": list(st.session_state.get(STOPS) or [])}

    def restored(self, state, raw: dict, carrier: str) -> tuple[dict[str, Any], list[str]]:
        if "palette" not in raw and "stops" not in raw:
            return {}, []
        filters = read_filters(raw.get("palette", []), carrier)
        notes = [filters.refused] if filters.refused else list(filters.notes)
        stops = []
        given = raw.get("stops") if isinstance(raw.get("stops"), list) else []
        for stop in given[:MAX_STOPS]:
            if isinstance(stop, dict):
                kept = read_filters(stop.get("filters"), carrier, stop.get("model"))
                if kept.entries:
                    stops.append({"model": kept.entries[0]["model"], "filters": kept.entries})
        for key in [k for k in st.session_state if str(k).startswith(WEIGHT_KEY)]:
            del st.session_state[key]  # the weight sliders start from the restored weights
        return {PALETTE_KEY: filters.entries, STOPS: stops}, notes
