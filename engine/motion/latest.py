"""A latest-value slot: the newest item replaces an unread one, so a slow reader never falls behind.

Live video uses it instead of a queue: when the dreaming cannot keep up with the camera, the frames
in between are dropped (counted in ``dropped``) and latency stays at one frame's work. Standard
library only, so the torch-free Streamlit server uses it too.
"""
from __future__ import annotations

import threading
from typing import Any, Optional


class LatestSlot:
    def __init__(self) -> None:
        self._ready = threading.Condition()
        self._item: Any = None
        self._full = False
        self.put_count = 0
        self.dropped = 0  # items replaced before anyone took them
        self.closed = False

    def put(self, item: Any) -> bool:
        """Offer ``item``; True when it replaced an unread one (that one is dropped)."""
        with self._ready:
            replaced = self._full
            self._item, self._full = item, True
            self.put_count += 1
            self.dropped += replaced
            self._ready.notify()
            return replaced

    def take(self, timeout: Optional[float] = None) -> Any:
        """The newest unread item (the slot is empty afterwards), or None after ``timeout`` seconds
        or once the slot is closed."""
        with self._ready:
            if not self._ready.wait_for(lambda: self._full or self.closed, timeout):
                return None
            if not self._full:
                return None
            item, self._item, self._full = self._item, None, False
            return item

    def close(self) -> None:
        """Wake every reader; ``take`` returns None from now on once the slot is empty."""
        with self._ready:
            self.closed = True
            self._ready.notify_all()
