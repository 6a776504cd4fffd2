import streamlit as st

from dreamlab.settings.gallery import VIEWS
from dreamlab.studio.gallery import compare_layers, one_layer
from dreamlab.studio.page_state import GALLERY
from dreamlab.studio.widgets import draw

GALLERY.ensure()  # every setting has a valid value before its widget is drawn
st.title("Filter Gallery")
st.write("Every layer of the network has filters, each looking for one thing. Starting from noise, DreamLab "
         "paints what makes a filter fire the most: colours and edges in low layers, textures in the middle, "
         "strange creatures and objects at the top. Click a filter to see it large and add it to your palette.")


def network_chosen() -> None:
    """Another network starts from its own first layer and its own layers to compare."""
    GALLERY.set(GALLERY.model.defaults_for({"model": GALLERY.get("model")}))


model_name = draw(GALLERY, "model", on_change=network_chosen)
if draw(GALLERY, "view", label_visibility="collapsed") == VIEWS[0]:
    one_layer(model_name)
else:
    compare_layers(model_name)
