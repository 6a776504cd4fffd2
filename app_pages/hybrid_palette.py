import streamlit as st
from PIL import Image

from engine.gallery import RENDER_CACHE, GallerySettings, filter_info, thumbnail
from engine.images import fit_side, png_bytes
from engine.models import get_spec
from engine.palette import (CANVAS_STEPS, PHOTO_STEPS, PaletteSettings, SeedSpec, as_palette, check_palette,
                            journey_gif, load_palette_json, palette_journey, palette_json, palette_variations,
                            parse_filters, surprise_palette)
from ui.inputs import image_input
from ui.models import get_model, model_picker
from ui.results import show_result
from ui.runner import follow_job, report_outcome, run_button, start_job
from ui.state import add_to_palette, palette

KIND, VARIATIONS_KIND = "palette", "palette-variations"
RESULT, VARIATIONS, STOPS = "palette:result", "palette:variations", "palette:stops"
MODEL_KEY, WEIGHT_KEY = "palette:model", "palette:weight"
MIN_WEIGHT, MAX_WEIGHT = -1.0, 2.0
PHOTO_SIZES = {"Small (fast)": 384, "Medium": 512, "Large": 800, "Full size (slow)": 1600}
CANVAS_SIZES = {"Small (fast)": 256, "Medium": 384, "Large": 512}
SURPRISE_LAYERS = ["block3", "block8", "block12"]
SEEDS = {"Photo": ":material/photo_camera:", "Noise": ":material/grain:", "Colour": ":material/format_color_fill:",
         "Gradient": ":material/gradient:"}

st.title("Hybrid Palette")
st.write("Use the network's filters as a painter's palette: pick a few, from any layers, give each a weight, "
         "and paint with them on a photo, on noise or on a colour. A negative weight keeps a filter away.")

model_name = st.session_state.get(MODEL_KEY, "lite0")
spec = get_spec(model_name)
entries = palette()


def weight_key(entry: dict) -> str:
    return f"{WEIGHT_KEY}:{entry['model']}:{entry['layer']}:{entry['channel']}"


def replace_palette(model: str, filters) -> None:
    """Put ``filters`` in the shared palette (other networks' filters stay) and reset the sliders."""
    entries[:] = [e for e in entries if e["model"] != model]
    for f in filters:
        add_to_palette(model, f.layer, f.channel, f.weight)
    for key in [k for k in st.session_state if str(k).startswith(WEIGHT_KEY)]:
        del st.session_state[key]


def safe_thumbnail(layer: str, channel: int):
    """The gallery's precomputed picture, else one the gallery painted in this process, else None."""
    try:
        picture = thumbnail(model_name, layer, channel)
    except (OSError, ValueError, KeyError):  # a damaged or half-built gallery: no picture, no error
        picture = None
    if picture is None:
        thumbs = GallerySettings()
        picture = RENDER_CACHE.get((model_name, layer, channel, thumbs.size, thumbs.steps, thumbs.seed))
    return picture


def describe(layer: str, channel: int) -> str:
    try:
        info = filter_info(model_name, layer, channel)
    except (OSError, ValueError, KeyError):
        info = None
    text = spec.layer(layer).hint
    if info and info.get("top"):
        text += f" · looks like *{info['top'][0][0]}*"
    return text


# --- 1. the palette ---------------------------------------------------------------------------
st.subheader("1. Your palette")
mine = [e for e in entries if e["model"] == model_name]
others = len(entries) - len(mine)
if not mine:
    st.info("Your palette is empty. Add filters below, press **Surprise me**, "
            "or use **Add to palette** in the Filter Gallery.")
