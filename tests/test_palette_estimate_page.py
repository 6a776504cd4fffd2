"""The Hybrid Palette says how long a painting takes before the press, from this machine's step costs
(as Deep Dream does), and a print's size; nothing before the costs are measured."""
import pytest

from engine.timing import ModelCosts, StepCosts
from tests.conftest import open_page

pytestmark = pytest.mark.usefixtures("one_torch_thread")


def measured(folder, monkeypatch, scale: float = 1.0) -> None:
    monkeypatch.setenv("DREAMLAB_CACHE_DIR", str(folder))
    lite0 = ModelCosts(pixels=[96 ** 2, 224 ** 2, 384 ** 2, 640 ** 2], seconds=[s * scale for s in (0.02, 0.08, 0.25, 0.7)],
                       depth={"stem": 0.1, "block7": 0.5, "head": 1.0}, update_per_mpx=0.05, fourier_per_mpx=0.3,
                       threads=2)
    StepCosts({"lite0": lite0}).save()


def captions(at) -> str:
    return " ".join(c.value for c in at.caption)


def with_a_palette():
    at = open_page("hybrid_palette.py")
    assert "This painting takes" not in captions(at)  # an empty palette: nothing to paint yet
    at.button(key="palette:surprise").click().run()
    return at


def test_nothing_is_said_before_the_costs_are_measured(tmp_path, monkeypatch):
    monkeypatch.setenv("DREAMLAB_CACHE_DIR", str(tmp_path))
    at = with_a_palette()
    assert "This painting takes" not in captions(at)


def test_the_time_is_said_before_the_press_and_grows_with_the_size(tmp_path, monkeypatch):
    measured(tmp_path, monkeypatch, scale=20.0)  # a slow machine: well above the 3 s worth saying
    at = with_a_palette()
    assert not at.exception
    assert "This painting takes about" in captions(at)
    at.select_slider(key="palette.photo_size").set_value("Print A4 300 dpi (3508 px)").run()
    said = captions(at)
    assert "The result will be 3508\u00d7" in said and "300 dpi" in said and "here." in said
