"""A visitor's pictures on disk: kept across a reload, bounded, swept after a day, never reached by a
malformed id, and cleared on request."""
from __future__ import annotations

import time

import pytest
from PIL import Image

from dreamlab.studio import session_store

VISITOR = "0123456789abcdef0123456789abcdef"


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("DREAMLAB_DATA_DIR", str(tmp_path))
    return tmp_path


def picture(shade: int = 90) -> Image.Image:
    return Image.new("RGB", (32, 24), (shade, 40, 200))


def keep(number: int, made: float, visitor: str = VISITOR, video=None):
    return session_store.save(visitor, number, made, "dream", picture(number % 250), picture(), {"page": "dream",
                              "seed": number, "settings": {"dream": {"seed": number}}}, False, video)


def test_a_saved_picture_comes_back_with_its_recipe_photo_and_video():
    keep(1, time.time(), video=b"mp4 bytes")
    [stored] = session_store.load(VISITOR)
    assert stored.page == "dream" and stored.recipe["seed"] == 1
    assert stored.after.size == (32, 24) and stored.after.getpixel((0, 0)) == (1, 40, 200)
    assert stored.before is not None and stored.video == b"mp4 bytes"


def test_only_the_newest_pictures_are_kept(monkeypatch):
    monkeypatch.setattr(session_store, "MAX_PICTURES", 3)
    start = time.time()
    for number in range(5):
        keep(number, start + number)
    assert [s.recipe["seed"] for s in session_store.load(VISITOR)] == [4, 3, 2]


def test_the_byte_bound_drops_the_oldest_first(monkeypatch):
    start = time.time()
    keep(1, start)
    one = sum(f.stat().st_size for f in next(session_store.visitor_folder(VISITOR).iterdir()).iterdir())
    monkeypatch.setattr(session_store, "MAX_BYTES", int(one * 2.5))
    for number in (2, 3, 4):
        keep(number, start + number)
    assert [s.recipe["seed"] for s in session_store.load(VISITOR)] == [4, 3]


def test_files_older_than_a_day_are_swept_for_every_visitor():
    other = "f" * 32
    keep(1, time.time() - 25 * 3600)
    keep(2, time.time() - 25 * 3600, visitor=other)
    keep(3, time.time())
    session_store.sweep()
    assert [s.recipe["seed"] for s in session_store.load(VISITOR)] == [3]
    assert session_store.load(other) == []


@pytest.mark.parametrize("bad", ["../etc", "", "ABCDEF0123456789ABCDEF0123456789", "0" * 31, None, "0" * 32 + "/x"])
def test_a_malformed_visitor_id_reaches_no_folder(bad, data_dir):
    assert session_store.visitor_folder(bad) is None
    assert session_store.save(bad, 1, time.time(), "dream", picture(), None, {}, False, None) is None
    assert session_store.load(bad) == []


def test_visitors_see_only_their_own_and_clear_removes_them():
    keep(1, time.time())
    assert session_store.load("a" * 32) == []
    session_store.clear(VISITOR)
    assert session_store.load(VISITOR) == []


def test_the_store_is_under_the_data_dir_not_the_repository(data_dir):
    assert session_store.root() == data_dir / "sessions"
