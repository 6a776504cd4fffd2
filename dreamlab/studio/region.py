"""Paint a region over the photo: our own small drawing component (st.components.v2; its script
and style in ``components/region_painter/``, no CDN), quick starts from ``engine.images.region`` and a
soft edge.

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
from dreamlab.studio.components import frontend
from dreamlab.studio.persist import kept

TINT = (255, 64, 129)  # the colour the painted region is shown in
FEATHERS = {"None": 0.0, "A little": 0.02, "Soft": 0.05, "Very soft": 0.1}



_painter = st.components.v2.component("dreamlab_region", **frontend("region_painter"))


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
    """An optional "Paint a region" expander over ``photo``; returns the region (None: everywhere).
    A region stays active with its expander closed, so the page then says so under it."""
    with st.expander("Paint a region (optional)", key=f"{key}:open", on_change="rerun",
                     icon=":material/format_paint:") as box:
        if photo is None:
            st.caption("Choose a photo first; then you can paint where the effect should go.")
            return None
        region = _painter_panel(key, photo, help_text)
    if region is not None and not box.open:
        st.info(f"A painted region is active: the effect happens only there ({region.coverage():.0%} of the "
                "photo). Open **Paint a region** to change or clear it.", icon=":material/format_paint:")
    return region


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
    name = st.selectbox("Outside the region", options, key=key, persist_state="session",  # kept across pages
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
