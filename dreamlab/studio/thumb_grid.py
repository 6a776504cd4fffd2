"""A grid of filter thumbnails as one small component: as many columns as fit (several even on a
phone), each picture at most its own pixel size (never blurred by upscaling), click to enlarge.

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

MIN_COLUMNS = 4  # however narrow the screen (a phone: about 86 px per cell)
GRID_CSS = """
.dl-grid { display: grid; gap: 8px; --cell-max: 128px;
  grid-template-columns: repeat(auto-fill, minmax(min(var(--cell-max), calc((100%% - %(gaps)dpx) / %(min)d)), 1fr)); }
.dl-grid button { all: unset; box-sizing: border-box; cursor: pointer; display: flex; flex-direction: column;
  align-items: stretch; border: 2px solid transparent; border-radius: 6px; padding: 2px; }
.dl-grid button:hover, .dl-grid button:focus-visible { border-color: var(--st-primary-color, #7C3AED); }
.dl-grid button.selected { border-color: var(--st-primary-color, #7C3AED); background: rgba(124, 58, 237, .08); }
.dl-grid button:disabled { cursor: progress; }
.dl-grid .pic { position: relative; width: 100%%; max-width: var(--cell-max); margin: 0 auto; aspect-ratio: 1; border-radius: 4px; overflow: hidden;
  background: repeating-linear-gradient(45deg, #e4e4e7 0 6px, #f4f4f5 6px 12px); }
.dl-grid img { display: block; width: 100%%; height: 100%%; }
.dl-grid .painting img { opacity: .85; }
.dl-grid .badge { position: absolute; left: 3px; bottom: 3px; background: rgba(0,0,0,.6); color: #fff;
  font: 11px/1.3 sans-serif; padding: 1px 4px; border-radius: 3px; }
.dl-grid .label { font: 12px/1.6 sans-serif; text-align: center; color: var(--st-text-color, #31333F);
  white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.dl-grid .dead .label { opacity: .6; }
""" % {"min": MIN_COLUMNS, "gaps": 8 * (MIN_COLUMNS - 1)}
GRID_JS = """
export default function(component) {
  const { data, parentElement, setTriggerValue } = component;
  let root = parentElement.querySelector('.dl-grid');
  if (!root) {
    root = document.createElement('div');
    root.className = 'dl-grid';
    parentElement.appendChild(root);
  }
  root.style.setProperty('--cell-max', data.cell + 'px');
  root.dataset.layer = data.layer;
  root.replaceChildren(...data.items.map((item) => {
    const button = document.createElement('button');
    button.className = [item.state, item.dead ? 'dead' : '', item.selected ? 'selected' : ''].join(' ');
    button.dataset.channel = item.channel;
    button.title = item.title;
    button.setAttribute('aria-label', item.title);
    button.disabled = !data.clickable || item.state !== 'done';
    const pic = document.createElement('div');
    pic.className = 'pic';
    if (item.src) {
      const img = document.createElement('img');
      img.src = item.src;
      img.alt = item.title;
      img.dataset.layer = data.layer;
      img.dataset.state = item.state;
      pic.appendChild(img);
    }
    if (item.badge) {
      const badge = document.createElement('span');
      badge.className = 'badge';
      badge.textContent = item.badge;
      pic.appendChild(badge);
    }
    const label = document.createElement('span');
    label.className = 'label';
    label.textContent = item.label;
    button.append(pic, label);
    button.onclick = () => setTriggerValue('picked', item.channel);
    return button;
  }));
}
"""
_grid = st.components.v2.component("dreamlab_thumb_grid", css=GRID_CSS, js=GRID_JS)


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
               on_pick: Optional[Callable[[int], None]] = None) -> None:
    """Draw the grid. With ``key`` and ``on_pick`` a click on a finished cell calls ``on_pick(channel)``
    (before the next run); without, the grid is a picture only (the live one during painting)."""
    data = {"layer": layer, "cell": cell_px, "clickable": on_pick is not None,
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
