"""The Deep Dream page through Streamlit's AppTest (no browser)."""
from tests.advanced import open_advanced
from tests.conftest import open_page


def dream_page():
    return open_advanced(open_page("deep_dream.py"))


def test_page_offers_presets_and_an_advanced_expander():
    at = dream_page()
    assert at.title[0].value == "Deep Dream"
    assert [o for o in at.radio[0].options] == ["Soft strokes", "Classic dream", "Creatures"]
    assert any(e.label == "Advanced settings" for e in at.expander)
    assert at.multiselect[0].value == ["block8"]


def test_dreaming_the_sample_gives_a_result_and_a_download():
    at = dream_page()
    at.select_slider[0].set_value("Small (fast)")
    at.button(key="run-dream").click().run()
    assert not at.exception
    result = at.session_state["dream:result"]
    assert result["after"].size == result["before"].size
    assert result["recipe"]["kind"] == "dream"
    assert result["recipe"]["label"] == "Classic dream"  # the size is no knob of the preset
    assert len(result["seen_before"]) == 5
    assert at.get("download_button")
    assert at.subheader[0].value == "Your dream"


def test_result_survives_a_rerun():
    at = dream_page()
    at.select_slider[0].set_value("Small (fast)")
    at.button(key="run-dream").click().run()
    first = at.session_state["dream:result"]["after"]
    at.radio[0].set_value("creatures").run()
    assert at.session_state["dream:result"]["after"] is first


def test_no_layers_chosen_says_so():
    at = dream_page()
    at.multiselect[0].set_value([]).run()
    at.button(key="run-dream").click().run()
    assert not at.exception
    assert any("at least one layer" in w.value for w in at.warning)
    assert "dream:result" not in at.session_state


def test_every_setting_of_the_model_has_its_widget():
    """The page draws its widgets from the settings model: each field under one key, dream.<field>."""
    from dreamlab.settings import Dream, descriptions
    at = dream_page()
    keys = {w.key for kind in ("slider", "select_slider", "radio", "selectbox", "number_input", "toggle",
                               "multiselect") for w in at.get(kind)}
    # the crop's centre is the frame dragged over the photo (a component, shown for a cropped wallpaper:
    # tests/test_crop.py and tests/test_crop_browser.py)
    dragged = {name for name, d in descriptions(Dream).items() if d.kind == "crop"}
    assert dragged == {"crop_centre"}
    assert {f"dream.{name}" for name in Dream.model_fields if name not in dragged} <= keys
