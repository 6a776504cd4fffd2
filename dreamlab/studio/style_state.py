"""What Style Transfer keeps beside its ``Style`` model's fields: the built-in paintings chosen
(``style.paintings``) and each painting's share of a blend (``style.share.<name>``).

A share belongs to its painting (keyed by the painting's name, not its place in the list), so taking
one painting away leaves the others' shares as they were. Recipes keep the built-in paintings and
their shares; a restore keeps only known paintings and clamps shares to the slider's range. This is
the ``extra`` of the page's state object (``dreamlab.studio.page_state.STYLE``).
"""
from __future__ import annotations

from typing import Any

import streamlit as st

from engine.catalog import BUILTIN_STYLES
from engine.style.instant_files import BUILTIN_NAMES as NETWORK_STYLES

from dreamlab.settings import describe, read
from dreamlab.settings.style import Share

DEFAULT_PAINTINGS = ["swirling_night"]
RESULT = "style:result"
NETWORK_STYLES_KEY = "style.network_styles"  # the instant network's own styles ticked (names)
SHARE = describe(Share, "share")  # every painting's slider: title, range, default, help


def paintings_key(state) -> str:
    return state.key("paintings")


def share_key(state, name: str) -> str:
    return f"{state.name}.share.{name}"


def chosen_builtins(state) -> list[str]:
    chosen = st.session_state.get(paintings_key(state), DEFAULT_PAINTINGS)
    return known_paintings(chosen) if isinstance(chosen, list) else list(DEFAULT_PAINTINGS)


def share(state, name: str) -> int:
    value = st.session_state.get(share_key(state, name))
    return value if SHARE.contains(value) else SHARE.default


def network_style_key(name: str) -> str:
    return f"style:network-style:{NETWORK_STYLES.index(name)}"


def network_styles() -> list[str]:
    """The instant network's own styles ticked (known names, each once)."""
    chosen = st.session_state.get(NETWORK_STYLES_KEY)
    return known_network_styles(chosen) if isinstance(chosen, list) else []


def known_network_styles(names: list) -> list[str]:
    return [n for i, n in enumerate(names) if isinstance(n, str) and n in NETWORK_STYLES and n not in names[:i]]


def known_paintings(names: list) -> list[str]:
    """The built-in paintings among ``names``, each once, in order."""
    return [n for i, n in enumerate(names) if isinstance(n, str) and n in BUILTIN_STYLES and n not in names[:i]]


class Paintings:
    """The ``extra`` of Style Transfer's state object."""

    def ensure(self, state) -> None:
        names = chosen_builtins(state)
        if st.session_state.get(paintings_key(state)) != names:
            st.session_state[paintings_key(state)] = names

    def snapshot(self, state) -> dict:
        names = chosen_builtins(state)
        return {"paintings": names, "shares": {n: share(state, n) for n in names}, "network_styles": network_styles()}

    def restored(self, state, raw: dict, carrier: str) -> tuple[dict[str, Any], list[str]]:
        given = raw.get("paintings")
        names = known_paintings(given) if isinstance(given, list) else list(DEFAULT_PAINTINGS)
        values: dict[str, Any] = {paintings_key(state): names}
        given_network = raw.get("network_styles")
        network = known_network_styles(given_network) if isinstance(given_network, list) else []
        values[NETWORK_STYLES_KEY] = network
        values.update({network_style_key(n): n in network for n in NETWORK_STYLES})
        notes: list[str] = []
        shares = raw.get("shares") if isinstance(raw.get("shares"), dict) else {}
        for name in names:
            reading = read(Share, {"share": shares.get(name, SHARE.default)}, carrier)
            values[share_key(state, name)] = reading.value.share
            notes.extend(reading.notes)
        return values, notes
