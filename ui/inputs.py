"""Picking a picture: upload, camera or a sample. Every failure becomes a plain message."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

import streamlit as st
from PIL import Image

from engine.images import DEFAULT_MAX_SIDE, ImageError, LoadedImage, fit_side, load_image

SAMPLES_DIR = Path(__file__).resolve().parent.parent / "assets" / "samples"
UPLOAD_TYPES = ["jpg", "jpeg", "png", "webp", "gif", "bmp", "tif", "tiff", "avif", "mpo"]
MAX_SIDE = int(os.environ.get("DREAMLAB_MAX_SIDE", DEFAULT_MAX_SIDE))
# The app's upload limit (.streamlit/config.toml server.maxUploadSize, in MB) must equal this. The loader
# refuses pictures above engine.images.MAX_SOURCE_PIXELS (60 MP) anyway, and a 60 MP phone or camera JPEG
# is 15-35 MB, so 50 MB takes any picture the pixel limit takes, give or take PNGs.
MAX_UPLOAD_MB = 50


def shrink_to(image: Image.Image, side: int) -> Image.Image:
    """``image`` scaled down (never up) so that its longest side is at most ``side``."""
    if max(image.size) <= side:
        return image
    return image.resize(fit_side(image.size, side), Image.LANCZOS)


def sample_names() -> list[str]:
    return sorted(p.name for p in SAMPLES_DIR.glob("*.jpg"))


def image_input(key: str, label: str = "Your photo", allow_camera: bool = True,
                default_sample: Optional[str] = "cat.jpg") -> Optional[LoadedImage]:
    """Show the picker; return the chosen picture (8-bit RGB, at most MAX_SIDE px) or None."""
    sources = ["Sample", "Upload"] + (["Camera"] if allow_camera else [])
    source = st.segmented_control(label, sources, default="Sample", key=f"{key}:source") or "Sample"
    if source == "Upload":
        uploaded = st.file_uploader("Choose a photo", type=UPLOAD_TYPES, key=f"{key}:upload",
                                    help="JPEG, PNG, WebP, GIF, TIFF or BMP. Big photos are scaled down.")
        return _decode(key, uploaded)
    if source == "Camera":
        return _decode(key, st.camera_input("Take a photo", key=f"{key}:camera"))
    names = sample_names()
    index = names.index(default_sample) if default_sample in names else 0
    name = st.selectbox("Sample picture", names, index=index, key=f"{key}:sample")
    return _decode_sample(key, name)


def _decode(key: str, uploaded) -> Optional[LoadedImage]:
    """Decode an upload once (kept in memory only, never written to disk) and remember it."""
    if uploaded is None:
        return None
    cache_key = f"{key}:decoded"
    cached = st.session_state.get(cache_key)
    if cached and cached[0] == uploaded.file_id:
        loaded = cached[1]
    else:
        try:
            loaded = load_image(uploaded.getvalue(), max_side=MAX_SIDE)
        except ImageError as err:
            loaded = err
        st.session_state[cache_key] = (uploaded.file_id, loaded)
    return _shown(loaded)


def _decode_sample(key: str, name: str) -> Optional[LoadedImage]:
    return _shown(load_image(SAMPLES_DIR / name, max_side=MAX_SIDE))


def _shown(loaded) -> Optional[LoadedImage]:
    if isinstance(loaded, ImageError):
        st.error(str(loaded))
        return None
    for note in loaded.notes:
        st.info(note)
    return loaded
