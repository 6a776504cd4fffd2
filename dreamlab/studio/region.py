"""Paint a region over the photo: our own small drawing component (st.components.v2, inline
HTML/CSS/JS, no CDN), quick starts from ``engine.images.region`` and a soft edge.

The browser keeps the painted mask in a canvas and sends it back as a PNG (alpha = inside)
after every stroke. A quick start or a new photo replaces the canvas: Python bumps a revision
number, and the browser redraws the canvas from the mask it is sent.
"""
from __future__ import annotations

import base64
import hashlib
import io
from typing import Callable, Optional

import numpy as np
import streamlit as st
from PIL import Image

from engine.images.region import AUTO_KINDS, MAX_SIDE, Region, auto_region

from dreamlab.studio.compare import png_data_url
from dreamlab.studio.persist import kept

TINT = (255, 64, 129)  # the colour the painted region is shown in
FEATHERS = {"None": 0.0, "A little": 0.02, "Soft": 0.05, "Very soft": 0.1}

CSS = """
.dl-region { display: flex; flex-direction: column; gap: .5rem; font: .9rem/1.3 sans-serif; }
.dl-region .dl-tools { display: flex; flex-wrap: wrap; align-items: center; gap: .4rem; }
.dl-region button { border: 1px solid rgba(128,128,128,.5); background: transparent; color: inherit;
  border-radius: .4rem; padding: .25rem .7rem; cursor: pointer; font: inherit; }
.dl-region button[aria-pressed="true"] { background: rgb(255,64,129); border-color: rgb(255,64,129); color: white; }
.dl-region label { display: flex; align-items: center; gap: .4rem; }
.dl-region .dl-stage { position: relative; width: 100%; max-width: 640px; line-height: 0; touch-action: none;
  cursor: none; border-radius: .4rem; overflow: hidden; user-select: none; }
.dl-region .dl-stage img { width: 100%; height: auto; display: block; pointer-events: none; }
.dl-region canvas { position: absolute; inset: 0; width: 100%; height: 100%; opacity: .55; }
.dl-region .dl-brush { position: absolute; border: 2px solid white; border-radius: 50%; pointer-events: none;
  box-shadow: 0 0 3px rgba(0,0,0,.8); transform: translate(-50%, -50%); display: none; }
"""

