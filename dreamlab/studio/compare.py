"""A before/after slider of our own: lossless PNGs, no CDN, no files on disk, fits the page width."""
from __future__ import annotations

import base64
import io
from typing import Optional

import streamlit as st
from PIL import Image

from engine.images.pictures import fit_side

from dreamlab.studio.components import frontend
from dreamlab.studio.encodings import encoded

_slider = st.components.v2.component("dreamlab_before_after", **frontend("before_after"))


def png_data_url(image: Image.Image) -> str:
    buffer = io.BytesIO()
    # Lossless all the same, at zlib's fastest level: a result's two pictures are encoded on every run
    # of its page, and the default level's smaller file is not worth its time for a picture that only
    # goes to the browser (the download keeps the default).
    image.save(buffer, format="PNG", compress_level=1)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


# Longest side of the slider's pictures: twice the page's widest column, sharp on a high-density
# screen. A print or wallpaper is larger (up to 4096 px): its whole size is in the download, and
# sending it to the page would cost seconds of encoding and tens of megabytes a run.
SHOWN_MAX_SIDE = 1600


def before_after(before: Image.Image, after: Image.Image, key: str,
                 before_label: str = "Before", after_label: str = "After", max_width: Optional[int] = None) -> None:
    """Drag (or use the arrow keys) to compare two pictures; ``before`` is resized to ``after``.
    ``max_width`` (px): at most that wide (a small picture at its own size); else the column's width.
    Each picture is encoded once (``encodings``), not at every run of the page."""
    shown = fit_side(after.size, SHOWN_MAX_SIDE) if max(after.size) > SHOWN_MAX_SIDE else after.size
    after_url = encoded(after, ("slider", shown), lambda: png_data_url(_sized(after, shown)))
    before_url = encoded(before, ("slider", shown), lambda: png_data_url(_sized(before, shown)))
    _slider(key=key, data={"before": before_url, "after": after_url,
                           "before_label": before_label, "after_label": after_label,
                           "max_width": int(max_width) if max_width else None,
                           "width": shown[0], "height": shown[1]})


def _sized(picture: Image.Image, size: tuple[int, int]) -> Image.Image:
    return picture if picture.size == size else picture.resize(size, Image.LANCZOS)
