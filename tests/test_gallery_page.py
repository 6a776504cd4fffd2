"""The Filter Gallery page through Streamlit's AppTest (no browser)."""
import json
from dataclasses import replace

import pytest
from streamlit.testing.v1 import AppTest

import engine.dreaming.filters
import engine.dreaming.gallery
from engine.network.models import load_model
from tests.conftest import ROOT

PAGE = "app_pages/filter_gallery.py"
FAST = {"size": 40, "steps": 3}  # the real engine, painting tiny pictures so the tests stay quick


@pytest.fixture
def fast_painting(monkeypatch, jobs_here):
    """Large views and on-demand thumbnails are painted for real, but tiny; count the calls."""
    calls = []
    real_one, real_many = engine.dreaming.filters.visualize_filter, engine.dreaming.gallery.visualize_filters

    def one(net, layer, channel, settings, **kw):
        calls.append(("one", net.spec.name, layer, channel))
        return real_one(net, layer, channel, replace(settings, **FAST), **kw)

    def many(net, layer, channels, settings, **kw):
        calls.append(("many", net.spec.name, layer, tuple(channels)))
        return real_many(net, layer, channels, replace(settings, **FAST), **kw)
    monkeypatch.setattr(engine.dreaming.filters, "visualize_filter", one)
    monkeypatch.setattr(engine.dreaming.gallery, "visualize_filters", many)
    return calls


