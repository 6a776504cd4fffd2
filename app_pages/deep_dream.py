import streamlit as st

from engine import estimates
from engine.images.pictures import ImageError, load_image
from engine.images.shapes import result_size, size_refusal
from engine.timing import describe_seconds, worth_saying
from dreamlab.jobs.spec import JobSpec
from dreamlab.studio.inputs import UPLOAD_TYPES, current_photo, image_input, missing_photo_message, shrink_to
from dreamlab.studio.models import model_ready
from dreamlab.studio.page_state import DREAM
from dreamlab.studio.region import current_region, region_picker
from dreamlab.studio.results import classes_table, show_result, show_seamless
from dreamlab.studio.runner import describe_job, keep_result, run_button
from dreamlab.studio.widgets import draw, draw_grid

KIND = "dream"
RESULT = "dream:result"
GUIDE = "dream:guide"  # the guide picture's uploader (a picture, not a setting)
ADVANCED = "dream:advanced:open"  # the expander's state


def guide_picture(show_error: bool = False):
    """The guide picture from the session, when "Steer the dream" is on and one was given."""
    uploaded = st.session_state.get(GUIDE) if DREAM.get("use_guide") else None
    if uploaded is None:
        return None
    try:
        return load_image(uploaded.getvalue(), max_side=512).image
    except ImageError as err:
        if show_error:
            st.error(f"Guide picture: {err}")
        return None


def make_dream_job():
    """The job from this session's state alone (the page's settings, photo, region and guide), so a
    press can build it in a callback, before the page runs again."""
    dream = DREAM.values()
    photo = current_photo("dream")
    if photo is None:
        st.warning(missing_photo_message("dream"))
        return None
    if not dream.layers:
        st.warning("Pick at least one layer in Advanced settings.")
        return None
    if not model_ready(dream.model):
        return None
    image = shrink_to(photo.image, dream.pixels)
    size = target_size(dream, image)
    refusal = size_refusal(*size)
    if refusal:
        st.warning(refusal)
        return None
    describe_job(KIND, before=image, recipe={"label": dream.label(), "size_label": dream.size, "kind": "dream",
                                           "seed": dream.seed})
    return JobSpec("dream", {"image": image, "settings": dream, "guide": guide_picture(),
                             "region": current_region("dream:region"), "estimate_s": job_seconds(dream, image)})


def target_size(dream, image) -> tuple[int, int]:
    """The result's (W, H): a wallpaper's pixels, a print's long side, or the photo's size."""
    return result_size(image.size, dream.print_side or None, dream.wallpaper) or image.size


def job_seconds(dream, image):
    """This machine's estimate for the dream (None until a worker has measured its step costs)."""
    size = target_size(dream, image)
    if size != image.size:
        return estimates.print_seconds(dream, size)
    return estimates.dream_seconds(dream, size)


def say_size_and_time(photo) -> float:
    """Before the press: a print or wallpaper that this server refuses, else how long the dream takes."""
    if photo is None:
        return 8.0
    dream = DREAM.values()
    image = shrink_to(photo.image, dream.pixels)
    size = target_size(dream, image)
    refusal = size_refusal(*size)
    if refusal:
        st.warning(refusal, icon=":material/block:")
        return 8.0
    seconds = job_seconds(dream, image)
    if size != image.size:
        st.caption(f"The result will be {size[0]}\u00d7{size[1]} px"
                   + (f", a PNG at 300 dpi; it is finished tile by tile, {describe_seconds(seconds)} here."
                      if seconds else "."))
    elif worth_saying(seconds):
        st.caption(f"This dream takes {describe_seconds(seconds)} here.")
    return seconds or 8.0


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
draw(DREAM, "seamless")
dream_estimate = say_size_and_time(photo)
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
