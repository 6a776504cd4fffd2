"""Deep Dream's job from the session alone (settings, photo, region, guide picture), and what the
page says before the press: the size of a print or wallpaper, or the time the dream takes."""
from __future__ import annotations

import streamlit as st

from engine import estimates
from engine.images.pictures import ImageError, load_image
from engine.images.shapes import result_size, size_refusal
from engine.timing import describe_seconds, worth_saying
from dreamlab.jobs.spec import JobSpec
from dreamlab.studio.crop import take_dragged_centre
from dreamlab.studio.inputs import current_photo, missing_photo_message, shrink_to
from dreamlab.studio.models import model_ready
from dreamlab.studio.page_state import DREAM
from dreamlab.studio.region import current_region
from dreamlab.studio.runner import describe_job

KIND = "dream"
GUIDE = "dream:guide"  # the guide picture's uploader (a picture, not a setting)


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
    take_dragged_centre(DREAM)  # a press right after a drag: the frame's last place counts
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
    size_label = f"{size[0]}x{size[1]} px" if size != image.size else dream.size  # a print says its size, as on Style
    describe_job(KIND, before=image, recipe={"label": dream.label(), "size_label": size_label, "kind": "dream",
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