JS = """
export default function(component) {
  const { data, parentElement, setStateValue } = component;
  let root = parentElement.querySelector('.dl-region');
  if (!root) {
    root = document.createElement('div');
    root.className = 'dl-region';
    root.innerHTML =
      '<div class="dl-tools">' +
      '<button type="button" class="dl-paint" aria-pressed="true">Brush</button>' +
      '<button type="button" class="dl-erase" aria-pressed="false">Eraser</button>' +
      '<label>Brush size <input class="dl-size" type="range" min="4" max="160" value="48" aria-label="Brush size"></label>' +
      '<button type="button" class="dl-invert">Invert</button>' +
      '<button type="button" class="dl-clear">Clear</button></div>' +
      '<div class="dl-stage"><img alt="your photo"><canvas></canvas><div class="dl-brush"></div></div>';
    parentElement.appendChild(root);
    root.dataset.mode = 'paint';
  }
  const canvas = root.querySelector('canvas');
  const ctx = canvas.getContext('2d');
  const stage = root.querySelector('.dl-stage');
  const brush = root.querySelector('.dl-brush');
  const size = root.querySelector('.dl-size');
  const tint = `rgb(${data.tint.join(',')})`;
  // Only complete, settled masks go back to Python, tagged with the revision they belong to.
  const send = () => setStateValue('mask', { revision: data.revision, png: canvas.toDataURL('image/png') });

  if (root.dataset.revision !== String(data.revision)) {
    root.dataset.revision = String(data.revision);
    canvas.width = data.width;
    canvas.height = data.height;
    root.querySelector('img').src = data.photo;
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    // Nothing is sent back here: until the first stroke Python uses the mask it sent (data.mask),
    // and a value sent on every (re)mount made the page run a second time on each visit.
    if (data.mask) {
      const start = new Image();
      start.onload = () => ctx.drawImage(start, 0, 0, canvas.width, canvas.height);
      start.src = data.mask;
    }
  }
  const cssScale = () => stage.getBoundingClientRect().width / canvas.width || 1;
  canvas.style.filter = data.feather > 0 ? `blur(${data.feather * Math.max(canvas.width, canvas.height) * cssScale() / 2}px)` : 'none';

  const setMode = (mode) => {
    root.dataset.mode = mode;
    root.querySelector('.dl-paint').setAttribute('aria-pressed', String(mode === 'paint'));
    root.querySelector('.dl-erase').setAttribute('aria-pressed', String(mode === 'erase'));
  };
  root.querySelector('.dl-paint').onclick = () => setMode('paint');
  root.querySelector('.dl-erase').onclick = () => setMode('erase');
  root.querySelector('.dl-clear').onclick = () => { ctx.clearRect(0, 0, canvas.width, canvas.height); send(); };
  root.querySelector('.dl-invert').onclick = () => {
    ctx.globalCompositeOperation = 'xor';  // an opaque fill under xor turns alpha a into 1 - a
    ctx.fillStyle = tint;
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.globalCompositeOperation = 'source-over';
    send();
  };

  const point = (e) => {
    const r = stage.getBoundingClientRect();
    return [(e.clientX - r.left) * canvas.width / r.width, (e.clientY - r.top) * canvas.height / r.height];
  };
  const showBrush = (e) => {
    const r = stage.getBoundingClientRect();
    const d = Number(size.value) * r.width / canvas.width;
    Object.assign(brush.style, { display: 'block', width: `${d}px`, height: `${d}px`,
      left: `${e.clientX - r.left}px`, top: `${e.clientY - r.top}px` });
  };
  const stroke = (from, to) => {
    ctx.globalCompositeOperation = root.dataset.mode === 'erase' ? 'destination-out' : 'source-over';
    ctx.strokeStyle = tint;
    ctx.lineWidth = Number(size.value);
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    ctx.beginPath();
    ctx.moveTo(from[0], from[1]);
    ctx.lineTo(to[0], to[1]);
    ctx.stroke();
    ctx.globalCompositeOperation = 'source-over';
  };
  let last = null;
  stage.onpointerdown = (e) => {
    stage.setPointerCapture(e.pointerId);
    last = point(e);
    stroke(last, [last[0] + 0.01, last[1]]);
  };
  stage.onpointermove = (e) => {
    showBrush(e);
    if (last === null) return;
    const here = point(e);
    stroke(last, here);
    last = here;
  };
  const finish = () => { if (last !== null) { last = null; send(); } };
  stage.onpointerup = finish;
  stage.onpointercancel = finish;
  stage.onpointerleave = (e) => { brush.style.display = 'none'; };
}
"""

_painter = st.components.v2.component("dreamlab_region", css=CSS, js=JS)


def _display_photo(photo: Image.Image) -> Image.Image:
    scale = min(1.0, MAX_SIDE / max(photo.size))
    size = (max(1, round(photo.size[0] * scale)), max(1, round(photo.size[1] * scale)))
    return photo.convert("RGB").resize(size, Image.LANCZOS) if size != photo.size else photo.convert("RGB")


def _jpeg_data_url(image: Image.Image) -> str:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85)
    return "data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def tinted_mask_url(region: Region, size: tuple[int, int]) -> str:
    """A region as the browser draws it: the tint colour, alpha = the mask."""
    alpha = region.picture().resize(size, Image.BILINEAR)
    rgba = Image.new("RGBA", size, TINT + (0,))
    rgba.putalpha(alpha)
    return png_data_url(rgba)


def mask_from_data_url(url: Optional[str]) -> Optional[np.ndarray]:
    """The painted mask (0..1 floats from the PNG's alpha) or None if it cannot be read."""
    if not url or not url.startswith("data:image/png;base64,"):
        return None
    try:
        with Image.open(io.BytesIO(base64.b64decode(url.split(",", 1)[1]))) as picture:
            return np.asarray(picture.convert("RGBA"), dtype=np.float32)[..., 3] / 255.0
    except (ValueError, OSError):
        return None


class _State:
    """What this page's painter shows: a revision number and the mask the canvas starts from."""

    def __init__(self, key: str):
        self.key = key

    def __getitem__(self, name):
        return st.session_state.get(f"{self.key}:{name}")

    def __setitem__(self, name, value) -> None:
        st.session_state[f"{self.key}:{name}"] = value

    def restart(self, start_url: Optional[str]) -> None:
        self["revision"] = (self["revision"] or 0) + 1
        self["start"] = start_url


