"""What a palette painting starts from: a photo, noise, a colour or a gradient, and its size."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Union

import streamlit as st
from PIL import Image

from engine.images.pictures import LoadedImage
from engine.dreaming.palette.starts import Start

from dreamlab.studio.inputs import image_input, shrink_to
from dreamlab.studio.page_state import PALETTE
from dreamlab.studio.widgets import draw

@dataclass
class StartChoice:
    kind: str  # one of dreamlab.settings.palette.STARTS
    side: int  # longest side of the painting, px
    photo: Optional[LoadedImage] = None  # "Photo": the picture chosen, if any
    start: Optional[Start] = None  # the other kinds
    size_label: str = ""

    @property
    def is_photo(self) -> bool:
        return self.kind == "Photo"

    def paint_on(self) -> Union[Image.Image, Start, None]:
        """What the engine paints on: the photo at the chosen size, or the start (None: no photo yet)."""
        if not self.is_photo:
            return self.start
        return shrink_to(self.photo.image, self.side) if self.photo is not None else None


def start_picker() -> StartChoice:
    kind = draw(PALETTE, "start", label_visibility="collapsed")
    photo, start = None, None
    if kind == "Photo":
        photo = image_input("palette")
        if photo is not None:
            st.image(photo.image, caption="Your photo", width=320)
    elif kind == "Noise":
        st.caption("Faint random noise: the filters paint everything. Change the random seed for another picture.")
    elif kind == "Colour":
        draw(PALETTE, "color")
    else:
        top, bottom = st.columns(2)
        draw(PALETTE, "top", top)
        draw(PALETTE, "bottom", bottom)
    draw(PALETTE, "photo_size" if kind == "Photo" else "canvas_size")
    draw(PALETTE, "seamless")
    return start_now(photo)


def start_now(photo: Optional[LoadedImage]) -> StartChoice:
    """The start as the page's settings hold it (``photo``: the photo picker's, for a photo start)."""
    chosen = PALETTE.values()
    start = {"Noise": Start("noise"), "Colour": Start("color", (chosen.color,)),
             "Gradient": Start("gradient", (chosen.top, chosen.bottom))}.get(chosen.start)
    return StartChoice(chosen.start, chosen.pixels, photo, start, chosen.size_label)
