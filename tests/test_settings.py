"""The settings models (one description of every setting) and the reader of outside values."""
import base64
import json
import math
import sys
import subprocess
import zlib

import pytest

from dreamlab.settings import Dream, Video, Zoom, describe, descriptions, read, read_link, read_recipe_text
from dreamlab.settings.palette import read_palette_file
from dreamlab.settings.reader import LINK_LIMIT, RECIPE_LIMIT, palette_refusal
from engine.catalog import MAX_FILTERS, PRESETS


def token(data) -> str:
    return base64.urlsafe_b64encode(zlib.compress(json.dumps(data).encode())).decode().rstrip("=")


def test_the_settings_package_imports_neither_torch_nor_streamlit():
    code = ("import sys, dreamlab.settings, dreamlab.settings.legacy; "
            "print(sorted(m for m in ('torch', 'streamlit') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_fields_carry_what_the_widgets_show_today():
    steps = describe(Dream, "steps")
    assert (steps.title, steps.low, steps.high, steps.kind) == ("Steps per octave", 1, 40, "slider")
    assert describe(Dream, "step_size").format == "%.3f" and describe(Dream, "step_size").step == 0.001
    assert describe(Dream, "tile").choices == (256, 384, 512, 768, 1024)
    assert describe(Zoom, "frames").high == 240 and describe(Zoom, "frames").hard_high == 10_000
    assert describe(Video, "octaves").high == 4 and describe(Dream, "octaves").high == 8
    assert describe(Dream, "seed").high == 2**31 - 1
    assert describe(Dream, "smoothness").help.startswith("Smooths each step")


def test_shared_parts_are_described_once():
    """Zoom and Video reuse the octave schedule's fields: same help text, their own bounds."""
    for name in ("steps", "step_size"):
        assert describe(Dream, name).help == describe(Zoom, name).help == describe(Video, name).help
    assert describe(Dream, "octaves").help == describe(Video, "octaves").help


def test_defaults_are_the_default_preset():
    dream = Dream()
    classic = PRESETS["classic"]
    assert (dream.steps, dream.step_size, dream.layers) == (classic.steps, classic.step_size, classic.layers["lite0"])
    assert dream.label() == "Classic dream"
    assert dream.model_copy(update={"steps": 9}).label() == "Custom"


def test_a_model_refuses_a_layer_its_network_lacks():
    with pytest.raises(ValueError, match="no layer 'block99'"):
        Dream(layers={"block99": 1.0})
    with pytest.raises(ValueError):
        Dream(steps=0)


def test_reading_clamps_with_a_plain_note():
    reading = read(Zoom, {"frames": 100000})
    assert reading.value.frames == 240
    assert reading.notes == ["The link asked for 100000 frames; DreamLab makes at most 240, so it uses 240."]


def test_reading_drops_unknown_keys_wrong_types_and_nan():
    reading = read(Dream, {"dream:result": {"after": 1}, "steps": "9", "octaves": math.nan, "jitter": math.inf,
                           "seed": True, "tile": 500, "layers": {"block3": "heavy"}, "nonsense": [1, 2]})
    assert reading.value == Dream()
    assert "Steps per octave" in reading.notes[0] and "Octaves" in reading.notes[0]


def test_reading_takes_the_preset_knobs_for_what_is_missing():
    dream = read(Dream, {"preset": "creatures", "seed": 4}).value
    assert dream.layers == PRESETS["creatures"].layers["lite0"] and dream.steps == PRESETS["creatures"].steps
    assert dream.seed == 4 and dream.label() == "Creatures"


def test_reading_keeps_only_layers_of_the_network():
    dream = read(Dream, {"model": "googlenet", "layers": {"block8": 1.0, "inception4c": 5.0}}).value
    assert dream.layers == {"inception4c": 2.0}  # clamped to the weight slider's range


@pytest.mark.parametrize("raw", [None, [], "text", 5, {"settings": None}])
def test_reading_anything_gives_the_defaults(raw):
    assert read(Dream, raw).value == Dream()


def test_links_are_refused_in_one_sentence():
    assert "longer than any DreamLab makes" in read_link("A" * (LINK_LIMIT + 1)).refused
    assert "not JSON" in read_link(base64.urlsafe_b64encode(zlib.compress(b"{nope")).decode()).refused
    assert read_link("!!!").refused
    bomb = base64.urlsafe_b64encode(zlib.compress(b"[" + b" " * 5_000_000 + b"]", 9)).decode()
    assert len(bomb) < LINK_LIMIT and "more settings than" in read_link(bomb).refused
    assert read_link(token({"page": "dream", "settings": {"dream": {"steps": 3}}})).data["settings"] == {
        "dream": {"steps": 3}}


def test_png_recipes_are_refused_when_too_large_or_not_json():
    assert "larger than any DreamLab writes" in read_recipe_text("{" + " " * RECIPE_LIMIT + "}").refused
    assert "not JSON" in read_recipe_text("<xml/>").refused
    assert read_recipe_text('{"page": "dream"}').data == {"page": "dream"}


def test_a_palette_with_too_many_filters_is_refused():
    entries = [{"layer": "block3", "channel": 1}] * (MAX_FILTERS + 1)
    assert f"at most {MAX_FILTERS}" in palette_refusal(entries)
    assert f"at most {MAX_FILTERS}" in read_palette_file(json.dumps({"filters": entries})).refused
    assert palette_refusal(entries[:MAX_FILTERS]) is None


def test_the_engine_reads_the_same_filter_limit():
    from engine.dreaming.palette import data as palette
    assert palette.MAX_FILTERS == MAX_FILTERS


def test_every_field_has_a_title_and_a_widget_kind():
    for model in (Dream, Zoom, Video):
        for d in descriptions(model).values():
            assert d.title and d.kind
            assert d.contains(d.default) or d.kind == "layers", (model, d.name)


def test_jobs_turn_models_into_the_engines_settings():
    from dreamlab.jobs.convert import dream_settings, video_settings, zoom_settings
    dream = dream_settings(Dream(steps=3, seed=5))
    assert (dream.steps, dream.seed, dream.layers) == (3, 5, {"block8": 1.0})
    zoom = zoom_settings(Zoom(then_layers={"block3": 1.0}, pan_right=0.01))
    assert zoom.legs == [{"block8": 1.0}, {"block3": 1.0}] and zoom.pan == (0.01, 0.0)
    assert video_settings(Video(blend=0.2)).blend == 0.2


def test_every_engine_knob_of_a_dream_has_a_description():
    """The conversion copies fields by name: an engine knob without a field in the model would never be
    set from the page, a link or the CLI."""
    from dataclasses import fields

    from engine.dreaming.dream import DreamSettings
    assert {f.name for f in fields(DreamSettings)} <= set(Dream.model_fields)
