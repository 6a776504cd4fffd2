"""Session state shared between pages."""
from __future__ import annotations

import streamlit as st

PALETTE_KEY = "palette"


def palette() -> list[dict]:
    """The Hybrid Palette: [{"model", "layer", "channel", "weight"}, ...], shared by all pages."""
    return st.session_state.setdefault(PALETTE_KEY, [])


def in_palette(model: str, layer: str, channel: int) -> bool:
    return any(e["model"] == model and e["layer"] == layer and e["channel"] == channel for e in palette())


def add_to_palette(model: str, layer: str, channel: int, weight: float = 1.0) -> bool:
    """Add a filter unless it is already there; True if added."""
    entries = palette()
    if in_palette(model, layer, channel):
        return False
    entries.append({"model": model, "layer": layer, "channel": int(channel), "weight": float(weight)})
    return True
