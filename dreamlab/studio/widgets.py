"""Widgets drawn from a setting's description: label, range, step, format, choices and help come
from the settings model (``dreamlab.settings``), the key and the value from the page's state object.

Every widget keeps its value for the whole session (Streamlit's ``persist_state="session"``, as
``dreamlab.studio.persist.kept`` does), and never gets a default argument: ``PageState.ensure``
put a valid value under its key before it is drawn, so a restored value is never fought over.
"""
from __future__ import annotations

from typing import Any, Callable, Optional, Sequence

import streamlit as st

from engine.catalog import MODELS

from dreamlab.settings import Description
from dreamlab.studio.page_state import PageState


def draw(state: PageState, field: str, where: Any = None, on_change: Optional[Callable] = None,
         label: Optional[str] = None, **options: Any) -> Any:
    """Draw ``state``'s ``field`` as its description says (in ``where``, a column or container) and
    return its value. ``options`` pass on to the Streamlit widget (e.g. ``label_visibility``)."""
    d = state.fields[field]
    where = where if where is not None else st
    common = {"key": state.key(field), "persist_state": "session", "help": d.help or None,
              "on_change": on_change, **options}
    title = label or d.title
    if d.kind == "layers":
        return draw_layers(state, field, where, title)
    if d.kind == "slider":
        return where.slider(title, min_value=_number(d, d.low), max_value=_number(d, d.high),
                            step=_number(d, d.step) if d.step else None, format=d.format, **common)
    if d.kind == "number":
        return where.number_input(title, min_value=_number(d, d.low), max_value=_number(d, d.high),
                                  step=_number(d, d.step or 1), **common)
    if d.kind == "toggle":
        return where.toggle(title, **common)
    if d.kind == "color":
        return where.color_picker(title, **common)
    choices = list(d.choices or ())
    if d.kind == "select_slider":
        return where.select_slider(title, options=choices, format_func=d.label, **common)
    if d.kind == "radio":
        captions = [d.captions.get(c, "") for c in choices] if d.captions else None
        chosen = where.radio(title, choices, format_func=d.label, horizontal=True, captions=captions, **common)
        if field == "preset" and hasattr(state.model, "matches_preset"):
            _say_when_custom(state, where, d.label(chosen))
        return chosen
    if d.kind == "segmented":
        # required: pressing the chosen segment keeps it (every segmented setting has a default)
        return where.segmented_control(title, choices, format_func=d.label, required=True, **common) \
            or state.get(field)
    return where.selectbox(title, choices, format_func=d.label, **common)


def _say_when_custom(state: PageState, where: Any, preset: str) -> None:
    """Under a preset changed in Advanced settings: the preset alone still looked chosen, while the
    picture would be made (and named) "Custom". Says so, with a way back to the preset's settings."""
    try:
        custom = not state.values().matches_preset()
    except Exception:  # values not valid yet: nothing to say (``ensure`` mends them)
        return
    if not custom:
        return
    with where.container(horizontal=True, vertical_alignment="center", key=f"{state.key('preset')}:custom"):
        st.caption(f":material/tune: **Custom**: changed in Advanced settings, no longer {preset} as it comes.")
        st.button(f"Back to {preset}", key=f"{state.key('preset')}:back", type="tertiary",
                  icon=":material/undo:", on_click=state.apply_preset)


def _number(d: Description, value: Any) -> Any:
    return None if value is None else d.type(value)


def draw_layers(state: PageState, field: str, where: Any = None, label: Optional[str] = None) -> dict[str, float]:
    """The layers of the state's network: a multiselect (names with plain hints), and a weight
    slider per layer when several are chosen and the field has weights."""
    d = state.fields[field]
    where = where if where is not None else st
    spec = MODELS[state.get("model")]
    chosen = where.multiselect(label or d.title, spec.layer_names(), key=state.key(field), persist_state="session",
                               format_func=lambda n: f"{n} · {spec.layer(n).hint}", help=d.help or None)
    if not (d.extra or {}).get("weights", True) or len(chosen) < 2:
        return {layer: 1.0 for layer in chosen}
    weights = {}
    columns = where.columns(min(len(chosen), 4))
    for i, layer in enumerate(chosen):
        key = state.weight_key(field, layer)
        if key not in st.session_state:
            st.session_state[key] = 1.0
        weights[layer] = columns[i % len(columns)].slider(f"Weight of {layer}", d.low, d.high, step=d.step, key=key,
                                                          persist_state="session")
    return weights


def draw_grid(state: PageState, fields: Sequence[str], columns: int = 3) -> None:
    """Draw ``fields`` in rows of ``columns``; a field whose description says ``wide`` gets a row of
    its own. A knob added to a model's Advanced list appears here with no change to the page."""
    row: list[str] = []
    for field in [*fields, None]:
        wide = field is not None and (state.fields[field].extra or {}).get("wide")
        if row and (field is None or wide or len(row) == columns):
            for column, name in zip(st.columns(columns), row):
                draw(state, name, column)
            row = []
        if wide:
            draw(state, field)
        elif field is not None:
            row.append(field)
