"""Restores through AppTest: recipes written by main 5d7e44a (a history entry, a share link and a PNG
recipe, in tests/fixtures) bring back the same settings, and crafted links render with no exception
box and a plain note (issue "Every press counts, and no link or picture can break a page")."""
import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dreamlab.studio.recipes import PAGES, share_token
from dreamlab.studio.page_state import restore_values
from tests.advanced import open_advanced
from tests.conftest import ROOT, open_page

FIXTURES = Path(__file__).parent / "fixtures"
# What the old recipes were made with (tests/fixtures/make_old_recipes.py).
OLD_DREAM = {"dream.preset": "creatures", "dream.size": "Small (fast)", "dream.octaves": 1, "dream.steps": 3,
             "dream.jitter": 12, "dream.seed": 7, "dream.step_size": 0.015, "dream.layers": ["block10", "block12"],
             "dream.layers.block12": 0.7, "dream.layers.block10": 1.0}
OLD_ZOOM = {"motion.what": "Zoom journey", "zoom.preset": "soft-strokes", "zoom.frames": 6, "zoom.steps": 1,
            "zoom.rotate": 1.5, "zoom.seed": 3, "zoom.layers": ["block3"], "zoom.size": "Small (fast)",
            "zoom.fps": 12.0, "zoom.then_layers": []}


def open_link(data) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.query_params["recipe"] = data if isinstance(data, str) else share_token(data)
    at.run()
    assert not at.exception, at.exception
    return at


def toasts(at) -> str:
    return " | ".join(t.value for t in at.toast)


def assert_shows(at, expected: dict) -> None:
    for key, value in expected.items():
        assert at.session_state[key] == value, key


@pytest.mark.parametrize("name, expected", [("dream", OLD_DREAM), ("zoom", OLD_ZOOM)])
def test_an_old_history_entry_restores_the_same_settings(name, expected):
    entry = json.loads((FIXTURES / f"old_history_{name}.json").read_text())
    values, notes = restore_values(entry["page"], PAGES[entry["page"]].prefix, entry["recipe"]["settings"],
                                   "the history")
    assert {k: values[k] for k in expected} == expected
    assert notes == []


@pytest.mark.parametrize("name, expected", [("dream", OLD_DREAM), ("zoom", OLD_ZOOM)])
def test_an_old_share_link_restores_the_same_settings(name, expected):
    at = open_link((FIXTURES / f"old_link_{name}.txt").read_text().strip())
    assert at.title[0].value == {"dream": "Deep Dream", "zoom": "Motion"}[name]
    assert_shows(at, expected)
    assert "are back" in toasts(at)


@pytest.mark.parametrize("name, page, key, expected", [("dream", "deep_dream.py", "dream", OLD_DREAM),
                                                       ("zoom", "motion.py", "motion", OLD_ZOOM)])
def test_an_old_png_recipe_restores_the_same_settings(name, page, key, expected):
    at = open_page(page)
    at.segmented_control(key=f"{key}:source").set_value("Upload").run()
    png = (FIXTURES / f"old_recipe_{name}.png").read_bytes()
    at.file_uploader(key=f"{key}:upload:0").set_value(("old.png", png, "image/png")).run()
    at.button(key=f"{key}:restore-recipe").click().run()
    assert not at.exception, at.exception
    assert_shows(at, expected)


def test_a_link_asking_for_100000_frames_gets_240_and_says_so():
    for settings in ({"motion:zoom:frames": 100000}, {"zoom": {"frames": 100000}}):
        at = open_link({"page": "motion", "settings": settings})
        assert at.slider(key="zoom.frames").value == 240
        assert "The link asked for 100000 frames; DreamLab makes at most 240, so it uses 240." in toasts(at)


def test_a_link_asking_for_style_strength_1e9_renders():
    at = open_link({"page": "style", "settings": {"style-strength": 1e9}})
    assert at.title[0].value == "Style Transfer"
    assert at.session_state["style.strength"] == 1.0
    assert "asked for Style strength 1e+09%; DreamLab allows at most 100%" in toasts(at)


def test_a_link_that_sets_the_result_is_left_out():
    at = open_link({"page": "dream", "settings": {"dream:result": {"after": "x", "recipe": 5}, "dream:seed": 2}})
    assert "dream:result" not in at.session_state
    assert at.session_state["dream.seed"] == 2
    assert "no setting (such as dream:result)" in toasts(at)


def test_junk_values_keep_the_usual_ones_with_a_note():
    at = open_link({"page": "dream", "settings": {"dream": {"steps": "many", "octaves": float("nan"), "tile": 10**9,
                                                            "layers": {"block99": 1}, "preset": ["x"]}}})
    assert "cannot use for" in toasts(at)
    open_advanced(at)
    assert at.slider(key="dream.steps").value == 8 and at.slider(key="dream.octaves").value == 4
    assert at.multiselect(key="dream.layers").value == ["block8"]


def test_a_link_too_long_or_not_json_is_refused_in_one_sentence():
    at = open_link("A" * 9000)
    assert "longer than any DreamLab makes" in toasts(at)
    import base64
    import zlib
    at = open_link(base64.urlsafe_b64encode(zlib.compress(b"not json")).decode())
    assert "not JSON" in toasts(at)


def test_a_preset_sets_the_knobs_and_a_changed_knob_makes_the_recipe_custom():
    at = open_advanced(open_page("deep_dream.py", timeout=600))
    at.radio(key="dream.preset").set_value("creatures").run()
    assert at.multiselect(key="dream.layers").value == ["block10", "block12"]
    assert at.slider(key="dream.step_size").value == 0.015
    at.select_slider(key="dream.size").set_value("Small (fast)").run()
    at.slider(key="dream.octaves").set_value(1).run()  # a knob changed: no longer the preset's
    at.slider(key="dream.steps").set_value(2).run()
    at.button(key="run-dream").click().run()
    assert not at.exception, at.exception
    recipe = at.session_state["dream:result"]["recipe"]
    assert recipe["label"] == "Custom" and recipe["settings"]["dream"]["steps"] == 2
    at.radio(key="dream.preset").set_value("soft-strokes").run()  # a preset again: its own knobs
    assert at.slider(key="dream.steps").value == 8 and at.slider(key="dream.octaves").value == 4
