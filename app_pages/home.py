from pathlib import Path

import streamlit as st
from PIL import Image

from dreamlab.studio.compare import before_after
from dreamlab.studio.inputs import SAMPLES_DIR

PAGES_DIR = Path(__file__).resolve().parent  # absolute, so links work from any entrypoint
ASSETS = PAGES_DIR.parent / "assets"

st.title("DreamLab")
st.write("Make art with the neural networks that learned to see. Everything runs on this machine, "
         "no programming needed: pick a page, pick a photo, press the button.")

showcase = ASSETS / "home" / "cat_dream.jpg"
if showcase.exists():
    before_after(Image.open(SAMPLES_DIR / "cat.jpg").convert("RGB"), Image.open(showcase).convert("RGB"),
                 key="home:compare", before_label="Photo", after_label="Deep Dream")
    st.caption("Made by DreamLab's Deep Dream page from the sample cat photo. Drag the handle to compare.")

CARDS = [
    ("Deep Dream", PAGES_DIR / "deep_dream.py", ":material/cloud:",
     "The network looks at your photo and paints more of whatever it sees: strokes, spirals, eyes, creatures."),
    ("Filter Gallery", PAGES_DIR / "filter_gallery.py", ":material/grid_view:",
     "See what each of the network's filters is looking for, from simple edges to strange objects."),
    ("Style Transfer", PAGES_DIR / "style_transfer.py", ":material/brush:",
     "Paint your photo in the manner of a painting."),
    ("Hybrid Palette", PAGES_DIR / "hybrid_palette.py", ":material/palette:",
     "Use the network's filters as a painter's palette: mix a few and paint with them."),
    ("Motion", PAGES_DIR / "motion.py", ":material/movie:",
     "Fall endlessly into a dream with a zoom journey, or dream a short video clip frame by frame."),
    ("Live mirror", PAGES_DIR / "live.py", ":material/videocam:",
     "Your camera, dreamed in real time: hold still and watch the dream grow."),
]
columns = st.columns(2)
for (title, page, icon, text), column in zip(CARDS, columns * 4):
    with column.container(border=True):
        st.subheader(title)
        st.write(text)
        st.page_link(page, label=f"Open {title}", icon=icon)
