"""Settings that survive page changes, and putting a result's settings back.

Streamlit forgets the state of every widget its page did not draw in the last run, so leaving a
page would reset it. Pages create their widgets with ``**kept("page:thing")``: Streamlit's
``persist_state="session"`` keeps the value across page changes, and the key is registered so a
result can take a snapshot of its page's settings.

``request_restore`` does the same with a result's settings (from the history, a DreamLab PNG or
a shared link), once ``dreamlab.studio.page_state`` validated them: they are written into the
widget keys at the start of the next run, before any widget exists, and the page is opened.
Pages with a settings model keep their values through ``page_state.PageState`` instead of ``kept``. Settings that are no widget (the palette, the filter
shown large) are ``register``-ed instead.
"""
from __future__ import annotations

from typing import Any, Optional

import streamlit as st

PENDING = "_restore_pending"
JSON_TYPES = (str, int, float, bool, type(None))
_KEYS: set[str] = set()  # keys of a page's settings (static strings; the same for every session)


def kept(key: str) -> dict[str, Any]:
    """Widget arguments that keep its value for the whole session (Streamlit's own
    ``persist_state="session"``) and register it for snapshots: ``st.slider(..., **kept("dream:steps"))``."""
    register(key)
    return {"key": key, "persist_state": "session"}


def register(key: str) -> None:
    """A setting that is no widget (kept in session state by the page itself) but travels with the
    page's settings: history snapshots, PNG recipes, share links."""
    _KEYS.add(key)


def carry_over() -> None:
    """Put back a restored result's settings; call at the start of every run, before any widget."""
    pending = st.session_state.pop(PENDING, None)
    for key, value in (pending or {}).items():
        st.session_state[key] = value


def snapshot(prefix: str) -> dict[str, Any]:
    """The page's kept settings (keys starting with ``prefix``) that can travel as JSON."""
    values = {}
    for key in sorted(_KEYS):
        if key.startswith(prefix) and key in st.session_state:
            value = st.session_state[key]
            if _is_json(value):
                values[key] = list(value) if isinstance(value, tuple) else value
    return values


def _is_json(value: Any) -> bool:
    if isinstance(value, (list, tuple)):
        return all(isinstance(v, JSON_TYPES) for v in value)
    return isinstance(value, JSON_TYPES)


def request_restore(values: dict[str, Any], extra: Optional[dict[str, Any]] = None) -> None:
    """Put validated session ``values`` (``dreamlab.studio.page_state.restore_values``) back at the
    start of the next run, assigned once, plus ``extra`` values of the photo picker."""
    st.session_state[PENDING] = {**(values or {}), **(extra or {})}
