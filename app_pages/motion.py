import streamlit as st

from engine.motion.settings import video_work, zoom_work
from dreamlab.jobs.convert import video_settings, zoom_settings
from dreamlab.jobs.spec import JobSpec
from dreamlab.studio.inputs import current_photo, image_input, shrink_to
from dreamlab.studio.models import model_ready
from dreamlab.studio.page_state import MOTION, VIDEO, ZOOM
from dreamlab.studio.runner import describe_job, keep_result, run_button
from dreamlab.studio.video import clip_input, kept_clip_key, show_animation, show_estimate
from dreamlab.studio.widgets import draw

ZOOM_KIND, VIDEO_KIND = "zoom", "video"  # job kinds


def make_zoom_job():
    """The zoom journey from this session's state alone (settings and photo), so a press can build it
    in a callback."""
    zoom, photo = ZOOM.values(), current_photo("motion")
    if photo is None or not model_ready(zoom.model):
        return None
    if not zoom.layers:
        st.warning("Pick at least one layer in Advanced settings.")
        return None
    image = shrink_to(photo.image, zoom.pixels)
    describe_job(ZOOM_KIND, before=image, recipe={"label": zoom.label("Zoom journey · "), "size_label": zoom.size,
                                                  "seed": zoom.seed})
    return JobSpec("zoom", {"image": image, "settings": zoom})


def chosen_clip():
    """The clip decoded for the current size and rate (``clip_input`` keeps it), or None."""
    video = VIDEO.values()
    kept, cached = st.session_state.get(kept_clip_key(VIDEO_KIND)), st.session_state.get("video:decoded")
    if kept is None or not cached or cached[0] != (kept[1], video.pixels, video.frame_rate):
        return None
    return None if isinstance(cached[1], Exception) else cached[1]


def make_video_job():
    """The dreamed clip from this session's state alone (settings and the decoded clip)."""
    video, clip = VIDEO.values(), chosen_clip()
    if clip is None or not model_ready(video.model):
        return None
    if not video.layers:
        st.warning("Pick at least one layer in Advanced settings.")
        return None
    describe_job(VIDEO_KIND, recipe={"label": video.label("Dreamed clip · "), "size_label": video.size,
                                     "seed": video.seed})
    return JobSpec("video", {"frames": clip.frames, "fps": clip.fps, "settings": video,
                             "audio": clip.audio if video.keep_sound else None})


def zoom_section() -> None:
    photo = image_input("motion")
    if photo is not None:  # as on the other pages: the photo the journey starts from
        st.image(photo.image, caption="Your photo", width=min(320, photo.image.width))
    draw(ZOOM, "preset", on_change=ZOOM.apply_preset)
    draw(ZOOM, "size")
    draw(ZOOM, "frames")
    with st.expander("Advanced settings", key="motion:zoom:advanced:open", on_change="rerun",
                     icon=":material/tune:") as advanced:
        if advanced.open:  # see deep_dream.py: closed, its widgets would send stale values back
            draw(ZOOM, "model", on_change=ZOOM.apply_preset)
            draw(ZOOM, "layers")
            draw(ZOOM, "then_layers")
            for row in (("zoom", "rotate", "fps"), ("pan_right", "pan_down", "steps"), ("step_size", "seed")):
                for column, field in zip(st.columns(len(row)), row):
                    draw(ZOOM, field, column)
    if photo is None:
        return
    settings = zoom_settings(ZOOM.values())
    image = shrink_to(photo.image, ZOOM.get("pixels"))
    estimate = show_estimate(settings.model, settings.legs[0], image.size, zoom_work(settings, image.height, image.width))
    run_button("Make the zoom journey", ZOOM_KIND, make_zoom_job, estimate_s=estimate, icon=":material/zoom_in:")
    result = keep_result(ZOOM_KIND, "zoom:result", preview_caption="Latest frame", stopped_caption="The last frame")
    if result:
        st.subheader("Your zoom journey")
        show_animation(result, "dreamlab-zoom", key=ZOOM_KIND)


def video_section() -> None:
    draw(VIDEO, "size")
    draw(VIDEO, "rate")
    clip = clip_input(VIDEO_KIND, VIDEO.get("pixels"), VIDEO.get("frame_rate"))
    draw(VIDEO, "preset", on_change=VIDEO.apply_preset)
    with st.expander("Advanced settings", key="motion:video:advanced:open", on_change="rerun",
                     icon=":material/tune:") as advanced:
        if advanced.open:  # see deep_dream.py: closed, its widgets would send stale values back
            draw(VIDEO, "model", on_change=VIDEO.apply_preset)
            draw(VIDEO, "layers")
            for column, field in zip(st.columns(3), ("octaves", "steps", "step_size")):
                draw(VIDEO, field, column)
            for field in ("blend", "follow_motion", "keep_sound", "seed"):
                draw(VIDEO, field)
    if clip is None:
        return
    settings = video_settings(VIDEO.values())
    width, height = clip.frames[0].size
    estimate = show_estimate(settings.model, settings.layers, (width, height),
                             video_work(settings, len(clip.frames), height, width))
    run_button("Dream the clip", VIDEO_KIND, make_video_job, estimate_s=estimate, icon=":material/movie:")
    result = keep_result(VIDEO_KIND, "video:result", preview_caption="Latest frame", stopped_caption="The last frame")
    if result:
        st.subheader("Your dreamed clip")
        show_animation(result, "dreamlab-video", key=VIDEO_KIND)


for state in (MOTION, ZOOM, VIDEO):
    state.ensure()  # every setting has a valid value before its widget is drawn
st.title("Motion")
st.write("Fall endlessly into a dream, or dream a short video clip frame by frame. "
         "Every frame takes a little while: start small, the time it will take is shown before you start.")
if draw(MOTION, "what") == "Zoom journey":
    zoom_section()
else:
    video_section()