for entry in mine:
    with st.container(border=True):
        c_pic, c_text, c_weight, c_remove = st.columns([1, 3, 4, 1], vertical_alignment="center")
        picture = safe_thumbnail(entry["layer"], entry["channel"])
        if picture is not None:
            c_pic.image(picture, width=64)
        else:
            c_pic.markdown(":material/blur_on:")
        c_text.markdown(f"**{entry['layer']} · filter {entry['channel']}**  \n{describe(entry['layer'], entry['channel'])}")
        start = min(MAX_WEIGHT, max(MIN_WEIGHT, float(entry["weight"])))  # typed or loaded weights may be outside
        entry["weight"] = c_weight.slider("Weight", MIN_WEIGHT, MAX_WEIGHT, start, 0.1, key=weight_key(entry),
                                          help="How strongly to paint this filter. Below 0: keep it away.")
        if c_remove.button("", icon=":material/close:", key=f"palette:remove:{weight_key(entry)}",
                           help="Remove this filter"):
            entries.remove(entry)
            st.session_state.pop(weight_key(entry), None)
            st.rerun()
if others:
    st.caption(f"{others} filter(s) from another network are in your palette too; "
               "switch the network in Advanced settings to use them.")

add_col, surprise_col = st.columns(2)
with add_col:
    with st.form("palette:add", clear_on_submit=True, border=False):
        typed = st.text_input("Add filters by name", placeholder="block8:12, block10:3:0.5",
                              help="LAYER:FILTER or LAYER:FILTER:WEIGHT, several separated by commas.")
        if st.form_submit_button("Add", icon=":material/add:") and typed.strip():
            try:
                new = parse_filters(typed)
                check_palette(new, spec)
            except ValueError as err:
                st.error(f"Could not add that: {err}")
            else:
                for f in new:
                    add_to_palette(model_name, f.layer, f.channel, f.weight)
                st.rerun()
with surprise_col:
    layer_names = [n for n in spec.layer_names() if n != "head"]
    pick_from = st.multiselect("Surprise me from layers", layer_names,
                               default=[n for n in SURPRISE_LAYERS if n in layer_names] or layer_names[-3:],
                               key="palette:surprise:layers")
    count = st.slider("How many filters", 1, 8, 3, key="palette:surprise:count")
    if st.button("Surprise me", icon=":material/casino:", key="palette:surprise"):
        number = st.session_state.get("palette:surprise:seed", 0) + 1
        st.session_state["palette:surprise:seed"] = number
        dead = []
        for layer in pick_from:
            for c in range(spec.layer(layer).channels):
                info = filter_info(model_name, layer, c)
                if info and info.get("dead"):
                    dead.append((layer, c))
        try:
            replace_palette(model_name, surprise_palette(spec, pick_from, count, seed=number, exclude=dead))
        except ValueError as err:
            st.error(str(err))
        else:
            st.rerun()

with st.expander("Save or load a palette"):
    current = as_palette(mine)
    st.download_button("Save palette (JSON)", data=palette_json(current, model_name), file_name="dreamlab-palette.json",
                       mime="application/json", icon=":material/save:", disabled=not current, key="palette:save")
    loaded_file = st.file_uploader("Load a palette", type=["json"], key="palette:load",
                                   help="A palette saved from this page.")
    if loaded_file is not None and st.session_state.get("palette:loaded") != loaded_file.file_id:
        st.session_state["palette:loaded"] = loaded_file.file_id
        try:
            model, filters = load_palette_json(loaded_file.getvalue())
        except ValueError as err:
            st.error(f"Could not load that file: {err}")
        else:
            replace_palette(model, filters)
            st.session_state[MODEL_KEY] = model
            st.rerun()

# --- 2. the seed ------------------------------------------------------------------------------
st.subheader("2. Start from")
seed_kind = st.segmented_control("Start from", list(SEEDS), default="Photo", key="palette:seed",
                                 format_func=lambda k: f"{SEEDS[k]} {k}", label_visibility="collapsed") or "Photo"
photo = None
if seed_kind == "Photo":
    photo = image_input("palette")
    if photo is not None:
        st.image(photo.image, caption="Your photo", width=320)
    seed_spec = None
elif seed_kind == "Noise":
    seed_spec = SeedSpec("noise")
    st.caption("Faint random noise: the filters paint everything. Change the random seed for another picture.")
