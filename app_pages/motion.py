import streamlit as st
from PIL import Image

from engine.images.pictures import fit_side
from engine.motion.settings import VideoSettings, ZoomSettings, video_work, zoom_work
from engine.catalog import DEFAULT_PRESET, PRESETS, get_spec
from engine.dreaming.presets import preset_settings
from dreamlab.studio.inputs import image_input
from dreamlab.studio.persist import kept
from dreamlab.jobs.spec import JobSpec
from dreamlab.studio.models import model_picker, model_ready
from dreamlab.studio.runner import describe_job, keep_result, run_button
from dreamlab.studio.video import clip_input, show_animation, show_estimate

ZOOM, VIDEO = "zoom", "video"  # job kinds; every kept setting of this page starts with "motion"
ZOOM_SIZES = {"Small (fast)": 384, "Medium": 512, "Large (slow)": 768}
VIDEO_SIZES = {"Small (fast)": 256, "Medium": 384, "Large (slow)": 512}
RATES = {"6 per second (fast)": 6.0, "12 per second": 12.0, "As the clip (smoothest)": None}

st.title("Motion")
st.write("Fall endlessly into a dream, or dream a short video clip frame by frame. "
         "Every frame takes a little while: start small, the time it will take is shown before you start.")
making = st.segmented_control("What to make", ["Zoom journey", "Dream a video"], default="Zoom journey", required=True,
                              **kept("motion:what")) or "Zoom journey"


def style_and_layers(key: str, model_name: str) -> tuple[str, dict[str, float]]:
    """The style of dream (a preset) and its layers (Advanced settings can change them)."""
    preset = st.radio("Style of dream", list(PRESETS), index=list(PRESETS).index(DEFAULT_PRESET),
                      format_func=lambda n: PRESETS[n].title, horizontal=True, **kept(f"{key}:preset"),
                      captions=[p.description for p in PRESETS.values()])
    return preset, preset_settings(preset, model_name).layers


def layer_picker(key: str, model_name: str, default: list[str], label: str = "Layers to amplify") -> dict:
    """Kept per style and network (``key`` names both), so a new style starts from its own layers."""
    spec = get_spec(model_name)
    chosen = st.multiselect(label, spec.layer_names(), default=default, **kept(key),
                            format_func=lambda n: f"{n} · {spec.layer(n).hint}")
    return {layer: 1.0 for layer in chosen}


def zoom_section() -> None:
    photo = image_input("motion")
    model_name = st.session_state.get("motion:zoom:model", "lite0")
    preset, layers = style_and_layers("motion:zoom", model_name)
    size_label = st.select_slider("Picture size", list(ZOOM_SIZES), value="Small (fast)", **kept("motion:zoom:size"))
    size = ZOOM_SIZES[size_label]
    settings = ZoomSettings(legs=[layers], frames=st.slider("Frames", 6, 240, 36, **kept("motion:zoom:frames"),
                                                            help="12 frames make one second of video."))
    with st.expander("Advanced settings", key="motion:zoom:advanced:open", on_change="rerun", icon=":material/tune:"):
        model_name = model_picker("motion:zoom:model")
        settings.model = model_name
        own = f"motion:zoom:{preset}:{model_name}"
        first = layer_picker(f"{own}:layers", model_name, list(layers)) or layers
        then = layer_picker(f"{own}:then", model_name, [], "Then change to these layers halfway (optional)")
        settings.legs = [first] + ([then] if then else [])
        c1, c2, c3 = st.columns(3)
        settings.zoom = c1.slider("Zoom per frame", 1.0, 1.15, settings.zoom, 0.01, help="1.00 = stand still",
                                  **kept("motion:zoom:zoom"))
        settings.rotate = c2.slider("Turn per frame (degrees)", -5.0, 5.0, 0.0, 0.5, **kept("motion:zoom:rotate"))
        settings.fps = float(c3.select_slider("Frames per second", [6, 8, 12, 24], value=12, **kept("motion:zoom:fps")))
        c1, c2, c3 = st.columns(3)
        right = c1.slider("Drift right", -0.05, 0.05, 0.0, 0.005, format="%.3f", help="share of the width per frame",
                          **kept("motion:zoom:right"))
        down = c2.slider("Drift down", -0.05, 0.05, 0.0, 0.005, format="%.3f", help="share of the height per frame",
                         **kept("motion:zoom:down"))
        settings.pan = (right, down)
        settings.steps = c3.slider("Dream steps per frame", 1, 12, settings.steps, **kept("motion:zoom:steps"))
        c1, c2 = st.columns(2)
        settings.step_size = c1.slider("Strength per step", 0.002, 0.05, settings.step_size, 0.001, format="%.3f",
                                       **kept("motion:zoom:step_size"))
        settings.seed = c2.number_input("Random seed", 0, 2**31 - 1, 0, **kept("motion:zoom:seed"))
    if photo is None:
        return
    image = photo.image.resize(fit_side(photo.image.size, size), Image.LANCZOS) if max(photo.image.size) > size \
        else photo.image
    estimate = show_estimate(settings.model, settings.legs[0], image.size, zoom_work(settings, image.height, image.width))

    def make_job():
        if not model_ready(settings.model):
            return None
        describe_job(ZOOM, before=image, recipe={"label": f"Zoom journey · {PRESETS[preset].title}",
                                                 "size_label": size_label, "seed": settings.seed})
        return JobSpec("zoom", {"image": image, "settings": settings})
    run_button("Make the zoom journey", ZOOM, make_job, estimate_s=estimate, icon=":material/zoom_in:")
    result = keep_result(ZOOM, "zoom:result", preview_caption="Latest frame", stopped_caption="The last frame")
    if result:
        st.subheader("Your zoom journey")
        show_animation(result, "dreamlab-zoom", key=ZOOM)


