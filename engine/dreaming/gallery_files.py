"""A built filter gallery as files (its manifest and picture sheets), the per-filter facts it holds, and
the in-memory cache of pictures painted on demand. No torch: the app's server reads thumbnails and facts
from here; painting (``engine.dreaming.gallery``) happens in the jobs."""
from __future__ import annotations

import functools
import json
import os
import random
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Optional, Sequence

from PIL import Image

from engine.paths import ASSETS_DIR


GALLERY_DIR = ASSETS_DIR / "gallery"


MANIFEST = "manifest.json"


def read_manifest(folder: os.PathLike | str) -> Optional[dict]:
    path = Path(folder) / MANIFEST
    if not path.exists():
        return None
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def write_manifest(folder: os.PathLike | str, manifest: dict) -> None:
    path = Path(folder) / MANIFEST
    tmp = path.with_suffix(".tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(manifest, f, ensure_ascii=False, separators=(",", ":"))
    os.replace(tmp, path)


@functools.lru_cache(maxsize=8)
def load_manifest(model: str, root: str = str(GALLERY_DIR)) -> Optional[dict]:
    """The shipped manifest of ``model`` (None if there is no precomputed gallery for it)."""
    return read_manifest(Path(root) / model)


@functools.lru_cache(maxsize=64)
def _sheet(path: str) -> Image.Image:
    with Image.open(path) as im:
        return im.convert("RGB")


def filter_info(model: str, layer: str, channel: int, root: str = str(GALLERY_DIR)) -> Optional[dict]:
    manifest = load_manifest(model, root)
    if not manifest or layer not in manifest["layers"]:
        return None
    filters = manifest["layers"][layer]["filters"]
    return filters[channel] if 0 <= channel < len(filters) else None


def thumbnail(model: str, layer: str, channel: int, root: str = str(GALLERY_DIR)) -> Optional[Image.Image]:
    """The precomputed picture of one filter, or None if it was not precomputed."""
    manifest = load_manifest(model, root)
    if not manifest or layer not in manifest["layers"]:
        return None
    entry = manifest["layers"][layer]
    if not 0 <= channel < entry["channels"]:
        return None
    sheet = _sheet(str(Path(root) / model / entry["sheet"]))
    size, columns = entry["size"], entry["columns"]
    x, y = (channel % columns) * size, (channel // columns) * size
    return sheet.crop((x, y, x + size, y + size))


class RenderCache:
    """Pictures painted in this process (``engine.dreaming.gallery.PaintingCache`` paints them), keyed by (model, layer, channel, size, steps, seed), or any
    tuple for other values (e.g. a picture's top classes). The least recently used pictures are
    dropped once they hold more than ``max_pixels`` pixels in all."""

    def __init__(self, max_pixels: int = 60_000_000):
        self.items: OrderedDict[tuple, object] = OrderedDict()
        self.max_pixels = max_pixels
        self.pixels = 0
        self.lock = threading.Lock()

    @staticmethod
    def _size(value) -> int:
        return value.width * value.height if isinstance(value, Image.Image) else 0

    def get(self, key: tuple):
        with self.lock:
            if key not in self.items:
                return None
            self.items.move_to_end(key)
            return self.items[key]

    def put(self, key: tuple, value) -> None:
        with self.lock:
            if key in self.items:
                self.pixels -= self._size(self.items.pop(key))
            self.items[key] = value
            self.pixels += self._size(value)
            while self.pixels > self.max_pixels and len(self.items) > 1:
                _, dropped = self.items.popitem(last=False)
                self.pixels -= self._size(dropped)

    def missing(self, model: str, layer: str, channels: Sequence[int], size: int, steps: int, seed: int) -> list[int]:
        with self.lock:
            return [c for c in channels if (model, layer, c, size, steps, seed) not in self.items]


RENDER_CACHE = RenderCache()


def dead_filters(model: str, layer: str, root: str = str(GALLERY_DIR)) -> set[int]:
    manifest = load_manifest(model, root)
    if not manifest or layer not in manifest["layers"]:
        return set()
    return {f["channel"] for f in manifest["layers"][layer]["filters"] if f.get("dead")}


def compare_picks(spec, layers: Sequence[str], seed: int, root: str = str(GALLERY_DIR)) -> list[tuple[str, int]]:
    """One filter from each layer (low to high), chosen at random by ``seed``, never a dead one."""
    order = spec.layer_names()
    rng = random.Random(seed)
    picks = []
    for layer in sorted(layers, key=order.index):
        dead = dead_filters(spec.name, layer, root)
        alive = [c for c in range(spec.layer(layer).channels) if c not in dead]
        picks.append((layer, rng.choice(alive or [0])))
    return picks
