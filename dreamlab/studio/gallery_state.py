"""What the Filter Gallery keeps beside its ``Gallery`` model's fields: the filter shown large
(``gallery:selected``: network, layer, filter number). It travels with the page's settings, and a
restore keeps it only when that network has that layer and filter. This is the ``extra`` of the
page's state object (``dreamlab.studio.page_state.GALLERY``)."""
from __future__ import annotations

from typing import Any, Optional

import streamlit as st

from engine.catalog import MODELS

SELECTED = "gallery:selected"  # (model, layer, channel) of the filter shown large


def valid_filter(value: Any) -> Optional[tuple[str, str, int]]:
    """(model, layer, channel) when ``value`` names a filter some network here has, else None."""
    if not isinstance(value, (list, tuple)) or len(value) != 3:
        return None
    model, layer, channel = value
    if not isinstance(model, str) or model not in MODELS or not isinstance(layer, str) or layer not in MODELS[model].layer_names():
        return None
    if isinstance(channel, bool) or not isinstance(channel, int) or not 0 <= channel < MODELS[model].layer(layer).channels:
        return None
    return model, layer, channel


class ShownLarge:
    def ensure(self, state) -> None:
        layer = state.values().layer  # a layer the network does not have: its first choice instead
        if st.session_state.get(state.key("layer")) != layer:
            st.session_state[state.key("layer")] = layer

    def snapshot(self, state) -> dict:
        selected = valid_filter(st.session_state.get(SELECTED))
        return {"selected": list(selected)} if selected else {}

    def restored(self, state, raw: dict, carrier: str) -> tuple[dict[str, Any], list[str]]:
        selected = valid_filter(raw.get("selected"))
        return ({SELECTED: selected} if selected else {}), []
