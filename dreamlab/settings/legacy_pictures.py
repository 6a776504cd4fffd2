"""Old recipes (main 5d7e44a and earlier) of Style Transfer, the Hybrid Palette and the Filter Gallery,
in the models' shape. Their settings were the pages' widget keys (``style-strength``,
``style-size-balanced``, ``palette:steps:photo``, ``gallery:model``...). Nothing here is trusted: the
result still goes through ``dreamlab.settings.reader.read`` (and the pages' extras)."""
from __future__ import annotations

import json
from typing import Any

from dreamlab.settings.style import BRUSHES

OLD_PREFIXES = {"style": "style-", "palette": "palette:", "filter": "gallery:"}
PICKER_KEYS = ("source", "sample", "region:feather")  # the photo picker's and region's keys, kept as they are


def is_old(page: str, settings: dict) -> bool:
    prefix = OLD_PREFIXES.get(page)
    return bool(prefix) and any(isinstance(k, str) and k.startswith(prefix) for k in settings) and not any(
        isinstance(v, dict) for v in settings.values())


def translate_pictures(page: str, settings: dict) -> dict:
    """``settings`` of an old recipe of ``page`` as {"<page state>": {...}} plus the picker's keys."""
    picker = {k: v for k, v in settings.items() if k in {f"{page}:{name}" for name in PICKER_KEYS}}
    if page == "style":
        return {**picker, "style": _style(settings)}
    if page == "palette":
        return {**picker, "palette": _palette(settings)}
    return {"gallery": _gallery(settings)}


def _plain(settings: dict, names: dict[str, str]) -> dict:
    return {new: settings[old] for old, new in names.items() if old in settings}


STYLE_PLAIN = {"style-painting-source": "painting_source", "style-keep-colors": "keep_colors",
               "style-quality": "quality", "style-model": "model", "style-smoothing": "smoothing",
               "style-init": "init", "style-optimizer": "optimizer", "style-seed": "seed"}


def _style(settings: dict) -> dict:
    values: dict[str, Any] = _plain(settings, STYLE_PLAIN)
    strength = settings.get("style-strength")
    if isinstance(strength, (int, float)) and not isinstance(strength, bool):
        values["strength"] = strength / 100  # the old slider was in percent
    brush = settings.get("style-brush")
    if isinstance(brush, str) and brush in BRUSHES:
        values["brush"] = BRUSHES[brush]  # the old slider held the word
    quality, model = settings.get("style-quality", "balanced"), settings.get("style-model", "lite0")
    values.update(_plain(settings, {f"style-{knob}-{quality}": knob for knob in ("size", "steps", "scales")}))
    values.update(_plain(settings, {f"style-content-layers-{model}": "content_layers",
                                    f"style-style-layers-{model}": "style_layers"}))
    paintings = settings.get("style-builtin")
    if isinstance(paintings, list):
        values["paintings"] = paintings
        values["shares"] = {name: settings[f"style-blend-{i}"] for i, name in enumerate(paintings)
                            if isinstance(name, str) and f"style-blend-{i}" in settings}  # shares were by place
    return values


PALETTE_PLAIN = {"palette:model": "model", "palette:start": "start", "palette:color": "color", "palette:top": "top",
                 "palette:bottom": "bottom", "palette:size:photo": "photo_size", "palette:size:canvas": "canvas_size",
                 "palette:steps:photo": "photo_steps", "palette:octaves": "octaves", "palette:strength": "step_size",
                 "palette:steps:canvas": "canvas_steps", "palette:number": "seed", "palette:journey": "journey",
                 "palette:variations:count": "variations", "palette:surprise:layers": "surprise_layers",
                 "palette:surprise:count": "surprise_count"}


def _palette(settings: dict) -> dict:
    values: dict[str, Any] = _plain(settings, PALETTE_PLAIN)
    text = settings.get("palette:filters")  # the palette and the journey's stops, as JSON text
    try:
        data = json.loads(text) if isinstance(text, str) else None
    except (ValueError, RecursionError):
        data = None
    if isinstance(data, dict):
        values.update({k: data[k] for k in ("palette", "stops") if k in data})
    return values


def _gallery(settings: dict) -> dict:
    values: dict[str, Any] = _plain(settings, {"gallery:model": "model", "gallery:view": "view",
                                               "gallery:per-page": "per_page", "gallery:size": "size",
                                               "gallery:selected": "selected"})
    per_page = values.get("per_page")
    if isinstance(per_page, str) and per_page.isdigit() and len(per_page) < 4:
        values["per_page"] = int(per_page)  # the old picker's choices were texts: "16"
    model = settings.get("gallery:model", "lite0")
    values.update(_plain(settings, {f"gallery:layer:{model}": "layer", f"gallery:compare:{model}": "compare"}))
    return values


def known_old_picture_key(page: str, key: str) -> bool:
    """True for a key an old recipe of ``page`` held as a setting (the knobs of any quality and network
    included), so a restore does not call it "no setting"."""
    from engine.catalog import MODELS, QUALITIES

    if page == "style":
        plain = set(STYLE_PLAIN) | {"style-strength", "style-builtin", "style-brush"}
        plain |= {f"style-{knob}-{q}" for knob in ("size", "steps", "scales") for q in QUALITIES}
        plain |= {f"style-{which}-layers-{m}" for which in ("content", "style") for m in MODELS}
        return key in plain or (key.startswith("style-blend-") and key[len("style-blend-"):].isdigit())
    if page == "palette":
        return key in PALETTE_PLAIN or key in ("palette:filters", "palette:add:layer")
    if page == "filter":
        plain = {"gallery:model", "gallery:view", "gallery:per-page", "gallery:size", "gallery:selected"}
        return key in plain or any(key in (f"gallery:layer:{m}", f"gallery:compare:{m}") for m in MODELS)
    return False
