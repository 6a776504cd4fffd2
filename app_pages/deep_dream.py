import streamlit as st

from engine.dreaming.settings import DreamSettings
from engine.images.pictures import ImageError, load_image
from engine.catalog import DEFAULT_PRESET, PRESETS, get_spec
from engine.dreaming.presets import preset_settings
from dreamlab.studio.inputs import UPLOAD_TYPES, image_input, missing_photo_message, shrink_to
from dreamlab.jobs.spec import JobSpec
from dreamlab.studio.models import model_picker, model_ready
from dreamlab.studio.persist import kept
from dreamlab.studio.region import region_picker
from dreamlab.studio.results import classes_table, show_result
from dreamlab.studio.runner import describe_job, keep_result, run_button

KIND = "dream"
RESULT = "dream:result"
SIZES = {"Small (fast)": 512, "Medium": 800, "Large": 1024, "Full size (slow)": 1600}
st.title("Deep Dream")
st.write("The network looks at your photo and paints more of whatever it sees. "
         "Low layers give brush strokes, high layers give eyes and creatures.")

photo = image_input("dream")
if photo is not None:
    st.image(photo.image, caption="Your photo", width=320)

preset_name = st.radio("Style of dream", list(PRESETS), index=list(PRESETS).index(DEFAULT_PRESET),
                       format_func=lambda n: PRESETS[n].title, horizontal=True, **kept("dream:preset"),
                       captions=[p.description for p in PRESETS.values()])
size_label = st.select_slider("Picture size", list(SIZES), value="Medium", **kept("dream:size"),
                              help="Bigger pictures take longer: Medium dreams in a few seconds.")
region = region_picker("dream:region", photo.image if photo else None, "The network dreams only there.")

with st.expander("Advanced settings", key="dream:advanced:open", on_change="rerun", icon=":material/tune:"):
    model_name = model_picker("dream:model")
    # Knobs are kept per style and network: a new style starts from its own values, and going back
    # to a style finds its knobs as they were left.
    own = f"dream:{preset_name}:{model_name}"
    spec = get_spec(model_name)
    settings = preset_settings(preset_name, model_name)
    layer_names = spec.layer_names()
    chosen = st.multiselect("Layers to amplify", layer_names, default=list(settings.layers),
                            format_func=lambda n: f"{n} · {spec.layer(n).hint}",
                            **kept(f"{own}:layers"),
                            help="Listed from low (simple) to high (complex). Pick one or several.")
    weights = {}
    if len(chosen) > 1:
        columns = st.columns(min(len(chosen), 4))
        for i, layer in enumerate(chosen):
            weights[layer] = columns[i % len(columns)].slider(f"Weight of {layer}", 0.0, 2.0,
                                                              settings.layers.get(layer, 1.0), 0.1,
                                                              **kept(f"{own}:weight:{layer}"))
    else:
        weights = {layer: 1.0 for layer in chosen}
    c1, c2, c3 = st.columns(3)
    settings.octaves = c1.slider("Octaves", 1, 8, settings.octaves, **kept(f"{own}:octaves"),
                                 help="How many scales to dream at, small to large. More = bigger patterns.")
    settings.octave_scale = c2.slider("Octave scale", 1.1, 2.0, settings.octave_scale, 0.1,
                                      **kept(f"{own}:octave_scale"))
    settings.steps = c3.slider("Steps per octave", 1, 40, settings.steps, **kept(f"{own}:steps"))
    c1, c2, c3 = st.columns(3)
    settings.step_size = c1.slider("Strength per step", 0.001, 0.05, settings.step_size, 0.001, format="%.3f",
                                   **kept(f"{own}:step_size"))
    settings.jitter = c2.slider("Jitter (px)", 0, 64, settings.jitter, **kept(f"{own}:jitter"))
    settings.tile = c3.select_slider("Tile size (px)", [256, 384, 512, 768, 1024], value=settings.tile,
                                     **kept(f"{own}:tile"),
                                     help="Big pictures are processed in tiles to save memory.")
    settings.smoothness = st.slider("Smoothness", 0.0, 4.0, settings.smoothness, 0.5, **kept(f"{own}:smoothness"),
                                    help="Smooths each step so the dream paints shapes, not fine rainbow-coloured "
                                         "grain. 0 = raw (grainy), higher = softer.")
    settings.seed = st.number_input("Random seed", 0, 2**31 - 1, 0, **kept("dream:seed"),
                                    help="Same seed + same settings = same picture.")
    # Behind a toggle, so the page never holds a hidden second uploader: a photo dropped while the
    # page is still re-running would land in it and seem lost (the "one upload in four" finding).
    guide_file = None
    if st.toggle("Steer the dream with a guide picture", **kept("dream:use_guide")):
        guide_file = st.file_uploader("Guide picture: the dream grows towards its features",
                                      type=UPLOAD_TYPES, key="dream:guide")

if chosen:
    settings.layers = weights
guide = None
if guide_file is not None:
    try:
        guide = load_image(guide_file.getvalue(), max_side=512).image
    except ImageError as err:
        st.error(f"Guide picture: {err}")


def make_job():
    if photo is None:
        st.warning(missing_photo_message("dream"))
        return None
    if not chosen:
        st.warning("Pick at least one layer in Advanced settings.")
        return None
    if not model_ready(model_name):
        return None
    image = shrink_to(photo.image, SIZES[size_label])
    describe_job(KIND, before=image, recipe={"label": PRESETS[preset_name].title, "size_label": size_label,
                                           **DreamSettings(**vars(settings)).recipe()})
    return JobSpec("dream", {"image": image, "settings": DreamSettings(**vars(settings)), "guide": guide,
                             "region": region})


run_button("Dream", KIND, make_job, estimate_s=8.0, icon=":material/auto_awesome:")
result = keep_result(KIND, RESULT, stopped_caption="Where the dream had got to")
if result:
    st.subheader("Your dream")
    show_result(result["before"], result["after"], result["recipe"], key="dream")
    st.markdown("**What the network sees**")
    before_col, after_col = st.columns(2)
    for column, title, seen in ((before_col, "In your photo", result["seen_before"]),
                                (after_col, "In the dream", result["seen_after"])):
        with column:
            st.caption(title)
            classes_table(seen)
