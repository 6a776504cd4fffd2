"""Recipes of Style Transfer, the Hybrid Palette and the Filter Gallery written by main 5d7e44a (a history
entry, a share link and a PNG recipe each, made by that version: tests/fixtures/make_old_picture_recipes.py)
bring back the same settings through today's settings models."""
import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dreamlab.studio.recipes import PAGES
from dreamlab.studio.page_state import restore_values
from tests.conftest import ROOT, open_page

FIXTURES = Path(__file__).parent / "fixtures"
FILTERS = [{"channel": 3, "layer": "block5", "model": "lite0", "weight": 0.5},
           {"channel": 12, "layer": "block8", "model": "lite0", "weight": 1.0}]
OLD = {  # what make_old_picture_recipes.py set on each page, in today's keys
    "style": {"style.paintings": ["great_wave", "swirling_night"], "style.share.great_wave": 50,
              "style.share.swirling_night": 80, "style.strength": 0.7, "style.brush": 1.5, "style.quality": "fast",
              "style.size": 96, "style.steps": 3, "style.scales": 1, "style.seed": 4, "style.painting_source": "Built-in",
              "style.content_layers": ["block7"], "style.style_layers": ["stem", "block0", "block2", "block4", "block7"]},
    "palette": {"palette.start": "Gradient", "palette.top": "#ff0000", "palette.bottom": "#1b2a6b",
                "palette.canvas_size": "Medium", "palette.canvas_steps": 16, "palette.seed": 6, "palette": FILTERS},
    "filter": {"gallery.model": "lite0", "gallery.layer": "block2", "gallery.per_page": 32,
               "gallery.view": "One layer", "gallery.size": "Large", "gallery:selected": ("lite0", "block2", 5)},
}
TITLES = {"style": "Style Transfer", "palette": "Hybrid Palette", "filter": "Filter Gallery"}


def sorted_filters(entries):
    return sorted((dict(e) for e in entries), key=lambda e: (e["layer"], e["channel"]))


def assert_shows(state, expected: dict) -> None:
    for key, value in expected.items():
        found = state[key]
        if key == "palette":
            assert sorted_filters(found) == sorted_filters(value)
        else:
            assert found == value, (key, found, value)


@pytest.mark.parametrize("name", list(OLD))
def test_an_old_history_entry_restores_the_same_settings(name):
    entry = json.loads((FIXTURES / f"old_history_{name}.json").read_text())
    values, notes = restore_values(entry["page"], PAGES[entry["page"]].prefix, entry["recipe"]["settings"],
                                   "the history")
    assert_shows(values, OLD[name])
    assert notes == []


@pytest.mark.parametrize("name", list(OLD))
def test_an_old_share_link_restores_the_same_settings(name, monkeypatch):
    import dreamlab.studio.thumbnails
    monkeypatch.setattr(dreamlab.studio.thumbnails, "paint_missing", lambda *args, **kwargs: None)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.query_params["recipe"] = (FIXTURES / f"old_link_{name}.txt").read_text().strip()
    at.run()
    assert not at.exception, at.exception
    assert at.title[0].value == TITLES[name]
    assert_shows(at.session_state, OLD[name])
    assert any("are back" in t.value for t in at.toast)


@pytest.mark.parametrize("name, page, picker", [("style", "style_transfer.py", "style"),
                                                ("palette", "hybrid_palette.py", "palette"),
                                                ("filter", "deep_dream.py", "dream")])
def test_an_old_png_recipe_restores_the_same_settings(name, page, picker):
    at = open_page(page)
    at.segmented_control(key=f"{picker}:source").set_value("Upload").run()
    png = (FIXTURES / f"old_recipe_{name}.png").read_bytes()
    at.file_uploader(key=f"{picker}:upload:0").set_value(("old.png", png, "image/png")).run()
    at.button(key=f"{picker}:restore-recipe").click().run()
    assert not at.exception, at.exception
    assert at.title[0].value == TITLES[name]
    assert_shows(at.session_state, OLD[name])
