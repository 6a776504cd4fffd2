import streamlit as st

from engine.catalog import get_spec
from engine.dreaming.palette.data import as_palette, check_palette
from engine.dreaming.palette.settings import CANVAS_STEPS, PHOTO_STEPS, PaletteSettings, photo_schedule
from dreamlab.studio.journey import journey_stops
from dreamlab.jobs.spec import JobSpec
from dreamlab.studio.models import model_picker, model_ready
from dreamlab.studio.palette_editor import MODEL_KEY, palette_editor
from dreamlab.studio.palette_results import pick_variation, show_painting
from dreamlab.studio.palette_settings import remember_palette, take_restored_palette
from dreamlab.studio.palette_start import start_picker
from dreamlab.studio.persist import kept
from dreamlab.studio.region import region_picker
from dreamlab.studio.runner import describe_job, keep_result, run_button

KIND, VARIATIONS_KIND = "palette", "palette-variations"
RESULT, VARIATIONS = "palette:result", "palette:variations"
VARIATIONS_COUNT = "palette:variations:count"

st.title("Hybrid Palette")
st.write("Use the network's filters as a painter's palette: pick a few, from any layers, give each a weight, "
         "and paint with them on a photo, on noise or on a colour. A negative weight keeps a filter away.")

take_restored_palette()  # settings put back from the history, a DreamLab PNG or a link
model_name = st.session_state.get(MODEL_KEY, "lite0")
st.subheader("1. Your palette")
mine = palette_editor(model_name)
st.subheader("2. Start from")
start = start_picker()
region = None
if start.is_photo:
    region = region_picker("palette:region", start.photo.image if start.photo else None, "The filters paint only there.")
stops, use_journey = journey_stops(model_name, mine)
remember_palette(stops)

# Tracked (key + rerun), so it stays open when the start (photo, noise, ...) changes what is drawn above it.
with st.expander("Advanced settings", key="palette:advanced:open", on_change="rerun", icon=":material/tune:"):
    model_picker(MODEL_KEY)
    c1, c2, c3 = st.columns(3)
    if start.is_photo:
        steps = c1.slider("Steps per octave", 1, 40, PHOTO_STEPS, **kept("palette:steps:photo"))
        octaves = c2.slider("Octaves", 1, 8, photo_schedule().octaves, **kept("palette:octaves"),
                            help="How many scales to paint at, small to large. More = bigger patterns.")
        step_size = c3.slider("Strength per step", 0.002, 0.04, photo_schedule().step_size, 0.002, format="%.3f",
                              **kept("palette:strength"))
    else:
        steps = c1.slider("Steps", 8, 256, CANVAS_STEPS, 8, **kept("palette:steps:canvas"))
    number = st.number_input("Random seed", 0, 2**31 - 1, 0, **kept("palette:number"),
                             help="Same seed + same palette = same picture.")


def job_inputs():
    """(start, palettes, settings) for a job, or None after telling the user what is missing."""
    if use_journey:
        palettes = [as_palette(stop["filters"]) for stop in stops if stop["model"] == model_name]
    else:
        palettes = [as_palette(mine)]
    try:
        for p in palettes:
            check_palette(p, get_spec(model_name))
    except ValueError as err:
        st.warning(f"Your palette cannot be painted yet: {err}.")
        return None
    if not palettes:
        st.warning("The journey has no stops for this network.")
        return None
    picture = start.paint_on()
    if picture is None:
        st.warning("Choose a photo first, or start from noise or a colour.")
        return None
    if not model_ready(model_name):
        return None
    settings = PaletteSettings(model=model_name).reseeded(int(number))
    if start.is_photo:
        settings.photo.steps, settings.photo.octaves, settings.photo.step_size = steps, octaves, step_size
    else:
        settings.canvas.steps, settings.canvas.size = steps, start.side
    return picture, palettes, settings


def describe(kind: str, picture, palettes) -> None:
    """Words for the history, the download's name and a stopped job: 'Journey on noise', 'On a photo'."""
    where = {"Photo": "on a photo", "Noise": "on noise", "Colour": "on a colour", "Gradient": "on a gradient"}
    what = f"Journey {where[start.kind]}" if len(palettes) > 1 else where[start.kind].capitalize()
    describe_job(kind, before=picture if start.is_photo else None,
                 recipe={"label": what, "size_label": start.size_label})


def make_job():
    inputs = job_inputs()
    if inputs is None:
        return None
    picture, palettes, settings = inputs
    describe(KIND, picture, palettes)
    return JobSpec("palette", {"start": picture, "palettes": palettes, "settings": settings, "region": region})


def make_variations_job():
    inputs = job_inputs()
    if inputs is None:
        return None
    picture, palettes, settings = inputs
    describe(VARIATIONS_KIND, picture, palettes)
    numbers = [int(number) + i for i in range(int(st.session_state.get(VARIATIONS_COUNT, 3)))]
    return JobSpec("variations", {"start": picture, "palettes": palettes, "settings": settings, "numbers": numbers,
                                  "region": region})


st.subheader("3. Paint")
run_col, var_col, count_col = st.columns([2, 2, 3], vertical_alignment="bottom")
with run_col:
    run_button("Paint", KIND, make_job, estimate_s=6.0, icon=":material/palette:")
with var_col:
    run_button("Variations", VARIATIONS_KIND, make_variations_job, type="secondary",
               estimate_s=6.0 * st.session_state.get(VARIATIONS_COUNT, 3), icon=":material/view_column:",
               help="The same palette with several random seeds, side by side, to pick from.")
with count_col:
    st.select_slider("How many variations", [2, 3, 4], value=3, **kept(VARIATIONS_COUNT))

keep_result(KIND, RESULT, stopped_caption="Where the painting had got to")
keep_result(VARIATIONS_KIND, VARIATIONS, stopped_caption="Where the painting had got to", replaces=[RESULT])
pick_variation(VARIATIONS, RESULT)
result = st.session_state.get(RESULT)
if result:
    show_painting(result)
