"""Style Transfer's look (strength, brush, colours, quality) and its advanced settings, drawn from
the ``Style`` model's descriptions (``dreamlab.settings.style``) under the page's keys (``style.<field>``)."""
from __future__ import annotations

from engine.catalog import QUALITIES

import streamlit as st

from dreamlab.settings.style import default_layers
from dreamlab.studio.page_state import STYLE
from dreamlab.studio.widgets import draw


def _quality_chosen() -> None:
    """Choosing a quality sets its size, steps and scales (Advanced settings change them afterwards)."""
    size, steps, scales = QUALITIES[STYLE.get("quality")]
    STYLE.set({"size": size, "steps": steps, "scales": scales})


def _network_chosen() -> None:
    """A network starts from its own layers."""
    content, style = default_layers(STYLE.get("model"))
    STYLE.set({"content_layers": content, "style_layers": style})


def look_controls() -> None:
    draw(STYLE, "strength")
    c1, c2 = st.columns(2)
    draw(STYLE, "brush", c1)
    draw(STYLE, "keep_colors", c2)
    draw(STYLE, "quality", on_change=_quality_chosen)


def advanced_controls() -> None:
    """Network, size, steps and scales, smoothing, start, optimiser, layers and seed."""
    draw(STYLE, "model", on_change=_network_chosen)
    for row in (("size", "steps", "scales"), ("smoothing", "init", "optimizer")):
        for column, field in zip(st.columns(3), row):
            draw(STYLE, field, column)
    draw(STYLE, "content_layers")
    draw(STYLE, "style_layers")
    draw(STYLE, "seed")


def estimate_s() -> float:
    style = STYLE.values()
    return 12.0 * (style.size / 512) ** 2 * style.steps / 40
