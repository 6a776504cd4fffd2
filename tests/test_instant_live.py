"""Instant style in the Live mirror: a frame mode of engine.motion.live, offered on the Live page."""
from __future__ import annotations

import numpy as np
import pytest

from engine.style import instant_files
from tests.test_live_page import fake_worker  # noqa: F401 (a fixture)
from tests.conftest import open_page

pytestmark = pytest.mark.skipif(not instant_files.instant_available()[0], reason=instant_files.instant_available()[1])


def test_instant_style_paints_live_frames_at_their_size(lite0, one_torch_thread):
    from engine.motion.live import LiveDreamer, LiveSettings
    from engine.motion.live_instant import register_instant_mode
    register_instant_mode()
    frame = np.random.default_rng(0).integers(0, 256, (120, 160, 3), dtype=np.uint8)
    dreamer = LiveDreamer(lite0, LiveSettings(width=160, height=120), "instant", {"painting": "swirling_night"})
    painted = dreamer.dream(frame)
    assert painted.shape == frame.shape and painted.dtype == np.uint8
    assert np.abs(painted.astype(int) - frame.astype(int)).mean() > 10  # painted, not passed through
    with pytest.raises(ValueError, match="unknown painting"):
        LiveDreamer(lite0, LiveSettings(width=160, height=120), "instant", {"painting": "nope"}).dream(frame)


def test_the_live_page_offers_instant_style_with_a_painting(fake_worker, monkeypatch):  # noqa: F811
    from types import SimpleNamespace
    from dreamlab.studio import live as mirror_ui
    monkeypatch.setattr(mirror_ui, "mirror", lambda current, use_sample: SimpleNamespace(state=SimpleNamespace(playing=False)))
    at = open_page("live.py")
    assert "Instant style" in at.button_group(key="live:mode").options
    at.button_group(key="live:mode").set_value("Instant style").run()
    at.selectbox(key="live:painting").set_value("great_wave").run()
    assert not at.exception
    config = fake_worker.configs[-1]
    assert config["mode"] == "instant" and config["params"] == {"painting": "great_wave", "keep_colors": False}
