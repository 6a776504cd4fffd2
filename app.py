"""DreamLab: make art with convolutional neural networks. Run: streamlit run app.py"""
from pathlib import Path

import streamlit as st

from dreamlab.jobs.queue import job_queue

HERE = Path(__file__).resolve().parent  # page paths from this file, so another entrypoint can run it
from dreamlab.studio import history
from dreamlab.studio.inputs import keep_upload_answers

st.set_page_config(page_title="DreamLab", page_icon=":material/palette:", layout="centered")

PAGES = [
    st.Page(HERE / "app_pages/home.py", title="Home", icon=":material/home:", default=True),
    st.Page(HERE / "app_pages/deep_dream.py", title="Deep Dream", icon=":material/cloud:"),
    st.Page(HERE / "app_pages/filter_gallery.py", title="Filter Gallery", icon=":material/grid_view:"),
    st.Page(HERE / "app_pages/style_transfer.py", title="Style Transfer", icon=":material/brush:"),
    st.Page(HERE / "app_pages/hybrid_palette.py", title="Hybrid Palette", icon=":material/palette:"),
    st.Page(HERE / "app_pages/motion.py", title="Motion", icon=":material/movie:"),
]

job_queue()  # the job workers start with the first visit, so the first job need not wait for them
keep_upload_answers()  # a file dropped while the page reruns is not lost (see dreamlab.studio.inputs)
history.restore_from_link()  # a shared link's settings
page = st.navigation(PAGES)
history.goto_restored_page(page)  # opens a restored result's page and puts its settings back
history.show_restore_note()
strip = st.sidebar.empty()
drawn = history.sidebar_strip(strip)
page.run()
history.redraw_if_new(strip, drawn)  # a result made in this run shows at once