elif seed_kind == "Colour":
    seed_spec = SeedSpec("color", (st.color_picker("Colour", "#2f5fc4", key="palette:color"),))
else:
    top, bottom = st.columns(2)
    seed_spec = SeedSpec("gradient", (top.color_picker("Top", "#ff9a3c", key="palette:top"),
                                      bottom.color_picker("Bottom", "#1b2a6b", key="palette:bottom")))
sizes = PHOTO_SIZES if seed_kind == "Photo" else CANVAS_SIZES
size_label = st.select_slider("Picture size", list(sizes), value="Small (fast)", key=f"palette:size:{seed_kind == 'Photo'}",
                              help="Bigger pictures take longer.")

# --- 3. a journey (optional) ------------------------------------------------------------------
stops = st.session_state.setdefault(STOPS, [])
with st.expander("Journey through palettes", expanded=bool(stops)):  # a fixed label keeps it open
    st.write("Keep the current palette as a stop, change the palette, keep the next stop, and so on. "
             "The painting then goes through the stops one after another, and you get an animated GIF.")
    if st.button("Keep this palette as a stop", icon=":material/add_location:", key="palette:stop:add",
                 disabled=not any(e["weight"] for e in mine)):
        stops.append({"model": model_name, "filters": [dict(e) for e in mine if e["weight"]]})
        st.rerun()
    for i, stop in enumerate(stops):
        line, remove = st.columns([6, 1], vertical_alignment="center")
        line.markdown(f"**Stop {i + 1}:** " + ", ".join(f"{f['layer']}:{f['channel']} ×{f['weight']:g}"
                                                        for f in stop["filters"]))
        if remove.button("", icon=":material/close:", key=f"palette:stop:remove:{i}", help="Remove this stop"):
            stops.pop(i)
            st.rerun()
    use_journey = bool(stops) and st.toggle("Paint the journey instead of the palette", value=True,
                                            key="palette:journey")

# --- advanced ---------------------------------------------------------------------------------
with st.expander("Advanced settings"):
    model_picker(MODEL_KEY)
    c1, c2, c3 = st.columns(3)
    if seed_kind == "Photo":
        steps = c1.slider("Steps per octave", 1, 40, PHOTO_STEPS, key="palette:steps:photo")
        octaves = c2.slider("Octaves", 1, 8, PaletteSettings.octaves, key="palette:octaves",
                            help="How many scales to paint at, small to large. More = bigger patterns.")
        step_size = c3.slider("Strength per step", 0.002, 0.04, PaletteSettings.step_size, 0.002, format="%.3f",
                              key="palette:strength")
    else:
        steps = c1.slider("Steps", 8, 256, CANVAS_STEPS, 8, key="palette:steps:canvas")
        octaves, step_size = PaletteSettings.octaves, PaletteSettings.step_size
    number = st.number_input("Random seed", 0, 2**31 - 1, 0, key="palette:number",
                             help="Same seed + same palette = same picture.")


def job_inputs():
    """(seed, palettes, settings, net) for a job, or None after telling the user what is missing."""
    if use_journey:
        palettes = [as_palette(stop["filters"]) for stop in stops if stop["model"] == model_name]
    else:
        palettes = [as_palette(mine)]
    try:
        for p in palettes:
            check_palette(p, spec)
    except ValueError as err:
        st.warning(f"Your palette cannot be painted yet: {err}.")
        return None
    if not palettes:
        st.warning("The journey has no stops for this network.")
        return None
    if seed_kind == "Photo":
        if photo is None:
            st.warning("Choose a photo first, or start from noise or a colour.")
            return None
        image = photo.image
        if max(image.size) > sizes[size_label]:
            image = image.resize(fit_side(image.size, sizes[size_label]), Image.LANCZOS)
        seed = image
    else:
        seed = seed_spec
    net = get_model(model_name)
    if net is None:
        return None
    settings = PaletteSettings(model=model_name, steps=steps, octaves=octaves, step_size=step_size,
                               size=sizes[size_label], seed=int(number))
    return seed, palettes, settings, net


