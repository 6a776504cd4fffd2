"""A journey through palettes: stops kept one after another, painted in turn (and as a GIF)."""
from __future__ import annotations

import streamlit as st

from dreamlab.studio.page_state import PALETTE
from dreamlab.studio.palette_state import STOPS
from dreamlab.studio.widgets import draw

OPEN_KEY = "palette:journey:open"


def journey_stops(model: str, mine: list[dict]) -> tuple[list[dict], bool]:
    """The stops editor; returns the stops and whether to paint the journey instead of the palette."""
    stops = st.session_state.setdefault(STOPS, [])
    if stops and OPEN_KEY not in st.session_state:  # back on the page (or restored) with stops: show them
        st.session_state[OPEN_KEY] = True
    # Tracked (key + rerun): it stays as the user left it when what is drawn above it changes.
    with st.expander("Journey through palettes", key=OPEN_KEY, on_change="rerun", icon=":material/route:"):
        st.write("Keep the current palette as a stop, change the palette, keep the next stop, and so on. "
                 "The painting then goes through the stops one after another, and you get an animated GIF.")
        stop = {"model": model, "filters": [dict(e) for e in mine if e["weight"]]}
        same_as_last = bool(stops) and stops[-1] == stop  # a second press keeps no duplicate stop
        if st.button("Keep this palette as a stop", icon=":material/add_location:", key="palette:stop:add",
                     disabled=not stop["filters"] or same_as_last,
                     help="Change the palette first: this one is the last stop already." if same_as_last else None):
            stops.append(stop)
            st.rerun()
        for i, stop in enumerate(stops):
            line, remove = st.columns([6, 1], vertical_alignment="center")
            line.markdown(f"**Stop {i + 1}:** " + describe_filters(stop["filters"]))
            if remove.button("", icon=":material/close:", key=f"palette:stop:remove:{i}", help="Remove this stop"):
                stops.pop(i)
                st.rerun()
        use_journey = bool(stops) and draw(PALETTE, "journey")
    return stops, use_journey


def describe_filters(filters: list[dict]) -> str:
    return ", ".join(f"{f['layer']}:{f['channel']} ×{f['weight']:g}" for f in filters)
