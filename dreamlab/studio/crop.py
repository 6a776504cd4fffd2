"""Drag a wallpaper's crop over the photo: our own small component (``components/crop_frame/``).

The photo is shown with the shape's frame, placed where the crop will be: around the subject found in
the photo (``engine.images.shapes.subject_centre``) until the person drags it, then where they left it.
The frame's centre is a setting, ``crop_centre`` (``dreamlab.settings.parts.Framing``): it travels
in recipes and links and is validated like any outside value. The browser's value is taken only when
it belongs to the frame as last sent (its revision), so a restored or reset centre is never undone by
an older drag.
"""
from __future__ import annotations

import base64
import hashlib
import io
from typing import Optional

import streamlit as st
from PIL import Image

from engine.images.shapes import get_shape, subject_centre

from dreamlab.settings.parts import centre_of, centre_text
from dreamlab.studio.components import frontend
from dreamlab.studio.page_state import PageState

DISPLAY_SIDE = 480  # the photo as shown under the frame (the centre is a fraction: any size will do)

_frame = st.components.v2.component("dreamlab_crop", **frontend("crop_frame"))


def _jpeg_url(image: Image.Image) -> str:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85)
    return "data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _revision_key(state: PageState) -> str:
    return f"{state.name}:crop:revision"


def _bump(state: PageState) -> None:
    st.session_state[_revision_key(state)] = st.session_state.get(_revision_key(state), 0) + 1


def _reset(state: PageState) -> None:
    state.set({"crop_centre": ""})
    _bump(state)


@st.cache_data(max_entries=8, show_spinner=False)
def _subject(fingerprint: str, _photo: Image.Image) -> tuple[float, float]:
    return subject_centre(_photo)


def _frame_key(state: PageState) -> str:
    return f"{state.name}:crop:frame"


def take_dragged_centre(state: PageState) -> None:
    """The browser's last dragged centre into ``state``'s ``crop_centre`` (a job built in a click
    callback calls this too: a press right after a drag may come before the page ran with it)."""
    sent = getattr(st.session_state.get(_frame_key(state)), "centre", None)
    taken_from_browser(state, sent, st.session_state.get(_revision_key(state), 0))


def taken_from_browser(state: PageState, sent, revision: int) -> None:
    """The browser's centre, when it is one of the frame as last sent and differs from the setting."""
    if not isinstance(sent, dict) or sent.get("revision") != revision:
        return
    x, y = sent.get("x"), sent.get("y")
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (x, y)):
        return
    text = centre_text(x, y)  # clamped to 0..1; the model checks it again
    if text != state.get("crop_centre"):
        state.set({"crop_centre": text})


def crop_picker(state: PageState, photo: Optional[Image.Image]) -> None:
    """The frame over ``photo`` while ``state``'s shape is a wallpaper cropped from it; nothing otherwise."""
    chosen = state.values()
    if photo is None or chosen.wallpaper is None or chosen.fit != "crop":
        return
    scale = DISPLAY_SIDE / max(photo.size)
    display = photo.convert("RGB").resize((max(1, round(photo.width * scale)), max(1, round(photo.height * scale))),
                                          Image.LANCZOS)
    fingerprint = hashlib.sha1(display.tobytes()).hexdigest()
    if st.session_state.get(f"{state.name}:crop:photo") != fingerprint:  # a new photo: the frame starts afresh
        st.session_state[f"{state.name}:crop:photo"] = fingerprint
        _bump(state)
    revision = st.session_state.get(_revision_key(state), 0)
    take_dragged_centre(state)
    centre = centre_of(state.get("crop_centre")) or _subject(fingerprint, display)
    shape = get_shape(chosen.wallpaper)
    st.caption("The frame shows what the wallpaper keeps: drag it to choose.")
    _frame(key=_frame_key(state), data={"photo": _jpeg_url(display), "width": display.width,
                                        "height": display.height, "aspect": shape.width / shape.height,
                                        "centre": list(centre), "revision": revision},
           default={"centre": None}, on_centre_change=lambda: None)
    if state.get("crop_centre"):
        st.button("Centre on the subject again", key=f"{state.name}:crop:reset", on_click=_reset, args=(state,),
                  icon=":material/center_focus_strong:")
