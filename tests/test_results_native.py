"""Small results are shown at their own size, with a "Show larger" switch: a picture alone and the
before/after slider alike (the slider stretched a 256 px palette to the column, blurred)."""
from streamlit.testing.v1 import AppTest


def _small_with_and_without_a_before():
    from PIL import Image
    import streamlit as st
    import dreamlab.studio.compare as compare
    from dreamlab.studio.results import show_picture

    sent = st.session_state.setdefault("sent", [])
    compare._slider = lambda key, data: sent.append((key, data.get("max_width")))  # what the browser gets
    small, big = Image.new("RGB", (256, 192), "red"), Image.new("RGB", (1024, 768), "blue")
    show_picture(small, small, key="small-compare")
    show_picture(big, big, key="big-compare")
    show_picture(None, small, key="small-alone")


def test_a_small_picture_is_compared_at_its_own_size_until_show_larger():
    at = AppTest.from_function(_small_with_and_without_a_before).run()
    assert not at.exception, at.exception
    assert [t.key for t in at.toggle] == ["small-compare:larger", "small-alone:larger"]  # none for the big one
    assert at.session_state["sent"] == [("small-compare:compare", 256), ("big-compare:compare", None)]
    at.session_state["sent"] = []
    at.toggle(key="small-compare:larger").set_value(True).run()
    assert at.session_state["sent"] == [("small-compare:compare", None), ("big-compare:compare", None)]



def _sliders_whose_place_is_kept():
    from PIL import Image
    import streamlit as st
    import dreamlab.studio.compare as compare
    from dreamlab.studio.results import show_picture

    sent = st.session_state.setdefault("sent", [])
    compare._slider = lambda key, data: sent.append((data["width"], data["height"]))
    show_picture(Image.new("RGB", (300, 200)), Image.new("RGB", (3000, 2000)), key="print")  # shown at 1600 px
    show_picture(Image.new("RGB", (256, 192)), Image.new("RGB", (256, 192)), key="small")


def test_the_slider_knows_its_pictures_size_before_they_load():
    """The slider gets the size of the pictures it shows, so it has its height before they have
    decoded and the Download button below is drawn where it stays."""
    at = AppTest.from_function(_sliders_whose_place_is_kept).run()
    assert not at.exception, at.exception
    assert at.session_state["sent"] == [(1600, 1067), (256, 192)]
