"""A visitor's pictures on disk, so a reload (F5) keeps them: one folder per visitor, one per picture.

The visitor's id is a random 128-bit token the browser keeps in a cookie (``dreamlab.studio.visitor``),
never in the address, so a copied link never opens someone else's pictures. The folder lives under
``$DREAMLAB_DATA_DIR`` (else ``~/.cache/dreamlab/sessions``), never inside the repository.

Bounds: the newest ``MAX_PICTURES`` pictures, at most ``MAX_BYTES`` on disk per visitor (the oldest go
first), and nothing older than ``MAX_AGE_S`` (swept for every visitor when a session starts).
No Streamlit here: plain files, so it can be tested without a page.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from PIL import Image

MAX_PICTURES = 50
MAX_BYTES = 500_000_000
MAX_AGE_S = 24 * 3600
BOUND_WORDS = "your last 50 pictures, up to 500 MB; the oldest go first, and none is kept longer than a day"
VISITOR_ID = re.compile(r"^[0-9a-f]{32}$")  # secrets.token_hex(16): anything else is not ours
_ENTRY = re.compile(r"^(\d{10,})-(\d{1,9})$")


def root() -> Path:
    given = os.environ.get("DREAMLAB_DATA_DIR")
    base = Path(given) if given else Path.home() / ".cache" / "dreamlab"
    return base / "sessions"


def visitor_folder(visitor: str) -> Optional[Path]:
    """The folder of a well-formed visitor id (None for anything else: no path tricks from a cookie)."""
    return root() / visitor if isinstance(visitor, str) and VISITOR_ID.match(visitor) else None


@dataclass
class Stored:
    """One picture as read back from disk."""
    folder: Path
    page: str
    recipe: dict
    stopped: bool
    made: float
    after: Image.Image
    before: Optional[Image.Image]
    video: Optional[bytes]


def save(visitor: str, number: int, made: float, page: str, after: Image.Image, before: Optional[Image.Image],
         recipe: dict, stopped: bool, video: Optional[bytes]) -> Optional[Path]:
    """Write one picture (PNG), its photo, its video and its recipe; then keep the bounds. Returns the
    entry's folder, or None when it could not be written (a full or read-only disk loses nothing else)."""
    home = visitor_folder(visitor)
    if home is None:
        return None
    folder = home / f"{int(made * 1000):013d}-{number}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        after.convert("RGB").save(folder / "after.png")
        if before is not None:
            before.convert("RGB").save(folder / "before.png")
        if video is not None:
            (folder / "video.mp4").write_bytes(video)
        meta = {"page": page, "recipe": recipe, "stopped": bool(stopped), "made": made}
        (folder / "meta.json").write_text(json.dumps(meta, default=str), encoding="utf-8")
    except (OSError, ValueError, TypeError):
        shutil.rmtree(folder, ignore_errors=True)
        return None
    enforce_bounds(home)
    return folder if folder.exists() else None


def _entries(home: Path) -> list[Path]:
    """The visitor's entry folders, newest first."""
    try:
        found = [p for p in home.iterdir() if p.is_dir() and _ENTRY.match(p.name)]
    except OSError:
        return []
    return sorted(found, key=lambda p: int(_ENTRY.match(p.name).group(1)), reverse=True)


def _size(folder: Path) -> int:
    return sum(f.stat().st_size for f in folder.iterdir() if f.is_file())


def enforce_bounds(home: Path, now: Optional[float] = None) -> None:
    """Drop the oldest entries beyond MAX_PICTURES or MAX_BYTES, and any older than MAX_AGE_S."""
    now = time.time() if now is None else now
    total = 0
    for index, folder in enumerate(_entries(home)):
        total += _size(folder)
        made = int(_ENTRY.match(folder.name).group(1)) / 1000
        if index >= MAX_PICTURES or (index > 0 and total > MAX_BYTES) or now - made > MAX_AGE_S:
            shutil.rmtree(folder, ignore_errors=True)


def sweep(now: Optional[float] = None) -> None:
    """Delete every visitor's files older than a day (and their folders once empty)."""
    now = time.time() if now is None else now
    try:
        homes = [p for p in root().iterdir() if p.is_dir() and VISITOR_ID.match(p.name)]
    except OSError:
        return
    for home in homes:
        enforce_bounds(home, now)
        try:
            if not any(home.iterdir()) and now - home.stat().st_mtime > MAX_AGE_S:
                home.rmdir()
        except OSError:
            pass


def load(visitor: str) -> list[Stored]:
    """The visitor's pictures, newest first (an entry that cannot be read is skipped)."""
    home = visitor_folder(visitor)
    if home is None or not home.is_dir():
        return []
    enforce_bounds(home)
    found = []
    for folder in _entries(home):
        try:
            meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
            after = Image.open(folder / "after.png")
            after.load()
            before = None
            if (folder / "before.png").is_file():
                before = Image.open(folder / "before.png")
                before.load()
            video = (folder / "video.mp4").read_bytes() if (folder / "video.mp4").is_file() else None
            if not isinstance(meta, dict) or not isinstance(meta.get("recipe"), dict):
                continue
            found.append(Stored(folder, str(meta.get("page")), meta["recipe"], bool(meta.get("stopped")),
                                float(meta.get("made", 0)), after, before, video))
        except (OSError, ValueError, TypeError, Image.DecompressionBombError):
            continue
    return found


def clear(visitor: str) -> None:
    """Delete all of the visitor's pictures."""
    home = visitor_folder(visitor)
    if home is not None:
        shutil.rmtree(home, ignore_errors=True)
