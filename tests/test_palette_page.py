"""The Hybrid Palette page through Streamlit's AppTest (no browser)."""
import io

import engine.dreaming.gallery_files
from engine.images.pictures import png_bytes
from engine.dreaming.palette.data import PaletteFilter, palette_json
from PIL import Image
from tests.advanced import open_advanced
from tests.conftest import open_page

PAGE = "hybrid_palette.py"


def palette_page():
    return open_advanced(open_page(PAGE), "palette")


def add(at, text):
    at.text_input[0].set_value(text)
    at.button(key="FormSubmitter:palette:add-Add").click().run()
    assert not at.exception, at.exception
    return at


def start_from(at, kind):
    at.segmented_control(key="palette.start").set_value(kind).run()
    return at


def entries(at):
    return [(e["layer"], e["channel"], e["weight"]) for e in at.session_state["palette"]]


def test_empty_page_explains_where_filters_come_from():
    at = palette_page()
    assert at.title[0].value == "Hybrid Palette"
    assert any("palette is empty" in i.value for i in at.info)
    assert [o for o in at.segmented_control(key="palette.start").options] == ["Photo", "Noise", "Colour", "Gradient"]
    at.button(key="run-palette").click().run()
    assert not at.exception
    assert any("palette is empty" in w.value for w in at.warning)
    assert "palette:result" not in at.session_state


def test_typing_filters_makes_chips_with_weights_and_remove_buttons():
    at = add(palette_page(), "block8:12, block12:40:0.5")
    assert entries(at) == [("block8", 12, 1.0), ("block12", 40, 0.5)]
    sliders = [s for s in at.slider if s.label == "Weight"]
    assert [s.value for s in sliders] == [1.0, 0.5]
    sliders[1].set_value(-0.7).run()
    assert entries(at)[1] == ("block12", 40, -0.7)
    at.button(key="palette:remove:palette:weight:lite0:block8:12").click().run()
    assert entries(at) == [("block12", 40, -0.7)]
    assert any("block12 · filter 40" in m.value for m in at.markdown)


def test_weights_beyond_the_slider_are_clamped_not_an_error():
    at = add(palette_page(), "block8:1:5, block8:2:-3")
    assert not at.exception
    assert entries(at) == [("block8", 1, 2.0), ("block8", 2, -1.0)]


def test_bad_filter_text_gives_a_plain_message():
    at = add(palette_page(), "block8:999")
    assert any("no filter 999" in e.value and "0 to 111" in e.value for e in at.error)
    at = add(at, "block8")
    assert any("no filter number" in e.value and "block8 filter 12" in e.value for e in at.error)
    at = add(at, "blok 8 filter 12")
    [error] = at.error
    assert "names no layer of this network" in error.value and "block 8 filter 12" in error.value  # says what to type
    assert "LAYER" not in error.value and "Error" not in error.value
    assert at.text_input[0].value == "blok 8 filter 12"  # kept in the box, to correct it
    assert entries(at) == []


def test_typed_filters_are_read_leniently():
    at = add(palette_page(), "block 8 filter 12, 9:3")
    add(at, "block10 5 and filter 7 of block 3 weight 0.5")
    assert not at.error
    assert entries(at) == [("block8", 12, 1.0), ("block9", 3, 1.0), ("block10", 5, 1.0), ("block3", 7, 0.5)]


def test_a_filter_is_added_by_picking_its_layer_and_number():
    at = palette_page()
    layer = at.selectbox(key="palette:add:layer")
    assert layer.value == "block8" and "block3 · strokes & textures" in layer.options
    layer.set_value("block3").run()
    at.number_input(key="palette:add:filter:lite0:block3").set_value(7).run()
    assert at.caption[0].value.startswith("strokes & textures")  # what the chosen filter paints
    at.button(key="palette:add:pick").click().run()
    assert not at.exception
    assert entries(at) == [("block3", 7, 1.0)]
    assert at.button(key="palette:add:pick").disabled  # already in: no duplicate
    assert at.button(key="palette:add:pick").label == "In your palette"


def test_surprise_me_differs_between_visits_and_is_seeded_within_one():
    first, second = palette_page(), palette_page()
    for at in (first, second):
        at.button(key="palette:surprise").click().run()
        assert not at.exception
    assert entries(first) != entries(second) and len(entries(first)) == 3  # each visit its own surprise
    assert {layer for layer, _, _ in entries(first)} == {"block3", "block8", "block12"}
    # The same surprise number gives the same palette (a visit's surprises are reproducible).
    for at in (first, second):
        at.session_state["palette:surprise:seed"] = 40
        at.button(key="palette:surprise").click().run()
    assert entries(first) == entries(second)
    first.button(key="palette:surprise").click().run()  # pressed again: another palette
    assert entries(first) != entries(second)


