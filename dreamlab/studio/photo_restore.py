"""What a restore puts into a page's photo picker (``dreamlab.studio.inputs.image_input``): the photo a
history entry was made from, or an empty picker with a note when a link or a PNG carried the settings
only. Session values only, so the history can use it without importing the picker's widgets."""
from __future__ import annotations

import streamlit as st
from PIL import Image

from engine.images.pictures import LoadedImage

RESTORED = "Your photo"  # the name a photo put back from the history goes by
UPLOADED_SOURCES = ("Upload", "Camera")


def new_uploader(key: str) -> None:
    st.session_state[f"{key}:upload-round"] = st.session_state.get(f"{key}:upload-round", 0) + 1
    st.session_state.pop(f"{key}:kept", None)


def restored_photo_values(prefix: str, photo: Image.Image, recipe: dict) -> dict:
    """Session values that make ``image_input`` of the page with ``prefix`` use ``photo`` again
    (for a result from the history made from an upload or a camera picture)."""
    key = prefix.rstrip(":")
    settings = recipe.get("settings", {})
    if settings.get(f"{key}:source", "Sample") == "Sample":
        return {}
    new_uploader(key)
    return {f"{key}:source": "Upload", f"{key}:kept": (RESTORED, LoadedImage(photo, []))}


def _paints_on_a_photo(settings: dict) -> bool:
    """False for a Hybrid Palette painted on noise, a colour or a gradient: its photo picker's choice
    was left over, no photo went into it (so nobody is asked to upload one again)."""
    palette = settings.get("palette") if isinstance(settings.get("palette"), dict) else {}
    return palette.get("start", settings.get("palette:start", "Photo")) == "Photo"


def forget_photo_values(prefix: str, recipe: dict, carrier: str) -> tuple[dict, list[str]]:
    """For settings restored without their photo (a link or a PNG carries settings only): session
    values that leave the page's photo picker empty with a plain note, instead of using an older
    upload or a sample, and what the person has to give again ("photo", "paintings")."""
    key = prefix.rstrip(":")
    settings = recipe.get("settings", {})
    missing, extra = [], {}
    if settings.get(f"{key}:source") in UPLOADED_SOURCES and _paints_on_a_photo(settings):
        new_uploader(key)
        missing.append("photo")
        extra = {f"{key}:source": "Upload",
                 f"{key}:missing": f"Your own photo was not part of {carrier}: upload it again "
                                   "(the settings are back), then press the button."}
    style = settings.get("style") if isinstance(settings.get("style"), dict) else {}
    if style.get("painting_source") == "Upload" or any(
            isinstance(k, str) and k.endswith("painting-source") and v == "Upload" for k, v in settings.items()):
        missing.append("paintings")
    return extra, missing
