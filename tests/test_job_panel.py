"""The job panel (dreamlab.studio.runner._watch): how often it looks at a job, and what it sends."""
from PIL import Image

from dreamlab.studio import runner


def test_the_panel_looks_often_until_the_first_picture_then_calmly():
    assert runner.poll_every(None) == runner.FIRST_PICTURE_POLL_S
    assert runner.FIRST_PICTURE_POLL_S < runner.POLL_S
    assert runner.poll_every(Image.new("RGB", (8, 8))) == runner.POLL_S


def test_the_panel_sends_a_status_only_when_it_changed():
    shown = runner._Unchanged()
    assert shown.changed("**Starting…**")
    assert not shown.changed("**Starting…**")
    assert shown.changed("**Working:** octave 1 of 4, step 1 of 8")
    assert shown.last == "**Working:** octave 1 of 4, step 1 of 8"
    fraction = runner._Unchanged()
    assert fraction.changed(0.0)  # even a first value equal to a default is sent once
    assert not fraction.changed(0.0)
