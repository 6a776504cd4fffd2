"""Style Transfer's paintings: built in or uploaded, each one's share of a blend, and what goes
outside a painted region."""
from __future__ import annotations

from typing import Optional

import streamlit as st
from PIL import Image

from engine.catalog import BUILTIN_STYLES, builtin_style_path
from engine.images.pictures import ImageError, load_image
from engine.style.instant_files import load_painting

from dreamlab.studio.inputs import UPLOAD_TYPES
from dreamlab.studio.page_state import STYLE
from dreamlab.studio.region import outside_painting_picker
from dreamlab.studio.style_state import SHARE, chosen_builtins, paintings_key, share, share_key
from dreamlab.studio.widgets import draw

OUTSIDE_KEY = "style:outside"
UPLOADS_KEY = "style:uploads"


@st.cache_data(show_spinner=False)
def builtin_style(name: str) -> Image.Image:
    return load_image(builtin_style_path(name), max_side=None).image


def short_name(name: str) -> str:
    """'Swirling night (after Van Gogh)' -> 'Swirling night'."""
    return name.split(" (")[0]


def chosen_paintings() -> list[tuple[str, Image.Image]]:
    """(name, picture) for every painting the user picked: built in or uploaded."""
    if draw(STYLE, "painting_source") == "Built-in":
        st.pills("Built-in paintings (pick one or more)", list(BUILTIN_STYLES), selection_mode="multi",
                 format_func=lambda n: short_name(BUILTIN_STYLES[n]), key=paintings_key(STYLE),
                 persist_state="session")
        return [(name, builtin_style(name)) for name in chosen_builtins(STYLE)]
    return kept_uploads()


KEPT_KEY = "style:uploads:kept"  # the decoded paintings, kept for the session (a page switch empties the uploader)
HAD_FILES = "style:uploads:had-files"


def kept_uploads() -> list[tuple[str, Image.Image]]:
    """The uploaded paintings; after a visit to another page (the uploader comes back empty) the ones
    uploaded before, until the person chooses others or removes them."""
    if UPLOADS_KEY not in st.session_state:  # not drawn last run: the page was left (or first opened)
        st.session_state[HAD_FILES] = False
    files = st.file_uploader("Your paintings (one or more)", type=UPLOAD_TYPES, accept_multiple_files=True,
                             key=UPLOADS_KEY, help="Photos of paintings, drawings, textures, anything.")
    if files:
        st.session_state[HAD_FILES] = True
        st.session_state[KEPT_KEY] = decoded_uploads(files)
        return st.session_state[KEPT_KEY]
    kept = st.session_state.get(KEPT_KEY)
    if kept and not st.session_state.get(HAD_FILES):
        st.caption(f"Using your {len(kept)} painting{'s' if len(kept) != 1 else ''} from before. "
                   "Choose files to use others.")
        return kept
    st.session_state.pop(KEPT_KEY, None)  # the person removed them
    return []


def decoded_uploads(files) -> list[tuple[str, Image.Image]]:
    paintings: list[tuple[str, Image.Image]] = []
    names: set[str] = set()
    for f in files:
        try:  # refuses tiny, huge, transparent and non-pictures in one sentence; notes a greyscale one
            loaded = load_painting(f.getvalue())
        except ImageError as err:
            st.error(f"{f.name}: {err}")
            continue
        for note in loaded.notes:
            st.info(f"{f.name}: {note}")
        picture = loaded.image
        name, copy = f.name, 2
        while name in names or name in BUILTIN_STYLES:  # two files of one name: each keeps its own share
            name, copy = f"{f.name} ({copy})", copy + 1
        names.add(name)
        paintings.append((name, picture))
    return paintings


def title(name: str) -> str:
    """A painting's words: a built-in one's title, an upload's file name."""
    return short_name(BUILTIN_STYLES.get(name, name))


def show_paintings(paintings: list[tuple[str, Image.Image]]) -> None:
    """The chosen paintings side by side; with more than one, a share slider under each."""
    if not paintings:
        return
    columns = st.columns(4)
    for i, (name, picture) in enumerate(paintings):
        with columns[i % len(columns)]:
            st.image(picture, caption=title(name), width="stretch")
            if len(paintings) > 1:
                key = share_key(STYLE, name)
                if st.session_state.get(key) != share(STYLE, name):  # written only when missing or odd: a
                    st.session_state[key] = share(STYLE, name)  # write is pushed to the browser, could undo a move
                st.slider(SHARE.title, int(SHARE.low), int(SHARE.high), key=share_key(STYLE, name),
                          persist_state="session", help=SHARE.help)


def blend_weights(names: list[str]) -> list[float]:
    """Each painting's share (0..1) as its slider was left; one painting alone takes it all."""
    if len(names) < 2:
        return [1.0] * len(names)
    return [share(STYLE, name) / 100 for name in names]


def outside_painting() -> tuple[str, Optional[Image.Image]]:
    """With a region: what goes outside it (the photo itself, or a built-in painting)."""
    return outside_painting_picker(OUTSIDE_KEY, BUILTIN_STYLES, builtin_style)
