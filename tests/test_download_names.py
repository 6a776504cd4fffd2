"""Download names: the page, the preset, the size, the seed and when it was made; never "-jpg", and
never the same name for two results, not even two of identical settings."""
import re

from streamlit.testing.v1 import AppTest

from dreamlab.studio.recipes import filename

RECIPE = {"page": "dream", "label": "Soft strokes", "size_label": "Small (fast)", "seed": 7}


def test_a_name_carries_page_preset_size_seed_and_when_it_was_made():
    name = filename({**RECIPE, "made": "20261203-091205"})
    assert name == "dreamlab-deep-dream-soft-strokes-small-seed7-20261203-091205.png"
    assert filename({**RECIPE, "label": "a palette on cat.jpg"}).count("jpg") == 0


def test_a_made_stamp_from_outside_that_is_not_one_is_left_out():
    for odd in ("../../etc", "x" * 300, 12, None, "20261203-091205/../x"):
        assert filename({**RECIPE, "made": odd}) == "dreamlab-deep-dream-soft-strokes-small-seed7.png"


def _two_stamps_in_one_second():
    import streamlit as st
    from dreamlab.studio.recipes import made_stamp
    st.session_state["stamps"] = [made_stamp(1_700_000_000.2), made_stamp(1_700_000_000.7), made_stamp(1_700_000_001.0)]


def test_two_results_of_identical_settings_get_different_names():
    at = AppTest.from_function(_two_stamps_in_one_second).run()
    assert not at.exception, at.exception
    stamps = at.session_state["stamps"]
    assert len(set(stamps)) == 3
    assert re.fullmatch(r"\d{8}-\d{6}", stamps[0]) and stamps[1] == stamps[0] + "-2"
    names = {filename({**RECIPE, "made": stamp}) for stamp in stamps}
    assert len(names) == 3
