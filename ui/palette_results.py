"""The Hybrid Palette's results: variations to pick from, then the painting, its GIF and downloads."""
from __future__ import annotations

import streamlit as st

from .journey import describe_filters
from .results import show_result


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
    if result["gif"]:
        st.markdown("**The journey**")
        st.image(result["gif"], width="stretch")
        st.download_button("Download GIF", data=result["gif"], file_name="dreamlab-journey.gif", mime="image/gif",
                           key="palette:download:gif", icon=":material/animated_images:")
    filters = "; ".join(describe_filters(p) for p in result["recipe"]["palettes"])
    st.caption(f"Painted with {filters} · seed {result['recipe']['seed']}")
