"""The end of every job: before/after slider and a lossless download; what the network sees."""
from __future__ import annotations

from typing import Optional, Sequence

import streamlit as st
from PIL import Image

from engine.images import png_bytes

from .compare import before_after


def show_result(before: Optional[Image.Image], after: Image.Image, recipe: dict, filename: str, key: str) -> None:
    """A before/after slider (just the picture when there is no before) and the PNG download."""
    if before is not None:
        before_after(before, after, key=f"{key}:compare")
    else:
        st.image(after, width="stretch")
    st.download_button("Download PNG", data=png_bytes(after, recipe), file_name=filename, mime="image/png",
                       key=f"{key}:download", icon=":material/download:", type="primary")


def classes_table(seen: Sequence[tuple[str, float]]) -> None:
    """What the network sees: (thing, chance) pairs with a bar each."""
    st.dataframe({"thing": [label for label, _ in seen], "chance": [p for _, p in seen]},
                 column_config={"chance": st.column_config.ProgressColumn("chance", format="percent",
                                                                          min_value=0.0, max_value=1.0)},
                 hide_index=True, width="stretch")
