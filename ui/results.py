"""The end of every job: before/after slider and a lossless download."""
from __future__ import annotations

import streamlit as st
from PIL import Image

from engine.images import png_bytes

from .compare import before_after


def show_result(before: Image.Image, after: Image.Image, recipe: dict, filename: str, key: str) -> None:
    before_after(before, after, key=f"{key}:compare")
    st.download_button("Download PNG", data=png_bytes(after, recipe), file_name=filename, mime="image/png",
                       key=f"{key}:download", icon=":material/download:", type="primary")
