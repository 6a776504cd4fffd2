"""What a palette painting starts from: a photo, noise, a colour or a gradient, and its size."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Union

import streamlit as st
from PIL import Image

from engine.images.pictures import LoadedImage
from engine.dreaming.palette.starts import Start

from dreamlab.studio.inputs import image_input, shrink_to
from dreamlab.studio.persist import kept

STARTS = {"Photo": ":material/photo_camera:", "Noise": ":material/grain:", "Colour": ":material/format_color_fill:",
          "Gradient": ":material/gradient:"}
PHOTO_SIZES = {"Small (fast)": 384, "Medium": 512, "Large": 800, "Full size (slow)": 1600}
CANVAS_SIZES = {"Small (fast)": 256, "Medium": 384, "Large": 512}


@dataclass
class StartChoice:
    kind: str  # a key of STARTS
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
    kind = st.segmented_control("Start from", list(STARTS), default="Photo", required=True, **kept("palette:start"),
                                format_func=lambda k: f"{STARTS[k]} {k}", label_visibility="collapsed") or "Photo"
    photo, start = None, None
    if kind == "Photo":
        photo = image_input("palette")
        if photo is not None:
            st.image(photo.image, caption="Your photo", width=320)
    elif kind == "Noise":
        start = Start("noise")
        st.caption("Faint random noise: the filters paint everything. Change the random seed for another picture.")
    elif kind == "Colour":
        start = Start("color", (st.color_picker("Colour", "#2f5fc4", **kept("palette:color")),))
    else:
        top, bottom = st.columns(2)
        start = Start("gradient", (top.color_picker("Top", "#ff9a3c", **kept("palette:top")),
                                   bottom.color_picker("Bottom", "#1b2a6b", **kept("palette:bottom"))))
    sizes = PHOTO_SIZES if kind == "Photo" else CANVAS_SIZES
    size_label = st.select_slider("Picture size", list(sizes), value="Small (fast)",
                                  **kept(f"palette:size:{'photo' if kind == 'Photo' else 'canvas'}"),
                                  help="Bigger pictures take longer.")
    return StartChoice(kind, sizes[size_label], photo, start, size_label)
