"""The Filter Gallery's thumbnails: precomputed sprite sheets for lite0, rendered on demand otherwise.

Layout of a built gallery (``assets/gallery`` in the repo)::

    <model>/manifest.json    settings + per layer: sheet file, columns, and per filter its top
                             ImageNet classes, rank, contrast and a "dead" flag
    <model>/<layer>.webp     every filter of the layer, ``size`` px each, ``columns`` per row

The build is resumable: each finished layer is written at once, and a rerun with the same
settings skips layers already in the manifest.
"""
from __future__ import annotations

import os
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable, Optional, Sequence

import torch
from PIL import Image

from engine.network.classify import classify
from engine.dreaming.filters import visualize_filters
from engine.dreaming.settings import FilterSettings, GallerySettings
from engine.dreaming.gallery_files import GALLERY_DIR, RenderCache, load_manifest, read_manifest, write_manifest
from engine.images.pictures import contact_sheet
from engine.images.tensors import to_tensor
from engine.network.models import FeatureNet
from engine.progress import ProgressFn

FORMAT_VERSION = 1
DEAD_RANGE = 1e-4  # a filter whose activation varies less than this over all its layer's pictures is dead


@dataclass
class FilterInfo:
    channel: int
    top: list  # [[label, probability], ...] of the picture as the classifier sees it
    rank: int  # 0 = the picture excites its own filter more than any other filter of the layer
    contrast: float  # pixel standard deviation of the picture (0 = flat)
    dead: bool = False  # the filter never changes (e.g. all its weights are zero)


def filter_stats(net: FeatureNet, layer: str, channels: Sequence[int], pictures: Sequence[Image.Image]):
    """For pictures[i] made for channels[i], seen as photos: the rank of its own filter among the
    layer's filters by mean activation (0 = first), its contrast (pixel standard deviation), and
    each filter's lowest and highest activation over all the pictures (to spot dead filters)."""
    with torch.no_grad():
        x = torch.cat([to_tensor(p, net.device) for p in pictures])
        acts = net(x, [layer])[layer]
        means = acts.mean(dim=(2, 3))
        low, high = acts.amin(dim=(0, 2, 3)).cpu(), acts.amax(dim=(0, 2, 3)).cpu()
    own = means[torch.arange(len(channels)), torch.as_tensor(list(channels))]
    ranks = (means > own[:, None]).sum(dim=1).tolist()
    contrasts = x.flatten(1).std(dim=1).tolist()
    return ranks, contrasts, low, high


def build_layer(net: FeatureNet, layer: str, settings: GallerySettings, batch_size: int = 16,
                on_progress: Optional[ProgressFn] = None, cancel: Optional[threading.Event] = None):
    """Render every filter of ``layer``: (sheet image, [FilterInfo])."""
    channels = list(range(net.spec.layer(layer).channels))
    pictures = visualize_filters(net, layer, channels, settings, batch_size=batch_size,
                                 on_progress=on_progress, cancel=cancel)
    ranks, contrasts, low, high = [], [], None, None
    for i in range(0, len(channels), batch_size):
        r, c, lo, hi = filter_stats(net, layer, channels[i:i + batch_size], pictures[i:i + batch_size])
        ranks, contrasts = ranks + r, contrasts + c
        low = lo if low is None else torch.minimum(low, lo)
        high = hi if high is None else torch.maximum(high, hi)
    dead = ((high - low) < DEAD_RANGE).tolist()  # constant over every picture of its layer
    infos = []
    for c, picture in zip(channels, pictures):
        top = [[label, round(prob, 4)] for label, prob in classify(picture, net, settings.top_k)]
        infos.append(FilterInfo(c, top, int(ranks[c]), round(float(contrasts[c]), 4), bool(dead[c])))
    return contact_sheet(pictures, settings.columns), infos


def build_gallery(net: FeatureNet, out_dir: os.PathLike | str, settings: GallerySettings,
                  layers: Optional[Sequence[str]] = None, batch_size: int = 16, force: bool = False,
                  log: Callable[[str], None] = print,
                  on_progress: Optional[ProgressFn] = None) -> dict:
    """Build (or finish building) the gallery of ``net`` in ``out_dir/<model>``; returns the manifest."""
    layers = list(layers) if layers else [l.name for l in net.spec.layers if l.name != "head"]
    for layer in layers:
        net.spec.layer(layer)
    folder = Path(out_dir) / settings.model
    folder.mkdir(parents=True, exist_ok=True)
    manifest = read_manifest(folder)
    if manifest is None or manifest.get("settings", {}).get("render_key") != settings.render_key():
        manifest = {"format": FORMAT_VERSION, "model": settings.model,
                    "settings": {**asdict(settings), "render_key": settings.render_key()}, "layers": {}}
    for layer in layers:
        if not force and layer in manifest["layers"] and (folder / manifest["layers"][layer]["sheet"]).exists():
            log(f"{layer}: already built, skipped")
            continue
        started = time.monotonic()
        sheet, infos = build_layer(net, layer, settings, batch_size, on_progress)
        name = f"{layer}.webp"
        sheet.save(folder / name, format="WEBP", quality=settings.quality, method=6)
        seconds = time.monotonic() - started
        manifest["layers"][layer] = {
            "sheet": name, "columns": settings.columns, "size": settings.size,
            "channels": len(infos), "hint": net.spec.layer(layer).hint, "seconds": round(seconds, 1),
            "device": str(net.device), "filters": [asdict(i) for i in infos]}
        order = [l.name for l in net.spec.layers]
        manifest["layers"] = dict(sorted(manifest["layers"].items(), key=lambda kv: order.index(kv[0])))
        write_manifest(folder, manifest)
        ranks = [i.rank for i in infos]
        log(f"{layer}: {len(infos)} filters in {seconds:.0f} s ({seconds / len(infos):.2f} s each), "
            f"own filter first in {ranks.count(0)}/{len(infos)}, dead {sum(i.dead for i in infos)}, "
            f"min contrast {min(i.contrast for i in infos if not i.dead) if any(not i.dead for i in infos) else 0:.3f}, "
            f"{(folder / name).stat().st_size / 1024:.0f} KiB")
    return manifest


# --- reading a built gallery ----------------------------------------------------------------




# --- on demand, cached per process (models without a precomputed gallery) -------------------

class PaintingCache(RenderCache):
    """A ``RenderCache`` that paints what it lacks (in a job's process)."""

    def render(self, net: FeatureNet, layer: str, channels: Sequence[int], settings: FilterSettings, *,
               batch_size: int = 16, on_progress: Optional[ProgressFn] = None,
               cancel: Optional[threading.Event] = None) -> dict[int, Image.Image]:
        """Paint the channels not cached yet, in batches; returns all asked for."""
        model = net.spec.name
        key = (settings.size, settings.steps, settings.seed)
        found = {c: self.get((model, layer, c, *key)) for c in channels}
        todo = [c for c, picture in found.items() if picture is None]
        if todo:
            pictures = visualize_filters(net, layer, todo, settings, batch_size=batch_size,
                                         on_progress=on_progress, cancel=cancel)
            for c, picture in zip(todo, pictures):
                self.put((model, layer, c, *key), picture)
                found[c] = picture
        return found
