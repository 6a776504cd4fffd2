"""A preset changed under Advanced settings says it is "Custom" now (the preset alone still looked
chosen, while the picture was made and named "Custom"), with a way back to the preset."""
from tests.advanced import open_advanced
from tests.conftest import open_page


def custom_notes(at) -> list[str]:
    return [c.value for c in at.caption if "**Custom**" in c.value]


def test_a_knob_changed_in_advanced_settings_makes_the_preset_custom_and_back():
    at = open_page("deep_dream.py")
    assert custom_notes(at) == []
    open_advanced(at, "dream")
    [steps] = [s for s in at.slider if s.label == "Steps per octave"]
    preset_steps = steps.value
    steps.set_value(preset_steps - 2).run()
    assert not at.exception, at.exception
    [note] = custom_notes(at)
    assert "Classic dream" in note
    at.button(key="dream.preset:back").click().run()
    assert not at.exception, at.exception
    assert custom_notes(at) == []
    assert [s for s in at.slider if s.label == "Steps per octave"][0].value == preset_steps