def make_job():
    inputs = job_inputs()
    if inputs is None:
        return None
    seed, palettes, settings, net = inputs
    journey = len(palettes) > 1

    def job(on_progress, cancel):
        done = palette_journey(seed, palettes, settings, net, on_progress, cancel, keep_frames=journey)
        return {"before": seed if isinstance(seed, Image.Image) else None, "after": done.image,
                "recipe": done.recipe, "gif": journey_gif(done.frames) if journey else None}
    return job


def make_variations_job():
    inputs = job_inputs()
    if inputs is None:
        return None
    seed, palettes, settings, net = inputs
    numbers = [settings.seed + i for i in range(int(st.session_state.get("palette:variations:count", 3)))]

    def job(on_progress, cancel):
        done = palette_variations(seed, palettes, settings, net, numbers, on_progress, cancel)
        return [{"before": seed if isinstance(seed, Image.Image) else None, "after": j.image, "recipe": j.recipe,
                 "gif": None} for j in done]
    return job


# --- run --------------------------------------------------------------------------------------
st.subheader("3. Paint")
run_col, var_col, count_col = st.columns([2, 2, 3], vertical_alignment="bottom")
with run_col:
    run_button("Paint", KIND, make_job, estimate_s=6.0, icon=":material/palette:")
with var_col:
    if st.button("Variations", icon=":material/view_column:", key=f"run-{VARIATIONS_KIND}",
                 help="The same palette with several random seeds, side by side, to pick from."):
        fn = make_variations_job()
        if fn is not None:
            start_job(VARIATIONS_KIND, fn, 6.0 * st.session_state.get("palette:variations:count", 3))
with count_col:
    st.select_slider("How many variations", [2, 3, 4], value=3, key="palette:variations:count")

for kind, target in ((KIND, RESULT), (VARIATIONS_KIND, VARIATIONS)):
    finished = follow_job(kind)
    if finished is not None:
        outcome = report_outcome(finished)
        if isinstance(outcome, (dict, list)):
            st.session_state[target] = outcome
            if kind == VARIATIONS_KIND:
                st.session_state.pop(RESULT, None)
        elif isinstance(outcome, Image.Image):  # stopped: keep the last preview
            st.image(outcome, caption="Where the painting had got to", width="stretch")

variations = st.session_state.get(VARIATIONS)
if variations:
    st.markdown("**Variations**: pick the one you like.")
    columns = st.columns(len(variations))
    for i, (column, variation) in enumerate(zip(columns, variations)):
        column.image(variation["after"], caption=f"Seed {variation['recipe']['seed']}", width="stretch")
        if column.button("Keep this one", key=f"palette:keep:{i}", icon=":material/check:"):
            st.session_state[RESULT] = variation
            st.session_state[VARIATIONS] = None
            st.rerun()

result = st.session_state.get(RESULT)
if result:
    st.subheader("Your painting")
    if result["before"] is not None:
        show_result(result["before"], result["after"], result["recipe"], "dreamlab-palette.png", key="palette")
    else:
        st.image(result["after"], width="stretch")
        st.download_button("Download PNG", data=png_bytes(result["after"], result["recipe"]),
                           file_name="dreamlab-palette.png", mime="image/png", key="palette:download",
                           icon=":material/download:", type="primary")
    if result["gif"]:
        st.markdown("**The journey**")
        st.image(result["gif"], width="stretch")
        st.download_button("Download GIF", data=result["gif"], file_name="dreamlab-journey.gif", mime="image/gif",
                           key="palette:download:gif", icon=":material/animated_images:")
    filters = "; ".join(", ".join(f"{f['layer']}:{f['channel']} ×{f['weight']:g}" for f in p)
                        for p in result["recipe"]["palettes"])
    st.caption(f"Painted with {filters} · seed {result['recipe']['seed']}")
