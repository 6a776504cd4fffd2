"""Style Transfer's prints and wallpapers through AppTest: the size and time said before the press, a
server's pixel cap said before the press (and the press refused), and a wallpaper whose crop follows
the crop's centre (the setting the dragged frame sets; the drag itself: tests/test_crop_browser.py)."""
import numpy as np
import pytest
from PIL import Image

from engine.images.shapes import fit_to_shape
from tests.test_style_page import gatys_page, tiny

pytestmark = pytest.mark.usefixtures("one_torch_thread")


def captions(at) -> str:
    return " ".join(c.value for c in at.caption)


def test_a_print_size_is_said_before_the_press():
    at = gatys_page("fast")
    at.selectbox(key="style.print_size").set_value("a4").run()
    said = captions(at)
    assert "The result will be 3508\u00d7" in said and "300 dpi" in said
    at.selectbox(key="style.print_size").set_value("screen").run()
    assert "The result will be" not in captions(at)


def test_a_servers_pixel_cap_is_said_before_the_press_and_refuses_it(monkeypatch):
    monkeypatch.setenv("DREAMLAB_MAX_PIXELS", "1000000")
    at = gatys_page("fast")
    at.selectbox(key="style.shape").set_value("phone").run()
    assert any("megapixels" in w.value for w in at.warning)
    at.button(key="run-style").click().run()
    assert not at.exception
    assert "style:result" not in at.session_state


def test_instant_says_that_prints_need_another_quality():
    at = gatys_page("balanced")
    at.radio(key="style.quality").set_value("instant").run()
    assert "Prints and wallpapers are painted with Fast, Balanced or Best" in captions(at)


def difference(a: Image.Image, b: Image.Image) -> float:
    small = (64, 64)
    return float(np.abs(np.asarray(a.convert("L").resize(small), np.float32)
                        - np.asarray(b.convert("L").resize(small), np.float32)).mean())


def test_a_square_wallpaper_is_cropped_around_the_centre_set():
    at = tiny(gatys_page("fast")).run()
    at.toggle(key="style.keep_colors").set_value(True)  # the finish only enlarges: a quick test
    at.selectbox(key="style.shape").set_value("square").run()
    at.session_state["style.crop_centre"] = "0.1,0.5"  # the frame dragged to the left
    at.run()
    at.button(key="run-style").click().run()
    assert not at.exception
    result = at.session_state["style:result"]
    assert result["after"].size == (2048, 2048)
    recipe = result["recipe"]
    assert recipe["shape"] == "square" and recipe["crop_centre"] == [0.1, 0.5] and recipe["dpi"] == 300
    assert recipe["settings"]["style"]["crop_centre"] == "0.1,0.5"  # a restore brings the frame back
    photo = result["before"]
    left, right = (fit_to_shape(photo, "square", centre=(x, 0.5)) for x in (0.1, 0.9))
    assert difference(result["after"], left) < difference(result["after"], right)


def test_the_crop_frame_shows_for_a_cropped_wallpaper_only_and_a_reset_forgets_the_drag():
    from tests.conftest import open_page
    at = open_page("deep_dream.py")
    frame = "The frame shows what the wallpaper keeps: drag it to choose."
    assert frame not in captions(at)
    at.selectbox(key="dream.shape").set_value("phone").run()
    assert not at.exception and frame in captions(at)
    at.session_state["dream.crop_centre"] = "0.3,0.5"
    at.run()
    at.button(key="dream:crop:reset").click().run()
    assert at.session_state["dream.crop_centre"] == ""
    at.radio(key="dream.fit").set_value("extend").run()
    assert frame not in captions(at)  # extending keeps the whole photo: nothing to drag
