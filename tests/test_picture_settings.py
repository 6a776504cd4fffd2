"""The settings models of Style Transfer, the Hybrid Palette and the Filter Gallery (dreamlab.settings.style,
.palette, .gallery): every field is described, the engine's knobs all have a field, restores stay in range."""
from dataclasses import fields

import pytest

from dreamlab.settings import descriptions, read
from dreamlab.settings.gallery import Filter, Gallery
from dreamlab.settings.palette import Palette, Weight, read_filters
from dreamlab.settings.style import Share, Style

MODELS = (Style, Share, Palette, Weight, Gallery, Filter)


@pytest.mark.parametrize("model", MODELS)
def test_every_field_has_a_title_a_widget_kind_and_a_default_its_widget_shows(model):
    for d in descriptions(model).values():
        assert d.title and d.kind, (model, d.name)
        assert d.contains(d.default) or d.kind == "layers" or d.name == "layer", (model, d.name)


def test_every_engine_knob_of_a_style_transfer_has_a_description():
    """The job copies fields by name: an engine knob without a field would never be set by the page or CLI."""
    from engine.style.transfer import StyleSettings
    not_settings = {"precision", "style_weights"}  # the engine's own choice; filled in by stylize
    assert {f.name for f in fields(StyleSettings)} - not_settings <= set(Style.model_fields)


def test_every_engine_knob_of_a_filter_picture_that_the_cli_sets_has_a_description():
    from engine.dreaming.filters import FilterSettings
    engine_only = {"lr", "rival_weight"}
    assert {f.name for f in fields(FilterSettings)} - engine_only <= set(Filter.model_fields)


@pytest.mark.parametrize("model, raw", [
    (Style, {"strength": 1e9, "brush": 1.3, "size": -4, "steps": float("nan"), "init": "image", "model": ["x"]}),
    (Palette, {"photo_steps": 10**12, "step_size": -1, "color": "#12", "variations": 9, "start": {}}),
    (Gallery, {"layer": 5, "per_page": "16", "view": "All", "model": "vgg16", "compare": {"nope": 1}}),
])
def test_a_restore_never_raises_and_keeps_every_value_within_its_description(model, raw):
    reading = read(model, raw, "the link")
    for name, d in descriptions(model).items():
        value = getattr(reading.value, name)
        assert d.contains(value) or d.kind == "layers" or name == "layer", (name, value)
    assert reading.notes


def test_read_filters_drops_what_no_network_has_and_refuses_too_many():
    found = read_filters([{"model": "lite0", "layer": "block8", "channel": 3, "weight": 5},
                          {"model": ["lite0"], "layer": "block8", "channel": 1}, "junk",
                          {"model": "lite0", "layer": "block8", "channel": True}], "the link")
    assert found.entries == [{"model": "lite0", "layer": "block8", "channel": 3, "weight": 2.0}]
    assert len(found.notes) == 2 and "3 filters of the link" in found.notes[1]
    assert "at most 32" in read_filters([{}] * 33, "the link").refused
