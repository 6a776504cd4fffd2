"""Picking a picture: upload, camera or a sample. Every failure becomes a plain message.

The chosen picture is kept for the session: leaving the page and coming back (Streamlit then
shows an empty uploader) keeps using it until another is chosen or the file is removed. A DreamLab
PNG dropped here offers to restore the settings it was made with.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Optional, Union

import streamlit as st
from engine.catalog import SAMPLES_DIR, sample_names  
from PIL import Image

from engine.images.pictures import DEFAULT_MAX_SIDE, ImageError, LoadedImage, fit_side, load_image

from dreamlab.studio.history import restore
from dreamlab.studio.persist import kept
from dreamlab.studio.photo_restore import new_uploader
from dreamlab.studio.recipes import PAGES, restorable

UPLOAD_TYPES = ["jpg", "jpeg", "png", "webp", "gif", "bmp", "tif", "tiff", "avif", "mpo"]
MAX_SIDE = int(os.environ.get("DREAMLAB_MAX_SIDE", DEFAULT_MAX_SIDE))
# The app's upload limit (.streamlit/config.toml server.maxUploadSize, in MB) must equal this. The loader
# refuses pictures above engine.images.pictures.MAX_SOURCE_PIXELS (60 MP) anyway, and a 60 MP phone or camera JPEG
# is 15-35 MB, so 50 MB takes any picture the pixel limit takes, give or take PNGs.
MAX_UPLOAD_MB = 50


def shrink_to(image: Image.Image, side: int) -> Image.Image:
    """``image`` scaled down (never up) so that its longest side is at most ``side``."""
    if max(image.size) <= side:
        return image
    return image.resize(fit_side(image.size, side), Image.LANCZOS)


def keep_upload_answers() -> None:
    """Make Streamlit deliver its answer to an upload even when a script run starts meanwhile.

    A dropped file travels in two steps: the browser asks the server where to send it (a
    ``file_urls_request`` over the websocket), then sends it there. Streamlit 1.67 queues the
    answer (``file_urls_response``) like any message, and the start of every script run clears
    the queue of all but lifecycle messages and toasts, so an answer not yet flushed is dropped:
    the browser never sends the file and the upload box stays empty, without a word. A busy server
    (four visitors at once) or a rerun right around the drop (a slider moved, a button pressed)
    makes that likely: measured, 1 upload in 10 to 15 lost at machine pace on this 2-core machine.
    The queue keeps toasts through a module function; this widens it to upload answers. Idempotent."""
    from streamlit.runtime import forward_msg_queue
    kept_before = getattr(forward_msg_queue, "_is_toast_delta", None)
    if kept_before is None or getattr(kept_before, "keeps_upload_answers", False):
        return  # another Streamlit (the test checks this one), or already done

    def survives_a_new_run(msg) -> bool:
        return msg.WhichOneof("type") == "file_urls_response" or kept_before(msg)
    survives_a_new_run.keeps_upload_answers = True
    forward_msg_queue._is_toast_delta = survives_a_new_run


def image_input(key: str, label: str = "Your photo", allow_camera: bool = True,
                default_sample: Optional[str] = "cat.jpg") -> Optional[LoadedImage]:
    """Show the picker; return the chosen picture (8-bit RGB, at most MAX_SIDE px) or None."""
    st.session_state.pop(f"{key}:refused", None)
    sources = ["Sample", "Upload"] + (["Camera"] if allow_camera else [])
    source = st.segmented_control(label, sources, default="Sample", required=True, **kept(f"{key}:source")) or "Sample"
    if source == "Upload":
        return _uploaded(key)
    if source == "Camera":
        return _decode(key, st.camera_input("Take a photo", key=f"{key}:camera"))
    names = sample_names()
    index = names.index(default_sample) if default_sample in names else 0
    name = st.selectbox("Sample picture", names, index=index, **kept(f"{key}:sample"))
    return _decode_sample(key, name)


def _uploader_key(key: str) -> str:
    return f"{key}:upload:{st.session_state.get(f'{key}:upload-round', 0)}"


def _uploaded(key: str) -> Optional[LoadedImage]:
    uploader_key = _uploader_key(key)
    had_file = f"{key}:had-file"  # the uploader held a file since the page was (re)opened
    if uploader_key not in st.session_state:  # not drawn last run: the page was left, or restored
        st.session_state[had_file] = False
    uploaded = st.file_uploader("Choose a photo", type=UPLOAD_TYPES, key=uploader_key,
                                help="JPEG, PNG, WebP, GIF, TIFF or BMP. Big photos are scaled down. "
                                     "A picture made by DreamLab can bring back its settings.")
    if uploaded is not None:
        st.session_state[had_file] = True
        st.session_state.pop(f"{key}:missing", None)
        loaded = _decode(key, uploaded)
        if loaded is not None:
            st.session_state[f"{key}:kept"] = (uploaded.name, loaded)
            _offer_recipe(key, uploaded)
        return loaded
    missing = st.session_state.get(f"{key}:missing")
    if missing:  # settings came back from a link or a PNG, the photo could not
        st.warning(missing, icon=":material/add_photo_alternate:")
    kept_photo = st.session_state.get(f"{key}:kept")
    if kept_photo and not st.session_state.get(had_file):
        name, loaded = kept_photo
        st.caption(f"Using **{name}** from before. Choose a file to use another.")
        return loaded
    st.session_state.pop(f"{key}:kept", None)  # the user removed the file
    st.session_state[had_file] = False
    return None


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
    if isinstance(loaded, ImageError):
        st.session_state[f"{key}:refused"] = (uploaded.name, str(loaded))
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


def current_photo(key: str, default_sample: str = "cat.jpg") -> Optional[LoadedImage]:
    """The picture ``image_input(key)`` shows, from this session's state alone (for a job built in a
    callback, without the page's locals); None when there is none, or it cannot be used."""
    state = st.session_state
    source = state.get(f"{key}:source") or "Sample"
    if source == "Sample":
        names = sample_names()
        name = state.get(f"{key}:sample")
        name = name if name in names else (default_sample if default_sample in names else names[0])
        return load_image(SAMPLES_DIR / name, max_side=MAX_SIDE)
    uploaded = state.get(f"{key}:camera" if source == "Camera" else _uploader_key(key))
    if uploaded is None:
        kept_photo = state.get(f"{key}:kept") if source == "Upload" else None
        return kept_photo[1] if kept_photo else None
    cached = state.get(f"{key}:decoded")
    if cached and cached[0] == uploaded.file_id:
        return None if isinstance(cached[1], ImageError) else cached[1]
    try:
        return load_image(uploaded.getvalue(), max_side=MAX_SIDE)
    except ImageError:
        return None


