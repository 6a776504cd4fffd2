"""A before/after slider of our own: lossless PNGs, no CDN, no files on disk, fits the page width."""
from __future__ import annotations

import base64
import io
from typing import Optional

import streamlit as st
from PIL import Image

from dreamlab.studio.components import frontend

_slider = st.components.v2.component("dreamlab_before_after", **frontend("before_after"))


def png_data_url(image: Image.Image) -> str:
    buffer = io.BytesIO()
    # Lossless all the same, at zlib's fastest level: a result's two pictures are encoded on every run
    # of its page, and the default level's smaller file is not worth its time for a picture that only
    # goes to the browser (the download keeps the default).
    image.save(buffer, format="PNG", compress_level=1)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def before_after(before: Image.Image, after: Image.Image, key: str,
                 before_label: str = "Before", after_label: str = "After", max_width: Optional[int] = None) -> None:
    """Drag (or use the arrow keys) to compare two pictures; ``before`` is resized to ``after``.
    ``max_width`` (px): at most that wide (a small picture at its own size); else the column's width."""
    if before.size != after.size:
        before = before.resize(after.size, Image.LANCZOS)
    _slider(key=key, data={"before": png_data_url(before), "after": png_data_url(after),
                           "before_label": before_label, "after_label": after_label,
                           "max_width": int(max_width) if max_width else None})