def test_thumbnails_come_from_the_gallery_when_there_is_one(monkeypatch):
    calls = []

    def fake_thumbnail(model, layer, channel, root=None):
        calls.append((model, layer, channel))
        return Image.new("RGB", (128, 128), (200, 30, 30)) if layer == "block3" else None
    monkeypatch.setattr(engine.dreaming.gallery_files, "thumbnail", fake_thumbnail)
    at = palette_page()
    pictures = len(at.get("image"))  # the sample photo
    add(at, "block3:1, block5:2")
    assert ("lite0", "block3", 1) in calls and ("lite0", "block5", 2) in calls
    assert len(at.get("image")) == pictures + 1  # block5 has no picture: a placeholder, no error


def test_load_a_palette_file_and_refuse_a_bad_one():
    at = palette_page()
    text = palette_json([PaletteFilter("block3", 4, 0.7), PaletteFilter("block10", 2, -0.3)], "lite0")
    at.file_uploader(key="palette:load:0").set_value(("sea.json", text.encode(), "application/json")).run()
    assert not at.exception
    assert entries(at) == [("block3", 4, 0.7), ("block10", 2, -0.3)]
    assert [s.value for s in at.slider if s.label == "Weight"] == [0.7, -0.3]
    assert any("Loaded **sea.json**: 2 filters" in s.value for s in at.success)
    # The file does not linger: a fresh, empty uploader takes the next one (no list piling up).
    assert [u.key for u in at.get("file_uploader") if "palette:load" in u.key] == ["palette:load:1"]
    at.file_uploader(key="palette:load:1").set_value(("cat.json", b"not json at all", "application/json")).run()
    assert any("Could not load **cat.json**: That file is not JSON, so it was not read." == e.value
               for e in at.error)
    assert entries(at) == [("block3", 4, 0.7), ("block10", 2, -0.3)]  # unchanged


def test_a_second_stop_equal_to_the_last_is_not_kept():
    at = add(palette_page(), "block5:3")
    at.button(key="palette:stop:add").click().run()
    assert len(at.session_state["palette:stops"]) == 1
    assert at.button(key="palette:stop:add").disabled  # the same palette again: nothing to add
    add(at, "block10:20")
    assert not at.button(key="palette:stop:add").disabled


def test_painting_on_noise_gives_a_picture_and_a_download():
    at = add(palette_page(), "block5:3, block10:20:0.5")
    start_from(at, "Noise")
    at.slider(key="palette.canvas_steps").set_value(8).run()
    at.button(key="run-palette").click().run()
    assert not at.exception
    result = at.session_state["palette:result"]
    assert result["after"].size == (256, 256) and result["before"] is None and result["gif"] is None
    assert result["recipe"]["start"] == "noise" and result["recipe"]["steps"] == 8
    assert any(d.label == "Download PNG" for d in at.download_button)


def test_painting_a_photo_shows_before_and_after():
    at = add(palette_page(), "block8:12")
    at.slider(key="palette.photo_steps").set_value(2).run()
    at.slider(key="palette.octaves").set_value(2).run()
    at.button(key="run-palette").click().run()
    assert not at.exception
    result = at.session_state["palette:result"]
    assert result["before"].size == result["after"].size and max(result["after"].size) == 384
    assert result["recipe"]["palettes"] == [[{"layer": "block8", "channel": 12, "weight": 1.0}]]
    assert at.subheader[-1].value == "Your painting"


def test_gradient_seed_uses_the_chosen_colours():
    at = add(palette_page(), "block5:3")
    start_from(at, "Gradient")
    at.color_picker(key="palette.top").set_value("#ff0000").run()
    at.slider(key="palette.canvas_steps").set_value(8).run()
    at.button(key="run-palette").click().run()
    result = at.session_state["palette:result"]
    assert result["recipe"]["start"] == "gradient:#ff0000:#1b2a6b"
    top = result["after"].crop((0, 0, 256, 40)).resize((1, 1), Image.BOX).getpixel((0, 0))
    assert top[0] > top[2]  # still red at the top


