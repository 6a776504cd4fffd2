"""Recipes written before the settings models (main 5d7e44a and earlier) keep restoring.

Their settings were the pages' widget keys, e.g. ``dream:classic:lite0:steps`` (knobs were kept per
preset and network). ``translate`` turns them into the models' shape, {"dream": {"steps": 8, ...}},
taking the knobs of the preset and network the recipe was made with. Whatever it returns still goes
through ``dreamlab.settings.reader.read``: nothing here is trusted.
"""
from __future__ import annotations

from typing import Any

from dreamlab.settings.legacy_pictures import is_old, known_old_picture_key, translate_pictures

DREAM_KNOBS = ("octaves", "octave_scale", "steps", "step_size", "jitter", "tile", "smoothness")
ZOOM_PLAIN = {"size": "size", "frames": "frames", "zoom": "zoom", "rotate": "rotate", "fps": "fps",
              "right": "pan_right", "down": "pan_down", "steps": "steps", "step_size": "step_size", "seed": "seed",
              "preset": "preset", "model": "model"}
VIDEO_PLAIN = {"size": "size", "rate": "rate", "octaves": "octaves", "steps": "steps", "step_size": "step_size",
               "blend": "blend", "follow": "follow_motion", "sound": "keep_sound", "seed": "seed",
               "preset": "preset", "model": "model"}


def is_legacy(page: str, settings: dict) -> bool:
    """True for an old recipe: widget keys such as ``dream:preset``, no model dicts."""
    old = {"dream": "dream:", "motion": "motion:"}.get(page)
    new = {"dream": ("dream",), "motion": ("motion", "zoom", "video")}.get(page, ())
    return bool(old) and any(isinstance(k, str) and k.startswith(old) for k in settings) and not any(
        isinstance(settings.get(name), dict) for name in new)


def translate(page: str, settings: dict) -> dict:
    """An old recipe's settings in the models' shape (other keys, such as the photo picker's, are kept)."""
    if isinstance(settings, dict) and is_old(page, settings):  # Style, Palette, Filter Gallery
        return translate_pictures(page, settings)
    if not isinstance(settings, dict) or not is_legacy(page, settings):
        return settings
    if page == "dream":
        return {**_others(settings, "dream:"), "dream": _dream(settings)}
    what = {"what": settings["motion:what"]} if "motion:what" in settings else {}
    return {**_others(settings, "motion:"), "motion": what,
            "zoom": _motion(settings, "motion:zoom", ZOOM_PLAIN, {"layers": "layers", "then": "then_layers"}),
            "video": _motion(settings, "motion:video", VIDEO_PLAIN, {"layers": "layers"})}


def known_old_key(page: str, key: str) -> bool:
    """True for a key an old recipe of ``page`` held as a setting (knobs of any preset and network
    included); anything else (``dream:result``, internal state) is no setting."""
    from engine.catalog import MODELS, PRESETS

    if page == "dream":
        plain = {f"dream:{k}" for k in ("preset", "size", "model", "seed", "use_guide")}
        mine = [f"dream:{p}:{m}:" for p in PRESETS for m in MODELS]
    elif page == "motion":
        plain = {"motion:what"} | {f"motion:zoom:{k}" for k in ZOOM_PLAIN} | {f"motion:video:{k}" for k in VIDEO_PLAIN}
        mine = [f"motion:{job}:{p}:{m}:" for job in ("zoom", "video") for p in PRESETS for m in MODELS]
    else:
        return isinstance(key, str) and known_old_picture_key(page, key)
    return key in plain or any(key.startswith(start) for start in mine)


def _others(settings: dict, prefix: str) -> dict:
    """The keys that are no job setting: the photo picker's and the region's."""
    picker = (f"{prefix}source", f"{prefix}sample", f"{prefix}region:feather")
    return {k: v for k, v in settings.items() if k in picker}


def _dream(settings: dict) -> dict:
    preset, model = settings.get("dream:preset"), settings.get("dream:model", "lite0")
    own = f"dream:{preset}:{model}"
    values: dict[str, Any] = {k: settings[f"dream:{k}"] for k in ("preset", "size", "model", "seed", "use_guide")
                              if f"dream:{k}" in settings}
    values.update({k: settings[f"{own}:{k}"] for k in DREAM_KNOBS if f"{own}:{k}" in settings})
    chosen = settings.get(f"{own}:layers")
    if isinstance(chosen, list):
        weights = {name: settings.get(f"{own}:weight:{name}", 1.0) for name in chosen if isinstance(name, str)}
        values["layers"] = weights if len(weights) > 1 else {name: 1.0 for name in weights}
    return values


def _motion(settings: dict, prefix: str, plain: dict, layer_keys: dict) -> dict:
    values = {new: settings[f"{prefix}:{old}"] for old, new in plain.items() if f"{prefix}:{old}" in settings}
    own = f"{prefix}:{settings.get(f'{prefix}:preset')}:{settings.get(f'{prefix}:model', 'lite0')}"
    for old, new in layer_keys.items():
        chosen = settings.get(f"{own}:{old}")
        if isinstance(chosen, list):
            values[new] = [name for name in chosen if isinstance(name, str)]
    return values