def _quick_start(state: _State, display: Image.Image, kind: str) -> None:
    region = auto_region(display, kind)
    state["found_nothing"] = AUTO_KINDS[kind] if region.is_empty() else None
    state.restart(tinted_mask_url(region, display.size))


def region_picker(key: str, photo: Optional[Image.Image], help_text: str = "") -> Optional[Region]:
    """An optional "Paint a region" expander over ``photo``; returns the region (None: everywhere)."""
    with st.expander("Paint a region (optional)", key=f"{key}:open", on_change="rerun",
                     icon=":material/format_paint:"):
        if photo is None:
            st.caption("Choose a photo first; then you can paint where the effect should go.")
            return None
        return _painter_panel(key, photo, help_text)


def _painter_panel(key: str, photo: Image.Image, help_text: str) -> Optional[Region]:
    state = _State(key)
    display = _display_photo(photo)
    fingerprint = hashlib.sha1(display.tobytes()).hexdigest()
    if state["photo"] != fingerprint:  # a new photo: start with nothing painted
        state["photo"] = fingerprint
        state["found_nothing"] = None
        state.restart(None)

    st.write("Paint over your photo where the effect should happen; everything else stays as it is. "
             + help_text)
    with st.container(horizontal=True, vertical_alignment="center"):
        st.markdown("Quick start:", help="A first guess from the photo's colours and brightness. "
                                        "Correct it with the brush.")
        for kind, label in AUTO_KINDS.items():
            st.button(label, key=f"{key}:quick:{kind}", on_click=_quick_start, args=(state, display, kind))
    if state["found_nothing"]:
        st.info(f"No clear {state['found_nothing'].lower()} found in this photo: paint the region yourself.")
    result = _painter(key=f"{key}:canvas", data={
        "photo": _jpeg_data_url(display), "width": display.size[0], "height": display.size[1],
        "mask": state["start"], "revision": state["revision"], "tint": list(TINT),
        "feather": FEATHERS[st.session_state.get(f"{key}:feather", "Soft")]},
        default={"mask": None}, on_mask_change=lambda: None)
    feather = st.select_slider("Soft edge", list(FEATHERS), value="Soft", **kept(f"{key}:feather"),
                               help="How gently the effect fades out at the region's edge.")
    painted = _current_mask(result, state)
    region = Region.from_mask(painted, FEATHERS[feather]) if painted is not None else None
    if region is None or region.is_empty():
        st.caption("Nothing painted: the whole photo changes.")
        return None
    st.caption(f"The effect happens only in the pink area ({region.coverage():.0%} of the photo).")
    return region


def _current_mask(result, state: _State) -> Optional[np.ndarray]:
    """The browser's latest mask. It also becomes what the canvas starts from, so coming back to
    the page (a new canvas) shows the strokes, not only the quick start. The canvas redraws its
    start only when the revision changes, so painting on is never interrupted."""
    sent = getattr(result, "mask", None)
    if isinstance(sent, dict) and sent.get("revision") == state["revision"] and sent.get("png"):
        state["start"] = sent["png"]
    return mask_from_data_url(state["start"])  # until the browser answers: the mask it was sent


def outside_painting_picker(key: str, choices: dict[str, str],
                            load: Callable[[str], Image.Image]) -> tuple[str, Optional[Image.Image]]:
    """For style transfer with a region: what goes outside it. Returns (name, painting or None
    for the photo itself)."""
    options = ["photo", *choices]
    name = st.selectbox("Outside the region", options, key=key,
                        format_func=lambda n: "Keep my photo" if n == "photo" else choices[n],
                        help="The paintings chosen above go inside the region; this goes outside it.")
    return name, (None if name == "photo" else load(name))


def current_region(key: str) -> Optional[Region]:
    """The region as this session holds it (for a job built in a callback, without the page's locals):
    the canvas's latest mask and the soft edge; None when nothing is painted."""
    state = _State(key)
    if state["photo"] is None:
        return None
    painted = _current_mask(st.session_state.get(f"{key}:canvas"), state)
    if painted is None:
        return None
    region = Region.from_mask(painted, FEATHERS.get(st.session_state.get(f"{key}:feather", "Soft"), 0.05))
    return None if region.is_empty() else region
