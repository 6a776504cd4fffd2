import streamlit as st
from PIL import Image

from engine.images.pictures import ImageError, load_image
from engine.catalog import BUILTIN_STYLES, QUALITIES, builtin_style_path, get_spec
from engine.style.settings import StyleSettings
from dreamlab.studio.inputs import UPLOAD_TYPES, image_input, missing_photo_message
from dreamlab.jobs.spec import JobSpec
from dreamlab.studio.models import model_picker, model_ready
from dreamlab.studio.persist import kept
from dreamlab.studio.region import outside_painting_picker, region_picker
from dreamlab.studio.results import show_result
from dreamlab.studio.runner import describe_job, keep_result, run_button

KIND = "style"
RESULT = "style:result"
QUALITY_LABELS = {"fast": "Fast", "balanced": "Balanced", "best": "Best"}
BRUSHES = {"Fine": 0.6, "Medium": 1.0, "Large": 1.5, "Huge": 2.2}


@st.cache_data(show_spinner=False)
def builtin_style(name: str) -> Image.Image:
    return load_image(builtin_style_path(name), max_side=None).image


def chosen_paintings() -> list[tuple[str, Image.Image]]:
    """(name, picture) for every painting the user picked: built in or uploaded."""
    source = st.segmented_control("Paintings", ["Built-in", "Upload"], default="Built-in", required=True,
                                  **kept("style-painting-source")) or "Built-in"
    if source == "Built-in":
        names = st.pills("Built-in paintings (pick one or more)", list(BUILTIN_STYLES), selection_mode="multi",
                         default=["swirling_night"], format_func=lambda n: BUILTIN_STYLES[n].split(" (")[0],
                         **kept("style-builtin"))
        return [(BUILTIN_STYLES[n], builtin_style(n)) for n in names]
    files = st.file_uploader("Your paintings (one or more)", type=UPLOAD_TYPES, accept_multiple_files=True,
                             key="style-uploads", help="Photos of paintings, drawings, textures, anything.")
    paintings = []
    for f in files or []:
        try:
            paintings.append((f.name, load_image(f.getvalue(), max_side=1024).image))
        except ImageError as err:
            st.error(f"{f.name}: {err}")
    return paintings


st.title("Style Transfer")
st.write("Your photo, repainted in the manner of a painting: the network keeps the photo's shapes "
         "and borrows the painting's colours and brush strokes.")

photo = image_input("style")
if photo is not None:
    st.image(photo.image, caption="Your photo", width=320)
region = region_picker("style:region", photo.image if photo else None,
                       "The paintings you pick below go inside it; outside, your photo or another painting.")

st.subheader("Painting")
paintings = chosen_paintings()
blend = [1.0] * len(paintings)
if paintings:
    columns = st.columns(4)
    for i, (name, picture) in enumerate(paintings):
        with columns[i % len(columns)]:
            st.image(picture, caption=name.split(" (")[0], width="stretch")
            if len(paintings) > 1:
                blend[i] = st.slider("How much of it", 0, 100, 50, **kept(f"style-blend-{i}")) / 100

outside_name, outside = "photo", None
if region is not None:
    outside_name, outside = outside_painting_picker("style-outside", BUILTIN_STYLES, builtin_style)

st.subheader("Look")
strength = st.slider("Style strength", 0, 100, 50, format="%d%%", **kept("style-strength"),
                     help="Low: mostly your photo with a touch of paint. High: mostly the painting.") / 100
c1, c2 = st.columns(2)
brush = c1.select_slider("Brush size", list(BRUSHES), value="Medium", **kept("style-brush"),
                         help="How large the painting's strokes and patterns come out.")
keep_colors = c2.toggle("Keep my photo's colours", **kept("style-keep-colors"),
                        help="Borrow only the painting's strokes and light, not its colours.")
quality = st.radio("Quality", list(QUALITIES), index=1, horizontal=True, **kept("style-quality"),
                   format_func=QUALITY_LABELS.get,
                   captions=[f"{side} px" for side, _, _ in QUALITIES.values()])
