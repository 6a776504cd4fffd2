"""The Hybrid Palette's results: variations to pick from, then the painting, its GIF and downloads."""
from __future__ import annotations

import io

import streamlit as st
from PIL import Image

from dreamlab.studio.recipes import filename
from dreamlab.studio.journey import describe_filters
from dreamlab.studio.results import show_result, show_seamless


def pick_variation(variations_key: str, result_key: str) -> None:
    """The variations side by side; Keep this one makes it the result."""
    variations = st.session_state.get(variations_key)
    if not variations:
        return
    st.markdown("**Variations**: pick the one you like.")
    for i, (column, variation) in enumerate(zip(st.columns(len(variations)), variations)):
        column.image(variation["after"], caption=f"Seed {variation['recipe']['seed']}", width="stretch")
        if column.button("Keep this one", key=f"palette:keep:{i}", icon=":material/check:"):
            st.session_state[result_key] = variation
            st.session_state[variations_key] = None
            st.rerun()


def show_painting(result: dict) -> None:
    st.subheader("Your painting")
    show_result(result["before"], result["after"], result["recipe"], "dreamlab-palette.png", key="palette")
    if result["recipe"].get("seamless"):
        show_seamless(result["after"], result["recipe"], "palette")
    if result["gif"]:
        st.markdown("**The journey**")
        st.image(result["gif"], width="stretch")
        st.download_button(gif_label(result["gif"]), data=result["gif"], file_name=filename(result["recipe"], "gif"),
                           mime="image/gif", key="palette:download:gif", icon=":material/animated_images:", on_click="ignore")
    filters = "; ".join(describe_filters(p) for p in result["recipe"]["palettes"])
    st.caption(f"Painted with {filters} · seed {result['recipe']['seed']}")


def gif_label(gif: bytes) -> str:
    """'Download GIF (512 × 512 px, 4.9 MB)': what people get before they press."""
    width, height = Image.open(io.BytesIO(gif)).size
    megabytes = len(gif) / 1e6
    size = f"{megabytes:.1f} MB" if megabytes >= 0.1 else f"{len(gif) // 1000} kB"
    return f"Download GIF ({width} × {height} px, {size})"