def test_journey_of_two_stops_gives_a_gif():
    at = add(palette_page(), "block5:3")
    start_from(at, "Noise")
    at.slider(key="palette.canvas_steps").set_value(8).run()
    at.button(key="palette:stop:add").click().run()
    at.button(key="palette:remove:palette:weight:lite0:block5:3").click().run()
    add(at, "block10:20")
    at.button(key="palette:stop:add").click().run()
    assert len(at.session_state["palette:stops"]) == 2
    assert at.toggle(key="palette.journey").value
    at.button(key="run-palette").click().run()
    assert not at.exception
    result = at.session_state["palette:result"]
    assert len(result["recipe"]["palettes"]) == 2 and result["gif"][:6] == b"GIF89a"
    gif = Image.open(io.BytesIO(result["gif"]))
    assert gif.size == (512, 512) and gif.n_frames >= 2  # the 256 px painting, enlarged to share
    [label] = [d.label for d in at.download_button if d.label.startswith("Download GIF")]
    assert label.startswith("Download GIF (512 × 512 px, ") and label.endswith("B)")


def test_variations_side_by_side_and_keep_one():
    at = add(palette_page(), "block5:3")
    start_from(at, "Noise")
    at.slider(key="palette.canvas_steps").set_value(8).run()
    at.select_slider(key="palette.variations").set_value(2).run()
    at.button(key="run-palette-variations").click().run()
    assert not at.exception
    variations = at.session_state["palette:variations"]
    assert [v["recipe"]["seed"] for v in variations] == [0, 1]
    at.button(key="palette:keep:1").click().run()
    assert at.session_state["palette:result"]["recipe"]["seed"] == 1
    assert not at.session_state["palette:variations"]


def test_settings_survive_a_page_change_and_a_png_of_the_result_restores_them():
    at = add(palette_page(), "block5:3:0.5")
    start_from(at, "Noise")
    at.slider(key="palette.canvas_steps").set_value(8).run()
    at.number_input(key="palette.seed").set_value(5).run()
    at.button(key="run-palette").click().run()
    result = at.session_state["palette:result"]
    settings = result["recipe"]["settings"]["palette"]
    assert settings["start"] == "Noise" and settings["seed"] == 5
    assert settings["palette"] == [{"model": "lite0", "layer": "block5", "channel": 3, "weight": 0.5}]
    assert result["recipe"]["label"] == "a palette on noise" and at.session_state["_history"][0].recipe is result["recipe"]

    at.switch_page("app_pages/deep_dream.py").run()
    at.switch_page("app_pages/hybrid_palette.py").run()
    assert at.segmented_control(key="palette.start").value == "Noise"
    assert at.session_state["palette.canvas_steps"] == 8 and at.session_state["palette.seed"] == 5

    # Everything changed, then the result's PNG is dropped on the photo picker.
    at.button(key="palette:remove:palette:weight:lite0:block5:3").click().run()
    add(at, "block9:1")
    start_from(at, "Photo")
    at.segmented_control(key="palette:source").set_value("Upload").run()
    at.file_uploader(key="palette:upload:0").set_value(("mine.png", png_bytes(result["after"], result["recipe"]),
                                                         "image/png")).run()
    at.button(key="palette:restore-recipe").click().run()
    assert not at.exception
    assert at.segmented_control(key="palette.start").value == "Noise"
    assert at.session_state["palette.canvas_steps"] == 8 and at.session_state["palette.seed"] == 5
    assert entries(at) == [("block5", 3, 0.5)]
    assert [s.value for s in at.slider if s.label == "Weight"] == [0.5]


def open_link(settings: dict):
    from streamlit.testing.v1 import AppTest

    from dreamlab.studio.recipes import share_token
    from tests.conftest import ROOT
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.query_params["recipe"] = share_token({"page": "palette", "settings": settings})
    at.run()
    assert not at.exception, at.exception
    return at


def test_a_restored_journey_brings_its_stops_back_and_a_bad_filter_is_dropped_with_a_note():
    stops = [{"model": "lite0", "filters": [{"model": "lite0", "layer": "block5", "channel": 3, "weight": 1.0}]},
             {"model": "lite0", "filters": [{"model": "lite0", "layer": "block10", "channel": 20, "weight": 1.0},
                                            {"model": "lite0", "layer": "nolayer", "channel": 1, "weight": 1.0}]}]
    at = open_link({"palette": {"palette": stops[1]["filters"], "stops": stops, "start": "Noise"}})
    assert at.title[0].value == "Hybrid Palette"
    assert entries(at) == [("block10", 20, 1.0)]  # the unknown layer is dropped, not an error
    assert [len(s["filters"]) for s in at.session_state["palette:stops"]] == [1, 1]
    assert any("(nolayer:1) is not one a network here can paint" in t.value for t in at.toast)


