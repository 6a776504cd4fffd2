"""The Live page without a browser (AppTest): the line when the mirror is busy, and the page's
settings reaching the live worker as one plain config."""
from __future__ import annotations

import threading

import pytest

from dreamlab.jobs import live
from tests.conftest import open_page


class FakeWorker:
    """Stands in for the live worker process: remembers what it was told."""
    def __init__(self):
        self.ready = threading.Event()
        self.ready.set()
        self.listener = None
        self.configs = []

    def configure(self, config):
        self.configs.append(config)

    def offer(self, number, frame):
        pass


@pytest.fixture
def fake_worker(monkeypatch):
    worker = FakeWorker()
    monkeypatch.setattr(live, "worker", lambda index: worker)
    monkeypatch.setattr(live, "_SEATS", live.Seats(1, clock=lambda: 0.0))  # nobody goes stale however slow the run
    return worker


def test_a_busy_mirror_says_how_many_are_ahead(fake_worker):
    live.seats().ask("someone else")
    at = open_page("live.py")
    assert any("The live mirror is busy, 1 ahead of you" in i.value for i in at.info)
    assert not fake_worker.configs  # nothing reached the worker for a visitor in line
    assert at.button.len == 0  # no Snapshot or Record while waiting


def test_the_settings_reach_the_worker(fake_worker, monkeypatch):
    from types import SimpleNamespace
    from dreamlab.studio import live as mirror_ui
    # (streamlit-webrtc needs a real server session: the browser tests run it)
    monkeypatch.setattr(mirror_ui, "mirror", lambda current, use_sample: SimpleNamespace(state=SimpleNamespace(playing=False)))
    at = open_page("live.py")
    config = fake_worker.configs[-1]
    assert config["mode"] == "dream" and config["params"]["layers"] == {"block8": 1.0}  # the Classic preset
    assert (config["settings"]["width"], config["settings"]["height"]) == (320, 240)
    at.radio(key="live:preset").set_value("creatures").run()
    assert fake_worker.configs[-1]["params"]["layers"] == {"block10": 1.0, "block12": 0.5}
    at.button[0].click().run()  # Snapshot before any dream: a toast, no error
    assert not at.exception and not at.error
