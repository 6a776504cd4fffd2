"""A grid of filter thumbnails as one small component: as many columns as fit (several even on a
phone) while every row of a full page is full, each picture at most its own pixel size (never blurred
by upscaling), click to enlarge.

Cells without a picture yet show a placeholder ("waiting"), or the live picture of a painting job
with its progress; a new layer's grid replaces the old one at once (its cells carry the layer).
"""
from __future__ import annotations

import base64
import io
from dataclasses import dataclass
from typing import Callable, Optional

import streamlit as st
from PIL import Image

from dreamlab.studio.components import frontend

_grid = st.components.v2.component("dreamlab_thumb_grid", **frontend("thumb_grid"))


@dataclass
class Cell:
    channel: int
    picture: Optional[Image.Image]  # the finished thumbnail, or the live one while painting
    state: str = "done"  # "done" | "painting" | "waiting"
    dead: bool = False
    selected: bool = False


def data_url(picture: Image.Image) -> str:
    buffer = io.BytesIO()
    picture.convert("RGB").save(buffer, format="WEBP", quality=90)
    return "data:image/webp;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _item(layer: str, cell: Cell) -> dict:
    label = f"#{cell.channel}" + (" · unused" if cell.dead else "")
    title = {"done": f"See filter {cell.channel} of {layer} large",
             "painting": f"Filter {cell.channel} of {layer}: being painted",
             "waiting": f"Filter {cell.channel} of {layer}: not painted yet"}[cell.state]
    badge = {"painting": "painting…", "waiting": "waiting"}.get(cell.state, "")
    return {"channel": cell.channel, "label": label, "title": title, "state": cell.state, "dead": cell.dead,
            "selected": cell.selected, "badge": badge, "src": data_url(cell.picture) if cell.picture else None}


def thumb_grid(layer: str, cells: list[Cell], cell_px: int, key: Optional[str] = None,
               on_pick: Optional[Callable[[int], None]] = None, rows_of: int = 0) -> None:
    """Draw the grid. With ``key`` and ``on_pick`` a click on a finished cell calls ``on_pick(channel)``
    (before the next run); without, the grid is a picture only (the live one during painting).
    ``rows_of``: a full page's cell count; the number of columns divides it, so no row is left short."""
    data = {"layer": layer, "cell": cell_px, "clickable": on_pick is not None, "rows_of": rows_of,
            "items": [_item(layer, c) for c in cells]}
    if key is None or on_pick is None:
        _grid(data=data)
        return

    def picked() -> None:
        value = st.session_state.get(key)
        channel = value.get("picked") if isinstance(value, dict) else getattr(value, "picked", None)
        if channel is not None:
            on_pick(int(channel))
    _grid(key=key, data=data, on_picked_change=picked)
