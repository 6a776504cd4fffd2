from pathlib import Path

import streamlit as st
from PIL import Image

from dreamlab.pages import WORK_PAGES
from dreamlab.studio.compare import before_after
from engine.catalog import SAMPLES_DIR

ROOT = Path(__file__).resolve().parent.parent  # absolute, so links work from any entrypoint
ASSETS = ROOT / "assets"

st.title("DreamLab")
st.write("Make art with the neural networks that learned to see. Everything runs on this machine, "
         "no programming needed: pick a page, pick a photo, press the button.")

showcase = ASSETS / "home" / "cat_dream.jpg"
if showcase.exists():
    before_after(Image.open(SAMPLES_DIR / "cat.jpg").convert("RGB"), Image.open(showcase).convert("RGB"),
                 key="home:compare", before_label="Photo", after_label="Deep Dream")
    st.caption("Made by DreamLab's Deep Dream page from the sample cat photo. Drag the handle to compare.")

for first in range(0, len(WORK_PAGES), 2):  # a row of two cards at a time: a phone stacks them in the same order
    for page, column in zip(WORK_PAGES[first:first + 2], st.columns(2)):
        with column.container(border=True, height="stretch"):  # a row's two cards equally tall
            st.subheader(page.title)
            st.write(page.description)
            st.page_link(ROOT / page.file, label=f"Open {page.title}", icon=page.icon)
