import streamlit as st

from dreamlab.studio.inputs import image_input
from dreamlab.studio.page_state import STYLE
from dreamlab.studio.region import region_picker
from dreamlab.studio.results import show_result
from dreamlab.studio.runner import keep_result, run_button
from dreamlab.studio.style_instant import (REFINE_KIND, instant_chosen, make_refine_job, network_style_picker,
                                           refinable, refine_estimate_s)
from dreamlab.studio.style_job import KIND, REGION_KEY, make_style_job
from dreamlab.studio.style_paintings import chosen_paintings, outside_painting, show_paintings
from dreamlab.studio.style_print import say_size_and_time, size_controls
from dreamlab.studio.style_settings import advanced_controls, leave_instant_if_missing, look_controls
from dreamlab.studio.style_state import RESULT

STYLE.ensure()  # every setting has a valid value before its widget is drawn
leave_instant_if_missing()
st.title("Style Transfer")
st.write("Your photo, repainted in the manner of a painting: the network keeps the photo's shapes "
         "and borrows the painting's colours and brush strokes.")

photo = image_input("style")
if photo is not None:
    st.image(photo.image, caption="Your photo", width=320)
region = region_picker(REGION_KEY, photo.image if photo else None,
                       "The paintings you pick below go inside it; outside, your photo or another painting.")

st.subheader("Painting")
paintings = chosen_paintings()
show_paintings(paintings)
if instant_chosen():
    network_style_picker()
if region is not None:
    outside_painting()

st.subheader("Look")
look_controls()
size_controls(photo.image if photo else None)
with st.expander("Advanced settings", key="style:advanced:open", on_change="rerun", icon=":material/tune:") as advanced:
    if advanced.open:  # drawn only while open: a closed expander's widgets never get what a quality sets
        advanced_controls()

# Said just above the button: the result's size (a print, a wallpaper) and the time it takes here.
run_button("Paint", KIND, make_style_job, estimate_s=say_size_and_time(photo, len(paintings)), icon=":material/brush:")
keep_result(KIND, RESULT, preview_caption="Painting in progress", stopped_caption="Where the painting had got to")
shown, refine_slot = st.container(), st.empty()  # the result, then Refine under it
if refinable(st.session_state.get(RESULT)):  # pressed before its job is followed below, so one press runs it
    with refine_slot:
        run_button(f"Refine (about {refine_estimate_s():.0f} s)", REFINE_KIND, make_refine_job, type="secondary",
                   estimate_s=refine_estimate_s(), icon=":material/auto_fix_high:",
                   help="Finish the instant picture with the slower optimisation (Gatys), started from it.")
keep_result(REFINE_KIND, RESULT, preview_caption="Refining", stopped_caption="Where the refining had got to")
result = st.session_state.get(RESULT)  # a refined picture replaces the instant one
if not refinable(result):
    refine_slot.empty()
if result:
    with shown:
        st.subheader("Your painting")
        show_result(result["before"], result["after"], result["recipe"], key="style")
