"""The Hybrid Palette's advanced settings (network, steps, octaves, strength, seed), drawn from the
``Palette`` model's descriptions under the page's keys (``palette.<field>``)."""
from __future__ import annotations

import streamlit as st

from dreamlab.studio.page_state import PALETTE
from dreamlab.studio.widgets import draw


def _network_chosen() -> None:
    """Another network: Surprise me starts from its own layers."""
    PALETTE.set({"surprise_layers": PALETTE.model.defaults_for({"model": PALETTE.get("model")})["surprise_layers"]})


def advanced_controls() -> None:
    draw(PALETTE, "model", on_change=_network_chosen)
    photo = PALETTE.get("start") == "Photo"
    for column, field in zip(st.columns(3), ("photo_steps", "octaves", "step_size") if photo else ("canvas_steps",)):
        draw(PALETTE, field, column)
    draw(PALETTE, "seed")
