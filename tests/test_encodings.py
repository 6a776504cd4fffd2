"""A result's encodings are made once per picture (its page runs again at every click) and never
outlive it; the slider gets a picture no larger than a screen shows, the download the whole one."""
from __future__ import annotations

import base64
import gc
import io

from PIL import Image

from dreamlab.studio import compare, encodings
from dreamlab.studio.encodings import encoded


def test_made_once_per_picture_and_kind():
    made = []
    first, second = Image.new("RGB", (8, 8)), Image.new("RGB", (8, 8))
    for picture in (first, first, second, first):
        encoded(picture, "png", lambda picture=picture: made.append(picture) or len(made))
    assert made == [first, second]
    assert encoded(first, "other", lambda: "again") == "again"


def test_forgotten_with_its_picture_and_bounded():
    picture = Image.new("RGB", (8, 8))
    encoded(picture, "png", lambda: b"x")
    key = (id(picture), "png")
    assert key in encodings._kept
    del picture
    gc.collect()
    assert key not in encodings._kept
    pictures = [Image.new("RGB", (8, 8)) for _ in range(encodings.KEPT + 3)]
    for picture in pictures:
        encoded(picture, "png", lambda: b"x")
    assert len(encodings._kept) == encodings.KEPT


def test_slider_shows_a_wallpaper_at_screen_size_and_encodes_it_once(monkeypatch):
    sent, encodes = [], []
    monkeypatch.setattr(compare, "_slider", lambda key, data: sent.append(data))
    real = compare.png_data_url
    monkeypatch.setattr(compare, "png_data_url", lambda image: encodes.append(image.size) or real(image))
    before, after = Image.new("RGB", (1024, 768), "grey"), Image.new("RGB", (2048, 2048), "red")
    for _ in range(3):  # three runs of the page
        compare.before_after(before, after, key="result")
    assert encodes == [(1600, 1600), (1600, 1600)]
    shown = Image.open(io.BytesIO(base64.b64decode(sent[-1]["after"].split(",", 1)[1])))
    assert shown.size == (1600, 1600) and sent[0] == sent[-1]
    small_before, small = Image.new("RGB", (100, 75)), Image.new("RGB", (320, 240))
    compare.before_after(small_before, small, key="small")
    assert encodes[-2:] == [(320, 240), (320, 240)]  # smaller ones at their own size


def _seamless_result():
    from PIL import Image
    import streamlit as st
    from dreamlab.studio import results

    made = st.session_state.setdefault("made", [])
    real = results.png_bytes
    results.png_bytes = lambda image, recipe: made.append(image.size) or real(image, recipe)
    tile = st.session_state.setdefault("tile", Image.new("RGB", (2000, 1000), "green"))  # one result, kept
    results.show_seamless(tile, {"kind": "dream", "seamless": True}, key="dream")


def test_seamless_preview_download_is_three_by_three_and_made_once():
    from streamlit.testing.v1 import AppTest
    at = AppTest.from_function(_seamless_result).run()
    assert not at.exception, at.exception
    at.run()  # a second run of the page: nothing encoded again
    assert not at.exception, at.exception
    assert at.session_state["made"] == [(3000, 1500)]  # 3x3 copies of the tile reduced to at most 1366 px
    [button] = at.get("download_button")
    assert "3\u00d73 preview" in button.proto.label