PHOTO_MISSING = "_press:photo-missing"  # a job builder found no photo (and none was refused)


def missing_photo_message(key: str) -> str:
    """What to tell someone who pressed the button without a usable photo. (Also notes, for the
    run button, that a photo may still be on its way: the press then waits for it.)"""
    refused = st.session_state.get(f"{key}:refused")
    if refused:
        name, reason = refused
        return f"**{name}** cannot be used: {reason} Choose another photo, or a sample."
    st.session_state[PHOTO_MISSING] = True
    return "Choose a photo first: upload one, take one with the camera, or pick a sample."


def photo_was_missing() -> bool:
    """Whether a job builder asked for ``missing_photo_message`` since the last call (and forget it)."""
    return bool(st.session_state.pop(PHOTO_MISSING, False))


# --- DreamLab PNGs carry their recipe ------------------------------------------------------------

def _offer_recipe(key: str, uploaded) -> None:
    recipe = _recipe_of(uploaded)
    if isinstance(recipe, str):  # a recipe DreamLab refuses to read (too large, not JSON): one sentence
        st.info(recipe, icon=":material/history:")
        return
    if not recipe or not restorable(recipe):
        return
    page = PAGES[recipe["page"]]
    label, seed = recipe.get("label"), recipe.get("seed")
    about = f" ({label}, seed {seed})" if isinstance(label, str) and len(label) < 80 and isinstance(seed, int) else ""
    with st.container(border=True):
        st.markdown(f":material/history: This picture was made with DreamLab's **{page.title}**{about}.")
        st.button("Restore the settings this was made with", key=f"{key}:restore-recipe",
                  icon=":material/settings_backup_restore:", on_click=_restore_recipe, args=(key, recipe),
                  help=f"Opens {page.title} with every setting of that picture, seed included.")


def _recipe_of(uploaded) -> Union[dict, str, None]:
    """The PNG's recipe (a dict), a sentence saying why it cannot be read, or None (just a picture)."""
    from dreamlab.settings.reader import png_recipe
    cache_key = f"{cache_prefix(uploaded)}:recipe"
    if cache_key not in st.session_state:
        unpacked = png_recipe(uploaded.getvalue())
        st.session_state[cache_key] = unpacked.data if unpacked.data is not None else (
            None if unpacked.quiet else unpacked.refused)
    return st.session_state[cache_key]


def cache_prefix(uploaded) -> str:
    return f"_upload:{uploaded.file_id}"


def _restore_recipe(key: str, recipe: dict) -> None:
    new_uploader(key)  # the PNG was a way to carry settings, not the photo to dream on
    restore(recipe, via="picture")
