import streamlit as st

from dreamlab.studio.gallery import VIEW_KEY, VIEWS, compare_layers, one_layer
from dreamlab.studio.models import model_picker
from dreamlab.studio.persist import kept

st.title("Filter Gallery")
st.write("Every layer of the network has filters, each looking for one thing. Starting from noise, DreamLab "
         "paints what makes a filter fire the most: colours and edges in low layers, textures in the middle, "
         "strange creatures and objects at the top. Click a filter to see it large and add it to your palette.")

model_name = model_picker("gallery:model")
view = st.segmented_control("View", VIEWS, default=VIEWS[0], required=True, **kept(VIEW_KEY), label_visibility="collapsed") or VIEWS[0]
if view == VIEWS[0]:
    one_layer(model_name)
else:
    compare_layers(model_name)
