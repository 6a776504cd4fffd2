from pathlib import Path

import streamlit as st
from PIL import Image

from ui.compare import before_after
from ui.inputs import SAMPLES_DIR

ASSETS = Path(__file__).resolve().parent.parent / "assets"

st.title("DreamLab")
st.write("Make art with the neural networks that learned to see. Everything runs on this machine, "
         "no programming needed: pick a page, pick a photo, press the button.")

showcase = ASSETS / "home" / "cat_dream.jpg"
if showcase.exists():
    before_after(Image.open(SAMPLES_DIR / "cat.jpg").convert("RGB"), Image.open(showcase).convert("RGB"),
                 key="home:compare", before_label="Photo", after_label="Deep Dream")
    st.caption("Made by DreamLab's Deep Dream page from the sample cat photo. Drag the handle to compare.")

CARDS = [
    ("Deep Dream", "app_pages/deep_dream.py", ":material/cloud:",
     "The network looks at your photo and paints more of whatever it sees: strokes, spirals, eyes, creatures."),
    ("Filter Gallery", "app_pages/filter_gallery.py", ":material/grid_view:",
     "See what each of the network's filters is looking for, from simple edges to strange objects."),
    ("Style Transfer", "app_pages/style_transfer.py", ":material/brush:",
     "Paint your photo in the manner of a painting."),
    ("Hybrid Palette", "app_pages/hybrid_palette.py", ":material/palette:",
     "Use the network's filters as a painter's palette: mix a few and paint with them."),
    ("Motion", "app_pages/motion.py", ":material/movie:",
     "Fall endlessly into a dream with a zoom journey, or dream a short video clip frame by frame."),
]
columns = st.columns(2)
for (title, page, icon, text), column in zip(CARDS, columns * 3):
    with column.container(border=True):
        st.subheader(title)
        st.write(text)
        st.page_link(page, label=f"Open {title}", icon=icon)
