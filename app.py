"""DreamLab: make art with convolutional neural networks. Run: streamlit run app.py"""
import streamlit as st

from ui.shell import mark_app_shell

st.set_page_config(page_title="DreamLab", page_icon=":material/palette:", layout="centered")

PAGES = [
    st.Page("pages/home.py", title="Home", icon=":material/home:", default=True),
    st.Page("pages/deep_dream.py", title="Deep Dream", icon=":material/cloud:"),
    st.Page("pages/filter_gallery.py", title="Filter Gallery", icon=":material/grid_view:"),
    st.Page("pages/style_transfer.py", title="Style Transfer", icon=":material/brush:"),
    st.Page("pages/hybrid_palette.py", title="Hybrid Palette", icon=":material/palette:"),
]

mark_app_shell()
st.navigation(PAGES).run()