def test_a_link_with_a_thousand_filters_or_nan_weights_is_refused_or_dropped_not_an_exception():
    many = [{"model": "lite0", "layer": "block8", "channel": i % 64, "weight": 1.0} for i in range(1000)]
    at = open_link({"palette": {"palette": many, "canvas_steps": float("inf"), "color": "javascript:alert(1)"}})
    assert entries(at) == []
    toasts = [t.value for t in at.toast]
    assert any("holds 1000 filters; a palette holds at most 32" in t for t in toasts), toasts
    assert at.session_state["palette.canvas_steps"] == 64 and at.session_state["palette.color"] == "#2f5fc4"
    at = open_link({"palette": {"palette": [{"layer": "block8", "channel": 1, "weight": float("nan")},
                                            {"layer": "block8", "channel": 2, "weight": 9.0}]}})
    assert entries(at) == [("block8", 2, 2.0)]  # NaN dropped, 9 clamped to the slider's 2
    assert any("asked for Weight 9; DreamLab allows at most 2" in t.value for t in at.toast)


def test_a_gradient_palette_restored_from_a_link_asks_for_no_photo():
    at = open_link({"palette:source": "Upload", "palette": {"start": "Gradient", "top": "#ff0000"}})
    assert at.segmented_control(key="palette.start").value == "Gradient"
    assert at.color_picker(key="palette.top").value == "#ff0000"
    assert not any("upload" in t.value.lower() for t in at.toast)


def test_an_old_palette_link_from_before_the_settings_models_restores():
    """Settings as main 5d7e44a wrote them: widget keys, and the palette as JSON text."""
    import json
    filters = [{"model": "lite0", "layer": "block5", "channel": 3, "weight": 0.5}]
    at = open_link({"palette:start": "Noise", "palette:steps:canvas": 16, "palette:number": 7,
                    "palette:size:canvas": "Medium", "palette:variations:count": 2,
                    "palette:filters": json.dumps({"palette": filters, "stops": []})})
    assert at.segmented_control(key="palette.start").value == "Noise"
    assert at.session_state["palette.canvas_steps"] == 16 and at.session_state["palette.seed"] == 7
    assert at.select_slider(key="palette.canvas_size").value == "Medium"
    assert entries(at) == [("block5", 3, 0.5)]


def test_a_palette_file_with_a_thousand_filters_is_refused_in_one_sentence():
    import json
    at = palette_page()
    text = json.dumps({"dreamlab_palette": 1, "model": "lite0",
                       "filters": [{"layer": "block8", "channel": i % 64} for i in range(1000)]})
    at.file_uploader(key="palette:load:0").set_value(("big.json", text.encode(), "application/json")).run()
    assert not at.exception
    assert [e.value for e in at.error] == ["Could not load **big.json**: That palette holds 1000 filters; "
                                           "a palette holds at most 32, so it was not read."]
    assert entries(at) == []


def test_the_loaded_note_goes_with_the_next_action():
    at = palette_page()
    text = palette_json([PaletteFilter("block3", 4, 0.7)], "lite0")
    at.file_uploader(key="palette:load:0").set_value(("sea.json", text.encode(), "application/json")).run()
    assert any("Loaded **sea.json**" in s.value for s in at.success)
    add(at, "block5:2")  # a later edit: the note no longer describes the palette shown
    assert not any("Loaded" in s.value for s in at.success)
    assert entries(at)[0] == ("block3", 4, 0.7) and len(entries(at)) == 2


def test_a_palette_file_keeps_what_it_can_and_says_what_it_left_out():
    import json
    at = palette_page()
    text = json.dumps({"dreamlab_palette": 1, "model": "lite0",
                       "filters": [{"layer": "block8", "channel": 1, "weight": 0.5},
                                   {"layer": "block99", "channel": 1}, {"layer": "block8", "channel": 9999},
                                   {"layer": "block8", "channel": 2, "weight": float("nan")}]})
    at.file_uploader(key="palette:load:0").set_value(("odd.json", text.encode(), "application/json")).run()
    assert entries(at) == [("block8", 1, 0.5)]
    [note] = [s.value for s in at.success]
    assert note.startswith("Loaded **odd.json**: 1 filter.") and "3 filters of that palette" in note
