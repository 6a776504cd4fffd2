"""The end of every job: before/after slider, what it was made with, a lossless download, a link;
what the network sees."""
from __future__ import annotations

import json
from typing import Optional, Sequence

import streamlit as st
from PIL import Image

from engine.images.pictures import png_bytes

from dreamlab.studio.compare import before_after
from dreamlab.studio.encodings import encoded
from dreamlab.studio.recipes import filename as result_filename, share_link


def show_result(before: Optional[Image.Image], after: Image.Image, recipe: dict, filename: Optional[str] = None,
                key: str = "result") -> None:
    """The picture (with a before/after slider when there is a before), what it was made with, a
    Download button whose file name carries the page, preset and seed, and a link to its settings."""
    show_picture(before, after, key)
    show_actions(after, recipe, key, filename)


def show_picture(before: Optional[Image.Image], after: Image.Image, key: str) -> None:
    """The picture, with a before/after slider when there is a before; either at its own size when it
    is smaller than the column (see ``show_native``)."""
    if before is not None:
        larger = _show_larger(after, key)
        before_after(before, after, key=f"{key}:compare", max_width=None if larger else after.width)
    else:
        show_native(after, key)


NATIVE_BELOW = 700  # px: narrower than the page's column (centered layout), so stretching would blur it


def show_native(picture: Image.Image, key: str) -> None:
    """A picture narrower than the column at its own size (stretched, a 256 px palette looks blurry),
    with a "Show larger" switch; wider ones fill the column (and shrink with it on a phone)."""
    larger = _show_larger(picture, key)
    st.image(picture, width="stretch" if larger else picture.width)


def _show_larger(picture: Image.Image, key: str) -> bool:
    """Whether to stretch ``picture`` to the column: yes when it is as wide as the column anyway, else
    as the "Show larger" switch (drawn here) says."""
    if picture.width >= NATIVE_BELOW:
        return True
    return st.toggle("Show larger", key=f"{key}:larger",
                     help=f"This picture is {picture.width} × {picture.height} px: shown at its own size, "
                          "it stays sharp.")


def show_actions(after: Image.Image, recipe: dict, key: str, filename: Optional[str] = None) -> None:
    made_with = describe(recipe)
    if made_with:
        st.caption(f"Made with {made_with}")
    name = result_filename(recipe) if recipe.get("page") else filename or result_filename(recipe)
    st.download_button("Download PNG", data=encoded(after, _recipe_key(recipe), lambda: png_bytes(after, recipe)),
                       file_name=name, on_click="ignore",  # a download needs no run of the page
                       mime="image/png", key=f"{key}:download", icon=":material/download:", type="primary",
                       help="A lossless PNG that remembers its settings: drop it on any photo picker "
                            "to bring them back.")
    link = share_link(recipe) if recipe.get("settings") else None
    if link:
        with st.popover("Share these settings", icon=":material/link:"):
            st.caption("Anyone opening this link gets the same settings (not your photo).")
            st.code(link, language=None, wrap_lines=True)


def _recipe_key(recipe: dict) -> str:
    """The recipe as it goes into the PNG: a picture restored with other settings is another file."""
    return json.dumps(recipe, sort_keys=True, default=str)


def classes_table(seen: Sequence[tuple[str, float]]) -> None:
    """What the network sees: (thing, chance) pairs with a bar each."""
    st.dataframe({"thing": [label for label, _ in seen], "chance": [p for _, p in seen]},
                 column_config={"chance": st.column_config.ProgressColumn("chance", format="percent",
                                                                          min_value=0.0, max_value=1.0)},
                 hide_index=True, width="stretch")


def describe(recipe: dict) -> str:
    """'Classic dream · seed 7 · 800 px' from the parts of a recipe a person recognises."""
    parts = []
    if recipe.get("label"):
        parts.append(str(recipe["label"]))
    if recipe.get("seed") is not None:
        parts.append(f"seed {recipe['seed']}")
    if recipe.get("size_label"):
        parts.append(str(recipe["size_label"]))
    region = recipe.get("region")
    if isinstance(region, dict) and isinstance(region.get("coverage"), (int, float)):
        parts.append(f"only in your painted region ({float(region['coverage']):.0%} of the photo)")
    return " · ".join(parts)


def show_seamless(after: Image.Image, recipe: dict, key: str) -> None:
    """A seamless result: 3x3 copies side by side (from a small copy), and that preview as a download
    (the tile itself is the Download PNG above)."""
    from engine.images.seamless import tile_preview
    small = after if max(after.size) <= 400 else after.reduce(max(1, -(-max(after.size) // 400)))
    st.image(tile_preview(small), caption="Seamless: 3\u00d73 copies side by side", width="stretch")
    def preview_png() -> bytes:  # from a copy of at most 1366 px, made only when not kept already
        full = after if max(after.size) <= 1366 else after.reduce(-(-max(after.size) // 1366))
        return png_bytes(tile_preview(full), recipe)
    preview = encoded(after, ("3x3", _recipe_key(recipe)), preview_png)
    st.download_button("Download the 3\u00d73 preview", data=preview, on_click="ignore",
                       file_name=result_filename(recipe).replace(".png", "-3x3-preview.png"), mime="image/png", key=f"{key}:preview-download",
                       icon=":material/grid_view:")
