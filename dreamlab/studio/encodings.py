"""A result's encodings (its PNG download, the slider's pictures), made once per picture.

A result's page runs again at every click on it, and each run used to encode its pictures anew: for
a 2048 px wallpaper about 1.3 s a run (timed with a throwaway script), in which the page was busy
and its Download button not yet drawn again. With the encodings kept, a run reaches its buttons at once.

The cache holds the few most recent encodings (a visitor looks at one result at a time) and forgets
one whose picture no longer exists, so it never keeps a result alive or grows with the history.
"""
from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from typing import Callable, Hashable, TypeVar

from PIL import Image

T = TypeVar("T")
KEPT = 6  # encodings: a result's download and its two slider pictures, for two results
_kept: "OrderedDict[tuple[int, Hashable], tuple[weakref.ref, object]]" = OrderedDict()
# Pages of different visitors run in different threads; reentrant, since a picture's end (and so
# ``_forget``) can come in the middle of this module's own work, during a garbage collection.
_lock = threading.RLock()


def encoded(picture: Image.Image, what: Hashable, make: Callable[[], T]) -> T:
    """``make()``, or what it gave before for this very ``picture`` object and ``what``."""
    key = (id(picture), what)
    with _lock:
        found = _kept.get(key)
        if found is not None and found[0]() is picture:  # an id is reused once its picture is gone
            _kept.move_to_end(key)
            return found[1]  # type: ignore[return-value]
    value = make()
    with _lock:
        _kept[key] = (weakref.ref(picture, lambda _, key=key: _forget(key)), value)
        _kept.move_to_end(key)
        while len(_kept) > KEPT:
            _kept.popitem(last=False)
    return value


def _forget(key: tuple[int, Hashable]) -> None:
    with _lock:
        _kept.pop(key, None)
