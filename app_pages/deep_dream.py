import streamlit as st

from dreamlab.studio.crop import crop_picker
from dreamlab.studio.dream_job import GUIDE, KIND, guide_picture, make_dream_job, say_size_and_time
from dreamlab.studio.inputs import UPLOAD_TYPES, image_input
from dreamlab.studio.page_state import DREAM
from dreamlab.studio.region import region_picker
from dreamlab.studio.results import classes_table, show_result, show_seamless
from dreamlab.studio.runner import keep_result, run_button
from dreamlab.studio.widgets import draw, draw_grid

RESULT = "dream:result"
ADVANCED = "dream:advanced:open"  # the expander's state


DREAM.ensure()  # every setting has a valid value before its widget is drawn
st.title("Deep Dream")
st.write("The network looks at your photo and paints more of whatever it sees. "
         "Low layers give brush strokes, high layers give eyes and creatures.")

photo = image_input("dream")
if photo is not None:
    st.image(photo.image, caption="Your photo", width=320)

draw(DREAM, "preset", on_change=DREAM.apply_preset)
draw(DREAM, "size")
draw(DREAM, "shape")
draw(DREAM, "fit", disabled=DREAM.get("shape") == "photo")
crop_picker(DREAM, photo.image if photo else None)  # a wallpaper's frame, dragged over the photo
draw(DREAM, "seamless")
region_picker("dream:region", photo.image if photo else None, "The network dreams only there.")

with st.expander("Advanced settings", key=ADVANCED, on_change="rerun", icon=":material/tune:") as advanced:
    # Drawn only while open: a closed expander's widgets are not mounted in the browser, so a value a
    # preset or a restore sets never reaches them, and the next rerun sent their old values back
    # (measured: Creatures dreamed with Classic's strength in 3 headless runs of 3).
    if advanced.open:
        draw(DREAM, "model", on_change=DREAM.apply_preset)  # a network starts from the preset's layers for it
        draw(DREAM, "layers")
        draw_grid(DREAM, [*DREAM.model.ADVANCED[1:], "seed"])  # every knob of the model, in its order
        draw(DREAM, "side")  # a print of any size, beyond the picture sizes above
        draw(DREAM, "use_guide")
    # Behind a toggle, so the page never holds a hidden second uploader: a photo dropped while the
    # page is still re-running would land in it and seem lost (the "one upload in four" finding).
    if DREAM.get("use_guide"):
        st.file_uploader("Guide picture: the dream grows towards its features", type=UPLOAD_TYPES, key=GUIDE)
        guide_picture(show_error=True)

# Said just above the button, below the region painter: the time line appears once a worker has
# measured this machine, and a line appearing above the painter moved it under the brush.
dream_estimate = say_size_and_time(photo)
run_button("Dream", KIND, make_dream_job, estimate_s=dream_estimate, icon=":material/auto_awesome:")
result = keep_result(KIND, RESULT, stopped_caption="Where the dream had got to")
if result:
    st.subheader("Your dream")
    show_result(result["before"], result["after"], result["recipe"], key="dream")
    if result["recipe"].get("seamless"):
        show_seamless(result["after"], result["recipe"], "dream")
    st.markdown("**What the network sees**")
    before_col, after_col = st.columns(2)
    for column, title, seen in ((before_col, "In your photo", result["seen_before"]),
                                (after_col, "In the dream", result["seen_after"])):
        with column:
            st.caption(title)
            classes_table(seen)
