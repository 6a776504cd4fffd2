"""Style Transfer's paintings: built in or uploaded, how much of each goes into the blend, and
what goes outside a painted region."""
from __future__ import annotations

from typing import Optional

import streamlit as st
from PIL import Image

from engine.catalog import BUILTIN_STYLES, builtin_style_path
from engine.images.pictures import ImageError, load_image

from dreamlab.studio.inputs import UPLOAD_TYPES
from dreamlab.studio.persist import kept
from dreamlab.studio.region import outside_painting_picker

BLEND_KEY = "style-blend"  # + ":" + the painting's name: a share belongs to its painting, not to a place in the list
OUTSIDE_KEY = "style-outside"
DEFAULT_SHARE = 50


@st.cache_data(show_spinner=False)
def builtin_style(name: str) -> Image.Image:
    return load_image(builtin_style_path(name), max_side=None).image


def short_name(name: str) -> str:
    """'Swirling night (after Van Gogh)' -> 'Swirling night'."""
    return name.split(" (")[0]


def chosen_paintings() -> list[tuple[str, Image.Image]]:
    """(name, picture) for every painting the user picked: built in or uploaded."""
    source = st.segmented_control("Paintings", ["Built-in", "Upload"], default="Built-in",
                                  **kept("style-painting-source")) or "Built-in"
    if source == "Built-in":
        names = st.pills("Built-in paintings (pick one or more)", list(BUILTIN_STYLES), selection_mode="multi",
                         default=["swirling_night"], format_func=lambda n: short_name(BUILTIN_STYLES[n]),
                         **kept("style-builtin"))
        return [(BUILTIN_STYLES[n], builtin_style(n)) for n in names]
    files = st.file_uploader("Your paintings (one or more)", type=UPLOAD_TYPES, accept_multiple_files=True,
                             key="style-uploads", help="Photos of paintings, drawings, textures, anything.")
    return _decoded_uploads(files or [])


def _decoded_uploads(files) -> list[tuple[str, Image.Image]]:
    paintings: list[tuple[str, Image.Image]] = []
    names: set[str] = set()
    for f in files:
        try:
            picture = load_image(f.getvalue(), max_side=1024).image
        except ImageError as err:
            st.error(f"{f.name}: {err}")
            continue
        name, copy = f.name, 2
        while name in names:  # two files of one name: each keeps its own share slider
            name, copy = f"{f.name} ({copy})", copy + 1
        names.add(name)
        paintings.append((name, picture))
    return paintings


def blend_key(name: str) -> str:
    return f"{BLEND_KEY}:{name}"


def show_paintings(paintings: list[tuple[str, Image.Image]]) -> None:
    """The chosen paintings side by side; with more than one, a share slider under each."""
    if not paintings:
        return
    columns = st.columns(4)
    for i, (name, picture) in enumerate(paintings):
        with columns[i % len(columns)]:
            st.image(picture, caption=short_name(name), width="stretch")
            if len(paintings) > 1:
                st.slider("How much of it", 0, 100, DEFAULT_SHARE, **kept(blend_key(name)))


def blend_weights(names: list[str]) -> list[float]:
    """Each painting's share (0..1) as its slider was left; one painting alone takes it all."""
    if len(names) < 2:
        return [1.0] * len(names)
    return [st.session_state.get(blend_key(name), DEFAULT_SHARE) / 100 for name in names]


def outside_painting() -> tuple[str, Optional[Image.Image]]:
    """With a region: what goes outside it (the photo itself, or a built-in painting)."""
    return outside_painting_picker(OUTSIDE_KEY, BUILTIN_STYLES, builtin_style)
