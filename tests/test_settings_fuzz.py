"""Fuzz test of restores (hypothesis): recipes, link tokens, PNG text chunks and palette files with
arbitrary keys, huge and negative numbers, NaN, wrong types and nested junk. A restore never raises,
and every value it restores lies within its setting's description."""
import base64
import io
import json
import math
import zlib

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image, PngImagePlugin

from dreamlab.settings import descriptions, read_link
from dreamlab.settings import describe
from dreamlab.settings.palette import Weight, read_palette_file
from dreamlab.settings.reader import png_recipe
from dreamlab.studio.recipes import PAGES
from dreamlab.studio.page_state import LEGACY_RANGES, PAGE_STATES, restore_values
from engine.catalog import MAX_FILTERS, MODELS

EXAMPLES = settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])

numbers = st.one_of(st.integers(min_value=-10**30, max_value=10**30), st.floats(allow_nan=True, allow_infinity=True),
                    st.integers(min_value=-300, max_value=300), st.floats(min_value=-300, max_value=300),
                    st.sampled_from([0, -1, 1, 2**31, 2**63, 1e9, -1e9, 1e308, 0.5]))
scalars = st.one_of(st.none(), st.booleans(), numbers, st.text(max_size=20),
                    st.sampled_from(["classic", "creatures", "lite0", "googlenet", "block8", "block3", "Sample",
                                     "Upload", "Medium", "Small (fast)", "Zoom journey", "Soft", "cat.jpg"]))
junk = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=5),
                                                     st.dictionaries(st.text(max_size=8), inner, max_size=5)),
                    max_leaves=20)
# Keys a recipe may hold: every field of every model, old widget keys, internal state, anything.
FIELD_NAMES = sorted({name for states in PAGE_STATES.values() for s in states for name in s.fields})
OLD_KEYS = ["dream:preset", "dream:model", "dream:seed", "dream:size", "dream:classic:lite0:steps",
            "dream:classic:lite0:layers", "dream:classic:lite0:weight:block8", "dream:source", "dream:sample",
            "dream:region:feather", "dream:result", "motion:what", "motion:zoom:frames", "motion:zoom:fps",
            "motion:zoom:classic:lite0:layers", "motion:video:blend", "style-strength", "style-blend-0",
            "style-seed", "palette:steps:photo", "palette:filters", "gallery:view", "_history"]
keys = st.one_of(st.sampled_from(FIELD_NAMES + OLD_KEYS), st.text(max_size=12))
pages = st.one_of(st.sampled_from(list(PAGES)), st.text(max_size=8))
STATES = {state.name: state for states in PAGE_STATES.values() for state in states}


@st.composite
def recipes(draw):
    """(page, settings): today's shape ({"dream": {field: value}}), the old one (widget keys), or both."""
    page = draw(pages)
    nested = {}
    for name in draw(st.lists(st.sampled_from(sorted(STATES)), max_size=4, unique=True)):
        fields = st.sampled_from(sorted(STATES[name].fields)) | st.text(max_size=6)
        nested[name] = draw(st.dictionaries(fields, numbers | junk, max_size=12))
    flat = draw(st.dictionaries(keys, numbers | junk, max_size=15))
    return page, draw(st.sampled_from([nested, flat, {**flat, **nested}]))



def assert_within_descriptions(page: str, values: dict) -> None:
    """Every restored value is one its setting's description allows (and one its widget can show)."""
    for state in PAGE_STATES.get(page, ()):
        model = values.get(state.key("model"), "lite0")
        for name, d in descriptions(state.model).items():
            key = state.key(name)
            if key not in values:
                continue
            value = values[key]
            if d.kind == "layers":
                assert isinstance(value, list) and set(value) <= set(MODELS[model].layer_names()), (key, value)
                for layer in value:
                    weight = values.get(state.weight_key(name, layer), 1.0)
                    assert d.low <= weight <= d.high and math.isfinite(weight)
            else:
                assert d.contains(value), (key, value)
    for key, value in values.items():
        if isinstance(value, float):
            assert math.isfinite(value), (key, value)
        for start, (low, high) in LEGACY_RANGES.items():
            if (key == start or (start.endswith("-") and key.startswith(start))) and isinstance(value, (int, float)) \
                    and not isinstance(value, bool):
                assert low <= value <= high, (key, value)


def restore(page, settings_dict, carrier="the link") -> None:
    if not isinstance(page, str) or page not in PAGES:
        return
    values, notes = restore_values(page, PAGES[page].prefix, settings_dict, carrier)
    assert all(isinstance(n, str) and n for n in notes)
    assert_within_descriptions(page, values)


@EXAMPLES
@given(recipes())
def test_a_history_entry_or_recipe_restores_within_the_descriptions(recipe):
    restore(*recipe, "the history")


def _token(data) -> str:
    text = json.dumps(data, allow_nan=True).encode()
    return base64.urlsafe_b64encode(zlib.compress(text)).decode().rstrip("=")


@EXAMPLES
@given(st.one_of(st.builds(lambda r: {"page": r[0], "settings": r[1]}, recipes()), junk),
       st.one_of(st.none(), st.binary(max_size=200), st.text(max_size=200)))
def test_a_link_token_restores_within_the_descriptions_or_is_refused(data, raw):
    for token in (_token(data), raw if isinstance(raw, str) else None,
                  base64.urlsafe_b64encode(raw).decode() if isinstance(raw, bytes) else None):
        unpacked = read_link(token)
        assert (unpacked.data is None) != (unpacked.refused is None)
        if unpacked.data is not None:
            restore(unpacked.data["page"], unpacked.data["settings"])


def _png(text: str) -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("dreamlab", text)
    buffer = io.BytesIO()
    Image.new("RGB", (2, 2)).save(buffer, format="PNG", pnginfo=info)
    return buffer.getvalue()


@EXAMPLES
@given(st.one_of(st.builds(lambda r: {"page": r[0], "settings": r[1], "label": "x"}, recipes()), junk),
       st.text(max_size=300))
def test_a_png_text_chunk_restores_within_the_descriptions_or_is_refused(recipe, text):
    for chunk in (json.dumps(recipe, allow_nan=True), text):
        unpacked = png_recipe(_png(chunk))
        if unpacked.data is not None:
            recipe_read = unpacked.data
            if isinstance(recipe_read.get("settings"), dict):
                restore(recipe_read.get("page"), recipe_read["settings"], "the picture's recipe")
        else:
            assert unpacked.refused


filters = st.one_of(junk, st.fixed_dictionaries({"layer": st.sampled_from(["block3", "block8", "conv3", "x"]) | junk,
                                                  "channel": numbers | junk, "weight": numbers | junk}))


@EXAMPLES
@given(st.one_of(junk, st.fixed_dictionaries({"model": st.sampled_from(list(MODELS)) | junk,
                                               "filters": st.lists(filters, max_size=40) | junk})),
       st.text(max_size=100))
def test_a_palette_file_is_read_within_the_editors_limits_or_refused(palette, text):
    for raw in (json.dumps(palette, allow_nan=True), text):
        loaded = read_palette_file(raw)
        if loaded.refused:
            assert not loaded.filters.entries
            continue
        spec = MODELS[loaded.model]
        weight = describe(Weight, "weight")
        assert 0 < len(loaded.filters.entries) <= MAX_FILTERS
        for entry in loaded.filters.entries:
            assert entry["model"] == loaded.model and entry["layer"] in spec.layer_names()
            assert 0 <= entry["channel"] < spec.layer(entry["layer"]).channels
            assert weight.low <= entry["weight"] <= weight.high