def gallery(state: dict | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    for key, value in (state or {}).items():
        at.session_state[key] = value
    at.run()
    at.switch_page(PAGE)
    at.run()
    assert not at.exception, at.exception
    return at


def grid(at, model: str = "lite0") -> dict:
    """The thumbnail grid's data: its layer and one item per filter (label, state, picture or not)."""
    found = [e for e in at.main if getattr(e, "key", None) == f"gallery:grid:{model}"]
    assert len(found) == 1, "no thumbnail grid on the page"
    return json.loads(found[0].proto.json)


def picks(at, model: str = "lite0"):
    return [item["label"] for item in grid(at, model)["items"]]


def pictures(at, model: str = "lite0") -> int:
    return sum(1 for item in grid(at, model)["items"] if item["src"] and item["state"] == "done")


def pick(at, layer: str, channel: int, model: str = "lite0"):
    """What a click on a thumbnail does (the grid's callback, dreamlab.studio.gallery.select)."""
    at.session_state["gallery:selected"] = (model, layer, channel)
    return at.run()


def test_precomputed_layer_shows_a_page_of_thumbnails_and_pages_on(fast_painting):
    at = gallery({"gallery.layer": "block1"})
    assert at.title[0].value == "Filter Gallery"
    layer_box = at.selectbox(key="gallery.layer")
    assert layer_box.options[:3] == ["stem · edges & colours (32 filters)", "block0 · edges & colours (16 filters)",
                                     "block1 · edges & colours (24 filters)"]  # low to high, with hints
    assert pictures(at) == 16 and picks(at) == [f"#{c}" for c in range(16)]
    assert grid(at)["layer"] == "block1" and grid(at)["cell"] == 128  # shown at most at their own size
    assert any("Page 1 of 2" in m.value for m in at.markdown)
    at.button(key="gallery:next").click().run()
    assert picks(at) == [f"#{c}" for c in range(16, 24)] and pictures(at) == 8
    assert fast_painting == []  # all precomputed: nothing was painted


def test_enlarge_shows_number_classes_and_adds_to_palette(fast_painting):
    at = gallery({"gallery.layer": "block1"})
    pick(at, "block1", 5)
    assert not at.exception, at.exception
    assert at.subheader[0].value == "block1 · filter 5"
    assert fast_painting == [("one", "lite0", "block1", 5)]  # painted large on demand
    assert any("filter number **5** of 24" in m.value for m in at.markdown)
    classes = at.dataframe[0].value
    assert len(classes) == 3 and classes["chance"].between(0, 1).all()

    at.button(key="gallery:add").click().run()
    assert at.session_state["palette"] == [{"model": "lite0", "layer": "block1", "channel": 5, "weight": 1.0}]
    assert at.button(key="gallery:add").disabled  # no second copy
    assert any(s.value.endswith("is in your palette (1 filter).") for s in at.success)  # not "(1 filters)"

    pick(at, "block1", 5)  # opening it again: cached, not painted again
    assert len(fast_painting) == 1


def test_a_dead_filter_says_so_and_cannot_be_added(fast_painting):
    at = gallery({"gallery.layer": "stem"})
    assert "#11 · unused" in picks(at)
    pick(at, "stem", 11)
    assert any("never fires" in i.value for i in at.info)
    assert at.button(key="gallery:add").disabled


def test_compare_layers_low_to_high_and_open_one(fast_painting):
    at = gallery({"gallery.compare": ["block2", "stem", "block1"], "gallery.layer": "stem"})
    at.segmented_control(key="gallery.view").set_value("Compare layers").run()
    assert not at.exception, at.exception
    captions = [c.value for c in at.caption if "**" in c.value]  # the sidebar's history has one too
    assert [c.split("**")[1] for c in captions] == ["stem", "block1", "block2"]
    assert len(at.get("image")) == 3 and fast_painting == []
    before = captions
    at.button(key="gallery:shuffle").click().run()
    assert [c.value for c in at.caption] != before  # other filters
    opener = [b for b in at.button if str(b.key).startswith("gallery:open:block1:")][0]
    channel = int(opener.key.rsplit(":", 1)[1])
    opener.click().run()
    assert at.segmented_control(key="gallery.view").value == "One layer"
    assert at.subheader[0].value == f"block1 · filter {channel}"


def test_other_models_paint_on_demand_and_cache_per_process(fast_painting, monkeypatch):
    import dreamlab.jobs.tasks
    import dreamlab.studio.models
    monkeypatch.setattr(dreamlab.studio.models, "model_ready", lambda name: True)
    monkeypatch.setattr(dreamlab.jobs.tasks, "load_model", lambda name: load_model(name, pretrained=False, device="cpu"))
    at = gallery({"gallery.model": "googlenet"})
    layer = at.selectbox(key="gallery.layer")
    assert layer.value == "conv1"
    assert fast_painting == [("many", "googlenet", "conv1", tuple(range(16)))]
    assert pictures(at, "googlenet") == 16
    again = gallery({"gallery.model": "googlenet"})  # a new session in the same process
    assert pictures(again, "googlenet") == 16 and len(fast_painting) == 1


def test_a_layer_that_is_painted_on_demand_replaces_the_grid_and_fills_it(fast_painting):
    at = gallery({"gallery.layer": "block1"})
    assert grid(at)["layer"] == "block1"
    at.selectbox(key="gallery.layer").set_value("head").run()
    assert not at.exception, at.exception
    shown = grid(at)
    assert shown["layer"] == "head" and picks(at) == [f"#{c}" for c in range(16)]
    assert fast_painting == [("many", "lite0", "head", tuple(range(16)))]
    assert pictures(at) == 16  # painted, then shown in their own cells


def test_live_preview_pieces_go_to_their_own_filters():
    from PIL import Image
    from dreamlab.studio.thumbnails import preview_pieces
    strip = Image.new("RGB", (3 * 8, 8))
    for i, colour in enumerate([(255, 0, 0), (0, 255, 0), (0, 0, 255)]):
        strip.paste(colour, (i * 8, 0, (i + 1) * 8, 8))
    strip.info["channels"] = [7, 3, 9]
    pieces = preview_pieces(strip)
    assert sorted(pieces) == [3, 7, 9]
    assert pieces[7].getpixel((4, 4)) == (255, 0, 0) and pieces[9].getpixel((4, 4)) == (0, 0, 255)
    assert pieces[3].size == (8, 8)
    assert preview_pieces(Image.new("RGB", (8, 8))) == {}  # a preview without its filters: nothing placed


def test_settings_survive_a_page_round_trip(fast_painting):
    at = gallery({"gallery.layer": "block1"})
    at.selectbox(key="gallery.layer").set_value("block2").run()
    at.selectbox(key="gallery.per_page").set_value(32).run()
    pick(at, "block2", 3)
    at.segmented_control(key="gallery.size").set_value("Extra large").run()
    at.switch_page("app_pages/home.py").run()
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    assert at.selectbox(key="gallery.layer").value == "block2"
    assert at.selectbox(key="gallery.per_page").value == 32
    assert at.segmented_control(key="gallery.size").value == "Extra large"
    assert at.subheader[0].value == "block2 · filter 3"


def test_extra_large_is_shown_bigger_and_goes_to_the_history(fast_painting):
    at = gallery({"gallery.layer": "block1"})
    pick(at, "block1", 7)  # a filter no other test paints large (they are cached per process)
    captions = []
    for label in ("Large", "Extra large"):
        at.segmented_control(key="gallery.size").set_value(label).run()
        assert not at.exception, at.exception
        captions += [i.proto.imgs[0].caption for i in at.get("image") if "Filter 7 of block1" in str(i.proto)]
    # each painted at its size (shown at it: see the browser test); painted large from the thumbnail
    assert captions == ["Filter 7 of block1, large: 320 px", "Filter 7 of block1, extra large: 512 px"]
    history = at.session_state["_history"]
    assert [e.page for e in history] == ["filter", "filter"]  # both sizes, newest first
    recipe = history[0].recipe
    assert recipe["size"] == 512 and recipe["settings"]["gallery"]["selected"] == ["lite0", "block1", 7]
    assert recipe["settings"]["gallery"]["layer"] == "block1"
    assert at.get("download_button")  # the full-size picture can be downloaded


def test_restoring_a_large_filter_from_the_history_reopens_it(fast_painting):
    at = gallery({"gallery.layer": "block2"})
    pick(at, "block2", 9)  # no other test paints this one large
    at.segmented_control(key="gallery.size").set_value("Extra large").run()
    entry = at.session_state["_history"][0]
    assert entry.recipe["page"] == "filter"
    fresh = gallery({"gallery.layer": "block1"})  # another visit: what the history's Restore puts back
    from dreamlab.studio.page_state import restore_values
    values, notes = restore_values("filter", "gallery:", entry.recipe["settings"], "the history")
    assert notes == []
    fresh.session_state["_restore_pending"] = values
    fresh.session_state["_restore_goto"] = "app_pages/filter_gallery.py"
    fresh.run()
    assert not fresh.exception, fresh.exception
    assert fresh.selectbox(key="gallery.layer").value == "block2"
    assert fresh.subheader[0].value == "block2 · filter 9"
    assert fresh.segmented_control(key="gallery.size").value == "Extra large"


def open_link(settings: dict) -> AppTest:
    from dreamlab.studio.recipes import share_token
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.query_params["recipe"] = share_token({"page": "filter", "settings": settings})
    at.run()
    assert not at.exception, at.exception
    return at


def test_an_old_gallery_link_from_before_the_settings_models_restores(fast_painting):
    """Settings as main 5d7e44a wrote them: ``gallery:model``, a layer per network, texts for per page."""
    at = open_link({"gallery:model": "lite0", "gallery:layer:lite0": "block2", "gallery:per-page": "32",
                    "gallery:view": "One layer", "gallery:selected": ["lite0", "block2", 4]})
    assert at.title[0].value == "Filter Gallery"
    assert at.selectbox(key="gallery.layer").value == "block2"
    assert at.selectbox(key="gallery.per_page").value == 32
    assert at.subheader[0].value == "block2 · filter 4"


def test_a_crafted_gallery_link_shows_the_usual_page_not_an_exception(fast_painting):
    at = open_link({"gallery": {"layer": "<script>", "per_page": 10**9, "model": ["x"], "view": None,
                                "selected": ["lite0", "block2", 10**6]}, "gallery:grid:lite0": "junk"})
    assert at.selectbox(key="gallery.layer").value == "block8"
    assert at.selectbox(key="gallery.per_page").value == 16
    assert not at.subheader  # no filter shown large: filter 1000000 does not exist


def test_a_page_of_one_filter_says_filter_not_filters():
    from dreamlab.studio.gallery import _which
    assert _which([112]) == "filter 112"  # the Paint button: "Paint filter 112", not "Paint filters 112–112"
    assert _which([16, 17, 18]) == "filters 16–18"