size, steps, scales = QUALITIES[quality]

with st.expander("Advanced settings", key="style:advanced:open", on_change="rerun", icon=":material/tune:"):
    model_name = model_picker("style-model")
    settings = StyleSettings(model=model_name)
    c1, c2, c3 = st.columns(3)
    size = c1.number_input("Size (longest side, px)", 64, 2048, size, 32, **kept(f"style-size-{quality}"))
    steps = c2.slider("Steps at full size", 1, 200, steps, **kept(f"style-steps-{quality}"),
                      help="Each smaller scale gets twice as many. More steps = more finished.")
    scales = c3.slider("Scales (coarse to fine)", 1, 4, scales, **kept(f"style-scales-{quality}"),
                       help="Solve small first, then enlarge and refine: much faster for big pictures.")
    c1, c2, c3 = st.columns(3)
    smoothing = c1.slider("Smoothing", 0.0, 1.0, settings.smoothing, 0.05, **kept("style-smoothing"),
                          help="Irons out speckles; too much looks blurry.")
    init = c2.radio("Start from", ["content", "noise"], **kept("style-init"), format_func={"content": "My photo",
                                                                     "noise": "Random noise"}.get)
    optimizer = c3.radio("Optimiser", ["lbfgs", "adam"], **kept("style-optimizer"), format_func={"lbfgs": "L-BFGS (best)",
                                                                      "adam": "Adam"}.get)
    spec = get_spec(model_name)
    content_layers, style_layers = settings.layers()
    layer_label = lambda n: f"{n} · {spec.layer(n).hint}"  # noqa: E731
    chosen_content = st.multiselect("Content layers (the photo's shapes)", spec.layer_names(),
                                    default=list(content_layers), format_func=layer_label,
                                    **kept(f"style-content-layers-{model_name}"))
    chosen_style = st.multiselect("Style layers (the painting's texture)", spec.layer_names(),
                                  default=list(style_layers), format_func=layer_label,
                                  **kept(f"style-style-layers-{model_name}"))
    seed = st.number_input("Random seed", 0, 2**31 - 1, 0, **kept("style-seed"),
                           help="Same seed + same settings = same picture.")


def make_job():
    if photo is None:
        st.warning(missing_photo_message("style"))
        return None
    if not paintings:
        st.warning("Pick or upload at least one painting.")
        return None
    if sum(blend) <= 0:
        st.warning("Give at least one painting a share above 0.")
        return None
    if not chosen_content or not chosen_style:
        st.warning("Pick at least one content layer and one style layer in Advanced settings.")
        return None
    if not model_ready(model_name):
        return None
    job_settings = StyleSettings(
        model=model_name, size=int(size), steps=int(steps), scales=int(scales), strength=strength,
        brush=BRUSHES[brush], smoothing=smoothing, keep_colors=keep_colors, init=init, optimizer=optimizer,
        content_layers={l: 1.0 for l in chosen_content}, style_layers={l: 1.0 for l in chosen_style},
        seed=int(seed))
    names = [name for name, _ in paintings]
    extra_recipe = {"styles": names, "quality": quality}
    if region is not None:
        extra_recipe["outside"] = outside_name
    describe_job(KIND, before=photo.image, recipe={
        **job_settings.recipe(), **extra_recipe, "size_label": f"{int(size)} px",
        "label": " + ".join(name.split(" (")[0] for name in names)})
    return JobSpec("style", {"image": photo.image, "styles": [picture for _, picture in paintings],
                             "weights": list(blend), "settings": job_settings, "extra_recipe": extra_recipe,
                             "region": region, "outside_styles": [outside] if outside is not None else []})


estimate = 12.0 * (size / 512) ** 2 * steps / 40
run_button("Paint", KIND, make_job, estimate_s=estimate, icon=":material/brush:")
result = keep_result(KIND, RESULT, preview_caption="Painting in progress",
                     stopped_caption="Where the painting had got to")
if result:
    st.subheader("Your painting")
    show_result(result["before"], result["after"], result["recipe"], key="style")