def video_section() -> None:
    size_label = st.select_slider("Picture size", list(VIDEO_SIZES), value="Small (fast)", **kept("motion:video:size"))
    size = VIDEO_SIZES[size_label]
    rate = RATES[st.radio("Frames to dream", list(RATES), horizontal=True, **kept("motion:video:rate"),
                          help="Fewer frames per second dream sooner; the sound is kept either way.")]
    clip = clip_input(VIDEO, size, rate)
    model_name = st.session_state.get("motion:video:model", "lite0")
    preset, layers = style_and_layers("motion:video", model_name)
    settings = VideoSettings(layers=layers)
    with st.expander("Advanced settings", key="motion:video:advanced:open", on_change="rerun", icon=":material/tune:"):
        settings.model = model_picker("motion:video:model")
        own = f"motion:video:{preset}:{settings.model}"
        settings.layers = layer_picker(f"{own}:layers", settings.model, list(layers)) or layers
        c1, c2, c3 = st.columns(3)
        settings.octaves = c1.slider("Octaves", 1, 4, settings.octaves, **kept("motion:video:octaves"))
        settings.steps = c2.slider("Steps per octave", 1, 12, settings.steps, **kept("motion:video:steps"))
        settings.step_size = c3.slider("Strength per step", 0.002, 0.05, settings.step_size, 0.001, format="%.3f",
                                       **kept("motion:video:step_size"))
        settings.blend = st.slider("Steadiness", 0.0, 0.9, settings.blend, 0.05, **kept("motion:video:blend"),
                                   help="How much of the previous dreamed frame each frame starts from. "
                                        "0 dreams every frame on its own (it flickers).")
        settings.follow_motion = st.toggle("Follow the motion", value=True, **kept("motion:video:follow"),
                                           help="Move the previous dream along with the scene (optical flow).")
        keep_sound = st.toggle("Keep the sound", value=True, **kept("motion:video:sound"))
        settings.seed = st.number_input("Random seed", 0, 2**31 - 1, 0, **kept("motion:video:seed"))
    if clip is None:
        return
    width, height = clip.frames[0].size
    estimate = show_estimate(settings.model, settings.layers, (width, height),
                             video_work(settings, len(clip.frames), height, width))
    audio = clip.audio if keep_sound else None

    def make_job():
        if not model_ready(settings.model):
            return None
        describe_job(VIDEO, recipe={"label": f"Dreamed clip · {PRESETS[preset].title}", "size_label": size_label,
                                    "seed": settings.seed})
        return JobSpec("video", {"frames": clip.frames, "fps": clip.fps, "settings": settings, "audio": audio})
    run_button("Dream the clip", VIDEO, make_job, estimate_s=estimate, icon=":material/movie:")
    result = keep_result(VIDEO, "video:result", preview_caption="Latest frame", stopped_caption="The last frame")
    if result:
        st.subheader("Your dreamed clip")
        show_animation(result, "dreamlab-video", key=VIDEO)


if making == "Zoom journey":
    zoom_section()
else:
    video_section()
