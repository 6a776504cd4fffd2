"""The Filter Gallery page through Streamlit's AppTest (no browser)."""
from dataclasses import replace

import pytest
from streamlit.testing.v1 import AppTest

import engine.filters
import engine.gallery
from engine.models import load_model
from tests.conftest import ROOT

PAGE = "app_pages/filter_gallery.py"
FAST = {"size": 40, "steps": 3}  # the real engine, painting tiny pictures so the tests stay quick


@pytest.fixture
def fast_painting(monkeypatch, jobs_here):
    """Large views and on-demand thumbnails are painted for real, but tiny; count the calls."""
    calls = []
    real_one, real_many = engine.filters.visualize_filter, engine.gallery.visualize_filters

    def one(net, layer, channel, settings, **kw):
        calls.append(("one", net.spec.name, layer, channel))
        return real_one(net, layer, channel, replace(settings, **FAST), **kw)

    def many(net, layer, channels, settings, **kw):
        calls.append(("many", net.spec.name, layer, tuple(channels)))
        return real_many(net, layer, channels, replace(settings, **FAST), **kw)
    monkeypatch.setattr(engine.filters, "visualize_filter", one)
    monkeypatch.setattr(engine.gallery, "visualize_filters", many)
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


def picks(at):
    return [b.label for b in at.button if str(b.key).startswith("gallery:pick:")]


def test_precomputed_layer_shows_a_page_of_thumbnails_and_pages_on(fast_painting):
    at = gallery({"gallery:layer:lite0": "block1"})
    assert at.title[0].value == "Filter Gallery"
    layer_box = at.selectbox(key="gallery:layer:lite0")
    assert layer_box.options[:3] == ["stem · edges & colours (32 filters)", "block0 · edges & colours (16 filters)",
                                     "block1 · edges & colours (24 filters)"]  # low to high, with hints
    assert len(at.get("image")) == 16 and picks(at) == [f"#{c}" for c in range(16)]
    assert any("Page 1 of 2" in m.value for m in at.markdown)
    at.button(key="gallery:next").click().run()
    assert picks(at) == [f"#{c}" for c in range(16, 24)] and len(at.get("image")) == 8
    assert fast_painting == []  # all precomputed: nothing was painted


def test_enlarge_shows_number_classes_and_adds_to_palette(fast_painting):
    at = gallery({"gallery:layer:lite0": "block1"})
    at.button(key="gallery:pick:5").click().run()
    assert not at.exception, at.exception
    assert at.subheader[0].value == "block1 · filter 5"
    assert fast_painting == [("one", "lite0", "block1", 5)]  # painted large on demand
    assert any("filter number **5** of 24" in m.value for m in at.markdown)
    classes = at.dataframe[0].value
    assert len(classes) == 3 and classes["chance"].between(0, 1).all()

    at.button(key="gallery:add").click().run()
    assert at.session_state["palette"] == [{"model": "lite0", "layer": "block1", "channel": 5, "weight": 1.0}]
    assert at.button(key="gallery:add").disabled  # no second copy
    assert any("in your palette" in s.value for s in at.success)

    at.button(key="gallery:pick:5").click().run()  # opening it again: cached, not painted again
    assert len(fast_painting) == 1


def test_a_dead_filter_says_so_and_cannot_be_added(fast_painting):
    at = gallery({"gallery:layer:lite0": "stem"})
    assert "#11 · unused" in picks(at)
    at.button(key="gallery:pick:11").click().run()
    assert any("never fires" in i.value for i in at.info)
    assert at.button(key="gallery:add").disabled


def test_compare_layers_low_to_high_and_open_one(fast_painting):
    at = gallery({"gallery:compare:lite0": ["block2", "stem", "block1"], "gallery:layer:lite0": "stem"})
    at.segmented_control(key="gallery:view").set_value("Compare layers").run()
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
    assert at.segmented_control(key="gallery:view").value == "One layer"
    assert at.subheader[0].value == f"block1 · filter {channel}"


def test_other_models_paint_on_demand_and_cache_per_process(fast_painting, monkeypatch):
    import jobs.tasks
    import ui.models
    monkeypatch.setattr(ui.models, "model_ready", lambda name: True)
    monkeypatch.setattr(jobs.tasks, "load_model", lambda name: load_model(name, pretrained=False, device="cpu"))
    at = gallery({"gallery:model": "googlenet"})
    layer = at.selectbox(key="gallery:layer:googlenet")
    assert layer.value == "conv1"
    assert fast_painting == [("many", "googlenet", "conv1", tuple(range(16)))]
    assert len(at.get("image")) == 16
    again = gallery({"gallery:model": "googlenet"})  # a new session in the same process
    assert len(again.get("image")) == 16 and len(fast_painting) == 1
