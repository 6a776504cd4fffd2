"""The Style Transfer page through Streamlit's AppTest (no browser)."""
import pytest

from engine.catalog import BUILTIN_STYLES, QUALITIES
from tests.advanced import open_advanced
from tests.conftest import open_page


pytestmark = pytest.mark.usefixtures("one_torch_thread")


def style_page():
    """The page as a first visit finds it (Instant), Advanced settings open."""
    return open_advanced(open_page("style_transfer.py"), "style")


def gatys_page(quality: str = "balanced"):
    """The page switched to a Gatys quality (Instant is the first look)."""
    at = style_page()
    at.radio(key="style.quality").set_value(quality).run()
    return at


def tiny(at):
    """Advanced settings for a run that takes a second."""
    at.number_input(key="style.size").set_value(96)
    at.slider(key="style.steps").set_value(3)
    at.slider(key="style.scales").set_value(1)
    return at


def test_page_offers_plain_controls_built_in_paintings_and_an_advanced_expander():
    at = style_page()
    assert at.title[0].value == "Style Transfer"
    paintings = at.button_group(key="style.paintings")
    assert paintings.value == ["swirling_night"]
    assert len(paintings.options) == len(BUILTIN_STYLES)
    assert at.radio(key="style.quality").value == "instant"  # the first look: a painting in about a second
    assert at.slider(key="style.strength").value == 1.0  # instant's own default (its scale is another)
    assert at.toggle(key="style.keep_colors").value is False
    assert any(e.label == "Advanced settings" for e in at.expander)
    assert at.number_input(key="style.size").value == 512
    at.radio(key="style.quality").set_value("balanced").run()
    assert at.slider(key="style.strength").value == 0.5
    assert at.select_slider(key="style.brush").value == 1.0
    assert at.number_input(key="style.size").value == QUALITIES["balanced"][0]


def test_quality_sets_size_and_steps():
    at = gatys_page()
    at.radio(key="style.quality").set_value("fast").run()
    size, steps, scales = QUALITIES["fast"]
    assert at.number_input(key="style.size").value == size
    assert at.slider(key="style.steps").value == steps


def test_painting_the_sample_gives_a_result_of_the_chosen_size_and_a_download():
    at = tiny(gatys_page()).run()
    at.toggle(key="style.keep_colors").set_value(True)
    at.button(key="run-style").click().run()
    assert not at.exception
    result = at.session_state["style:result"]
    assert max(result["after"].size) == 96
    assert result["recipe"]["kind"] == "style"
    assert result["recipe"]["keep_colors"] is True
    assert result["recipe"]["styles"] == [BUILTIN_STYLES["swirling_night"]]
    assert result["recipe"]["settings"]["style"]["keep_colors"] is True
    assert at.get("download_button")
    assert at.subheader[-1].value == "Your painting"


def test_two_paintings_get_blend_sliders_that_reach_the_recipe():
    at = gatys_page()
    at.button_group(key="style.paintings").set_value(["swirling_night", "great_wave"]).run()
    at.slider(key="style.share.great_wave").set_value(100)
    tiny(at).run()
    at.button(key="run-style").click().run()
    assert not at.exception
    recipe = at.session_state["style:result"]["recipe"]
    assert recipe["style_weights"] == [0.5, 1.0]
    assert recipe["settings"]["style"]["shares"] == {"swirling_night": 50, "great_wave": 100}


def test_a_share_stays_with_its_painting_when_another_is_taken_away():
    at = style_page()
    at.button_group(key="style.paintings").set_value(["swirling_night", "stained_glass", "great_wave"]).run()
    at.slider(key="style.share.great_wave").set_value(90).run()
    at.button_group(key="style.paintings").set_value(["swirling_night", "great_wave"]).run()
    assert at.slider(key="style.share.swirling_night").value == 50
    assert at.slider(key="style.share.great_wave").value == 90


def test_no_painting_says_so():
    at = style_page()
    at.button_group(key="style.paintings").set_value([]).run()
    at.button(key="run-style").click().run()
    assert not at.exception
    assert any("at least one painting" in w.value for w in at.warning)
    assert "style:result" not in at.session_state


def test_no_style_layers_says_so():
    at = gatys_page()
    at.multiselect(key="style.style_layers").set_value([]).run()
    at.button(key="run-style").click().run()
    assert any("style layer" in w.value for w in at.warning)
    assert "style:result" not in at.session_state
