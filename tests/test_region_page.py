"""The "Paint a region" expander through AppTest: quick starts feed the jobs and their recipes."""
from engine.images.region import region_from_recipe
from tests.advanced import open_advanced
from tests.conftest import open_page


def quick_dream_settings(at):
    """The smallest dream the page allows: this checks the wiring, not the picture."""
    open_advanced(at)
    at.select_slider[0].set_value("Small (fast)")
    next(s for s in at.slider if s.label == "Octaves").set_value(1)
    next(s for s in at.slider if s.label == "Steps per octave").set_value(2)


def test_without_painting_the_whole_photo_dreams_and_the_recipe_has_no_region():
    at = open_page("deep_dream.py", timeout=600)
    assert any(e.label == "Paint a region (optional)" for e in at.expander)
    assert any("Nothing painted" in c.value for c in at.caption)
    quick_dream_settings(at)
    at.button(key="run-dream").click().run()
    assert not at.exception
    assert "region" not in at.session_state["dream:result"]["recipe"]


def test_a_quick_start_region_reaches_the_dream_and_its_recipe():
    at = open_page("deep_dream.py", timeout=600)
    at.button(key="dream:region:quick:bright").click().run()
    assert not at.exception
    assert any("only in the pink area" in c.value for c in at.caption)
    quick_dream_settings(at)
    at.button(key="run-dream").click().run()
    result = at.session_state["dream:result"]
    region = region_from_recipe(result["recipe"])
    assert region is not None and 0.2 < region.coverage() < 0.8
    assert result["recipe"]["region"]["feather"] == 0.05  # "Soft" by default


def test_style_page_offers_a_painting_for_outside_once_there_is_a_region():
    at = open_page("style_transfer.py")
    assert not [s for s in at.selectbox if s.label == "Outside the region"]
    at.button(key="style:region:quick:subject").click().run()
    assert not at.exception
    outside = [s for s in at.selectbox if s.label == "Outside the region"]
    assert outside and outside[0].value == "photo"


def test_palette_page_offers_a_region_for_photos_only():
    at = open_page("hybrid_palette.py")
    assert any(e.label == "Paint a region (optional)" for e in at.expander)
    at.segmented_control(key="palette.start").set_value("Noise").run()
    assert not any(e.label == "Paint a region (optional)" for e in at.expander)
