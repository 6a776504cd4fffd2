import streamlit as st

from dreamlab.studio.journey import journey_stops
from dreamlab.studio.page_state import PALETTE
from dreamlab.studio.palette_advanced import advanced_controls
from dreamlab.studio.palette_editor import palette_editor
from dreamlab.studio.palette_job import (KIND, REGION_KEY, VARIATIONS_KIND, make_palette_job, make_variations_job,
                                         say_time)
from dreamlab.studio.palette_results import pick_variation, show_painting
from dreamlab.studio.palette_start import start_picker
from dreamlab.studio.region import region_picker
from dreamlab.studio.runner import keep_result, run_button
from dreamlab.studio.widgets import draw

RESULT, VARIATIONS = "palette:result", "palette:variations"

PALETTE.ensure()  # every setting has a valid value before its widget is drawn
st.title("Hybrid Palette")
st.write("Use the network's filters as a painter's palette: pick a few, from any layers, give each a weight, "
         "and paint with them on a photo, on noise or on a colour. A negative weight keeps a filter away.")

model_name = PALETTE.get("model")
st.subheader("1. Your palette")
mine = palette_editor(model_name)
st.subheader("2. Start from")
start = start_picker()
if start.is_photo:
    region_picker(REGION_KEY, start.photo.image if start.photo else None, "The filters paint only there.")
journey_stops(model_name, mine)

# Tracked (key + rerun), so it stays open when the start (photo, noise, ...) changes what is drawn above it.
with st.expander("Advanced settings", key="palette:advanced:open", on_change="rerun", icon=":material/tune:") as advanced:
    if advanced.open:  # drawn only while open: a closed expander's widgets never get what a loaded palette sets
        advanced_controls()

st.subheader("3. Paint")
seconds = say_time(start)  # said before the press, as Deep Dream does
run_col, var_col, count_col = st.columns([2, 2, 3], vertical_alignment="bottom")
with run_col:
    run_button("Paint", KIND, make_palette_job, estimate_s=seconds, icon=":material/palette:")
with var_col:
    run_button("Variations", VARIATIONS_KIND, make_variations_job, type="secondary",
               estimate_s=seconds * PALETTE.get("variations"), icon=":material/view_column:",
               help="The same palette with several random seeds, side by side, to pick from.")
with count_col:
    draw(PALETTE, "variations")

keep_result(KIND, RESULT, stopped_caption="Where the painting had got to")
keep_result(VARIATIONS_KIND, VARIATIONS, stopped_caption="Where the painting had got to", replaces=[RESULT])
pick_variation(VARIATIONS, RESULT)
result = st.session_state.get(RESULT)
if result:
    show_painting(result)
