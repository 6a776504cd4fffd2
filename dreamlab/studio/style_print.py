"""Style Transfer's print sizes and wallpaper shapes, and what the page says before the press: the
result's size, a refusal of this server (``DREAMLAB_MAX_PIXELS``), and how long the painting takes here
(``engine.estimates``, from this machine's measured step costs)."""
from __future__ import annotations

from typing import Optional

import streamlit as st
from PIL import Image

from engine import estimates
from engine.images.shapes import result_size, size_refusal
from engine.timing import describe_seconds, worth_saying

from dreamlab.jobs.convert import style_settings
from dreamlab.settings.style import INSTANT, Style
from dreamlab.studio.crop import crop_picker
from dreamlab.studio.page_state import STYLE
from dreamlab.studio.widgets import draw

INSTANT_SECONDS = 1.0  # the instant network at 512 px (it grows with the pixels)
GUESS_SECONDS = 12.0  # before a worker has measured this machine


def size_controls(photo: Optional[Image.Image]) -> None:
    """Print size, shape and fit (and the crop's frame over the photo); Instant paints for the screen only."""
    if STYLE.get("quality") == INSTANT:
        st.caption(":material/info: Prints and wallpapers are painted with Fast, Balanced or Best.")
        return
    c1, c2 = st.columns(2)
    draw(STYLE, "print_size", c1, disabled=STYLE.get("shape") != "photo")
    draw(STYLE, "shape", c2)
    if STYLE.get("shape") != "photo":
        draw(STYLE, "fit")
        crop_picker(STYLE, photo)


def target_size(style: Style, photo: Image.Image) -> Optional[tuple[int, int]]:
    """A print's or wallpaper's (W, H), or None: painted at the quality's size for the screen."""
    if style.quality == INSTANT:
        return None
    return result_size(photo.size, style.print_side or None, style.wallpaper)


def refusal(style: Style, photo: Image.Image) -> Optional[str]:
    size = target_size(style, photo)
    return size_refusal(*size) if size else None


def job_seconds(style: Style, photo: Image.Image, paintings: int) -> Optional[float]:
    """This machine's estimate (None until a worker has measured its step costs)."""
    if style.quality == INSTANT:
        return INSTANT_SECONDS * (style.size / 512) ** 2
    size = target_size(style, photo)
    settings = style_settings(style)
    if size is None:
        return estimates.style_seconds(settings, photo.size, max(1, paintings))
    return estimates.style_print_seconds(settings, size, max(1, paintings))


def say_size_and_time(photo, paintings: int) -> float:
    """Just above the button: a size this server refuses, or the result's size and the time it takes."""
    style = STYLE.values()
    if photo is None:
        return GUESS_SECONDS
    image = photo.image
    refused = refusal(style, image)
    if refused:
        st.warning(refused, icon=":material/block:")
        return GUESS_SECONDS
    seconds = job_seconds(style, image, paintings)
    size = target_size(style, image)
    if size is not None:
        st.caption(f"The result will be {size[0]}\u00d7{size[1]} px, a PNG at 300 dpi: painted at "
                   f"{style.size} px, then finished tile by tile" + (f", {describe_seconds(seconds)} here." if
                                                                     seconds else "."))
    elif worth_saying(seconds):
        st.caption(f"This painting takes {describe_seconds(seconds)} here.")
    return seconds or GUESS_SECONDS
