"""Style Transfer's look (strength, brush, colours, quality) and its advanced settings, drawn from
the ``Style`` model's descriptions (``dreamlab.settings.style``) under the page's keys (``style.<field>``)."""
from __future__ import annotations

import streamlit as st

from dreamlab.settings.style import INSTANT, default_layers, quality_defaults
from dreamlab.studio.page_state import STYLE
from dreamlab.studio.style_instant import instant_ok
from dreamlab.studio.widgets import draw


def _quality_chosen() -> None:
    """Choosing a quality sets its size, steps, scales and strength (Advanced settings change them
    afterwards): the model's ``quality_defaults``, as a restore or the command line get them."""
    STYLE.set(quality_defaults(STYLE.get("quality")))


def _network_chosen() -> None:
    """A network starts from its own layers."""
    content, style = default_layers(STYLE.get("model"))
    STYLE.set({"content_layers": content, "style_layers": style})


def leave_instant_if_missing() -> None:
    """Without the instant network, a first visit (or a restored instant recipe) gets Balanced; call
    before any widget is drawn (a widget's value cannot change after it is drawn in a run)."""
    if STYLE.get("quality") == INSTANT and not instant_ok()[0]:
        STYLE.set({"quality": "balanced", **quality_defaults("balanced")})


def _quality_control() -> None:
    """The quality radio; without the instant network, Instant is left out and one line says why."""
    ok, reason = instant_ok()
    if ok:
        draw(STYLE, "quality", on_change=_quality_chosen)
        return
    d = STYLE.fields["quality"]
    choices = [c for c in d.choices if c != INSTANT]
    st.radio(d.title, choices, format_func=d.label, horizontal=True, captions=[d.captions.get(c, "") for c in choices],
             key=STYLE.key("quality"), persist_state="session", help=d.help, on_change=_quality_chosen)
    st.caption(f":material/info: {reason}")


def look_controls() -> None:
    draw(STYLE, "strength")
    c1, c2 = st.columns(2)
    if STYLE.get("quality") == INSTANT:  # the instant network has no brush size: it paints at its own scale
        draw(STYLE, "keep_colors", c1)
    else:
        draw(STYLE, "brush", c1)
        draw(STYLE, "keep_colors", c2)
    _quality_control()


def advanced_controls() -> None:
    """Network, size, steps and scales, smoothing, start, optimiser, layers and seed (Instant: its size)."""
    if STYLE.get("quality") == INSTANT:
        draw(STYLE, "size")
        st.caption("Instant takes no steps: the network, layers and optimiser are Fast, Balanced and Best's.")
        return
    draw(STYLE, "model", on_change=_network_chosen)
    for row in (("size", "steps", "scales"), ("smoothing", "init", "optimizer")):
        for column, field in zip(st.columns(3), row):
            draw(STYLE, field, column)
    draw(STYLE, "content_layers")
    draw(STYLE, "style_layers")
    draw(STYLE, "seed")

