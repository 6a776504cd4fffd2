"""DreamLab: make art with convolutional neural networks. Run: streamlit run app.py"""
from pathlib import Path

import streamlit as st

from dreamlab.jobs.service import job_queue
from dreamlab.pages import HOME, PAGES
from dreamlab.studio import history, visitor
from dreamlab.studio.components import frontend
from dreamlab.studio.inputs import keep_upload_answers

HERE = Path(__file__).resolve().parent  # page paths from this file, so another entrypoint can run it

st.set_page_config(page_title="DreamLab", page_icon=":material/palette:", layout="centered",
                   initial_sidebar_state="auto")  # "auto": closed on a phone, open on a desktop
st.html("<style>" + frontend("phone")["css"] + "</style>")  # pictures scale down to a phone's column

NAVIGATION = [st.Page(HERE / page.file, title=page.title, icon=page.icon, default=page is HOME) for page in PAGES]

job_queue()  # the job workers start with the first visit, so the first job need not wait for them
keep_upload_answers()  # a file dropped while the page reruns is not lost (see dreamlab.studio.inputs)
history.restore_from_link()  # a shared link's settings
page = st.navigation(NAVIGATION)
history.goto_restored_page(page)  # opens a restored result's page and puts its settings back
history.show_restore_note()
strip = st.sidebar.empty()
drawn = history.sidebar_strip(strip)
page.run()
history.redraw_if_new(strip, drawn)  # a result made in this run shows at once
history.page_section()  # "Your pictures" at the page's foot too: on a phone the sidebar starts closed
visitor.remember(st.sidebar.container())  # the visitor's id into a cookie, so a reload finds the pictures
