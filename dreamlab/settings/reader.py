"""Values from outside (a share link, a PNG recipe, a history entry, a palette file), made safe.

``read(Model, raw, carrier)`` never raises: it returns a valid model plus plain notes. Unknown keys
and keys that are no setting are dropped; values of the wrong type, NaN and infinity are dropped (the
usual value stays); numbers out of range are clamped, with a note. The decoders below refuse a whole
input in one sentence: a link over 8 kB, a PNG recipe over 64 kB, text that is not JSON, a palette
with more filters than the app allows.
"""
from __future__ import annotations

import base64
import binascii
import io
import json
import math
import zlib
from dataclasses import dataclass, field
from typing import Any, Generic, Optional, TypeVar

from pydantic import BaseModel, ValidationError

from engine.catalog import MAX_FILTERS, MODELS

from dreamlab.settings.fields import Description, descriptions
from dreamlab.settings.parts import MAX_LAYERS

M = TypeVar("M", bound=BaseModel)
LINK_LIMIT = 8 * 1024  # characters of a link's token
RECIPE_LIMIT = 64 * 1024  # bytes of a PNG's recipe text
UNPACKED_LIMIT = 256 * 1024  # a link's settings once decompressed (a small token can unpack to a lot)
RECIPE_KEY = "dreamlab"  # the PNG text chunk holding the recipe (engine.images.pictures.RECIPE_KEY)
_DROPPED = object()


@dataclass
class Reading(Generic[M]):
    value: M
    notes: list[str] = field(default_factory=list)


@dataclass
class Unpacked:
    """A decoded outside input: its data, or one sentence saying why it was refused."""
    data: Optional[dict] = None
    refused: Optional[str] = None
    quiet: bool = False  # nothing to say: e.g. a plain picture, with no recipe at all
    notes: list[str] = field(default_factory=list)


# --- one model's values --------------------------------------------------------------------------

def read(model: type[M], raw: Any, carrier: str = "the link") -> Reading[M]:
    """A valid ``model`` from untrusted ``raw`` values, with a plain note for everything changed."""
    notes: list[str] = []
    given = raw if isinstance(raw, dict) else {}
    described = descriptions(model)
    clean: dict[str, Any] = {}
    unusable: list[str] = []
    for name, description in described.items():  # layers last: they depend on the network
        if name in given and description.kind != "layers":
            _take(clean, description, given[name], carrier, notes, unusable)
    for name, description in described.items():
        if name in given and description.kind == "layers":
            value = _layers(description, given[name], clean.get("model", described.get("model") and
                                                                  described["model"].default))
            if value is _DROPPED or (not value and given[name]):
                unusable.append(description.title)
            else:
                clean[name] = value
    if unusable:
        notes.append(f"{_capital(carrier)} held values DreamLab cannot use for {', '.join(unusable)}; "
                     "the usual ones are kept.")
    defaults = model.defaults_for(clean) if hasattr(model, "defaults_for") else {}
    return Reading(_validated(model, {**defaults, **clean}, defaults), notes)


def _validated(model: type[M], values: dict, defaults: dict) -> M:
    """The model of ``values``; each value is already checked, so this falls back only in a case
    the checks above missed (then the defaults: a restore never raises)."""
    try:
        return model.model_validate(values)
    except (ValidationError, ValueError):
        try:
            return model.model_validate(defaults)
        except (ValidationError, ValueError):
            return model()


def _take(clean: dict, d: Description, value: Any, carrier: str, notes: list[str], unusable: list[str]) -> None:
    if d.choices is not None:
        chosen = _choice(d, value)
        if chosen is _DROPPED:
            unusable.append(d.title)
        else:
            clean[d.name] = chosen
        return
    if d.type is bool:
        if isinstance(value, bool):
            clean[d.name] = value
        else:
            unusable.append(d.title)
        return
    if d.type in (int, float):
        number = _number(d, value)
        if number is _DROPPED:
            unusable.append(d.title)
            return
        clean[d.name] = _clamped(d, number, carrier, notes)
        return
    if d.type is str and isinstance(value, str) and d.contains(value):
        clean[d.name] = value
        return
    unusable.append(d.title)


def _choice(d: Description, value: Any) -> Any:
    for choice in d.choices or ():
        if isinstance(value, bool) != isinstance(choice, bool):
            continue
        if isinstance(choice, (int, float)) and isinstance(value, (int, float)) and value == choice:
            return choice
        if type(value) is type(choice) and value == choice:
            return choice
    return _DROPPED


def _number(d: Description, value: Any) -> Any:
    """A finite number (not a bool), left as given: it is compared with the range before any conversion."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return _DROPPED
    if isinstance(value, float) and not math.isfinite(value):
        return _DROPPED
    return value


def _clamped(d: Description, number: Any, carrier: str, notes: list[str]) -> Any:
    if d.high is not None and number > d.high:
        notes.append(_limit_note(d, number, d.type(d.high), carrier, "most"))
        return d.type(d.high)
    if d.low is not None and number < d.low:
        notes.append(_limit_note(d, number, d.type(d.low), carrier, "least"))
        return d.type(d.low)
    return int(round(number)) if d.type is int else float(number)


def _show(value: Any) -> str:
    if isinstance(value, int) and abs(value) >= 10**15:
        return "a huge number" if value > 0 else "a huge negative number"
    return f"{value:g}" if isinstance(value, float) else str(value)


def _limit_note(d: Description, asked: Any, used: Any, carrier: str, which: str) -> str:
    if d.unit:
        return (f"{_capital(carrier)} asked for {_show(asked)} {d.unit}; DreamLab {d.verb} at {which} "
                f"{_show(used)}, so it uses {_show(used)}.")
    if d.format == "percent":  # shown as the widget shows it: 0.5 is 50%
        asked, used = f"{asked * 100:g}%", f"{used * 100:g}%"
    return (f"{_capital(carrier)} asked for {d.title} {_show(asked)}; DreamLab allows at {which} "
            f"{_show(used)}, so it uses {_show(used)}.")


def _layers(d: Description, value: Any, model_name: Any) -> Any:
    """Layer names of the network (with weights clamped to the widget's range); others dropped."""
    if model_name not in MODELS:
        return _DROPPED
    names = MODELS[model_name].layer_names()
    if isinstance(value, list):
        value = {name: 1.0 for name in value if isinstance(name, str)}
    if not isinstance(value, dict):
        return _DROPPED
    weighted = bool((d.extra or {}).get("weights", True))
    layers: dict[str, float] = {}
    for name, weight in list(value.items())[:MAX_LAYERS * 4]:
        if not isinstance(name, str) or name not in names or len(layers) >= MAX_LAYERS:
            continue
        if isinstance(weight, bool) or not isinstance(weight, (int, float)) or not math.isfinite(weight):
            continue
        layers[name] = min(max(float(weight), d.low), d.high) if weighted else 1.0
    return layers


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


# --- whole inputs: links, PNG recipes, palette files ---------------------------------------------

def read_link(token: Any) -> Unpacked:
    """The {"page", "settings"} of a share link's token (base64 of zlib of JSON)."""
    if not isinstance(token, str) or not token:
        return Unpacked(refused="That link holds no settings, so the usual ones are used.")
    if len(token) > LINK_LIMIT:
        return Unpacked(refused=f"That link is longer than any DreamLab makes ({len(token) // 1024} kB, "
                                f"at most {LINK_LIMIT // 1024} kB), so its settings were not read.")
    try:
        packed = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        unpacker = zlib.decompressobj()
        raw = unpacker.decompress(packed, UNPACKED_LIMIT)
        if unpacker.unconsumed_tail:
            return Unpacked(refused="That link unpacks to more settings than DreamLab ever writes, "
                                    "so they were not read.")
    except (binascii.Error, ValueError, zlib.error):
        return Unpacked(refused="That link's settings could not be read; here are the usual ones.")
    return _page_settings(raw, "That link's settings are not JSON, so the usual ones are used.")


def read_recipe_text(text: Any) -> Unpacked:
    """A PNG recipe (the JSON text DreamLab writes into its pictures)."""
    if isinstance(text, str):
        text = text.encode("utf-8", "replace")
    if not isinstance(text, (bytes, bytearray)):
        return Unpacked(refused="That picture's recipe could not be read.")
    if len(text) > RECIPE_LIMIT:
        return Unpacked(refused=f"That picture's recipe is larger than any DreamLab writes (over "
                                f"{RECIPE_LIMIT // 1024} kB), so it was not read.")
    data = _json(bytes(text))
    if not isinstance(data, dict):
        return Unpacked(refused="That picture's recipe is not JSON DreamLab wrote, so it was not read.")
    return Unpacked(data=data)


def png_recipe(data: bytes) -> Unpacked:
    """The recipe inside a PNG's text chunk; refused when missing, too large or not JSON."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as picture:
            text = picture.info.get(RECIPE_KEY) if picture.format == "PNG" else None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        return Unpacked(refused="That file is not a picture DreamLab can read.", quiet=True)
    if text is None:
        return Unpacked(refused="That picture holds no DreamLab recipe.", quiet=True)
    return read_recipe_text(text)


def palette_refusal(entries: Any) -> Optional[str]:
    """One sentence when a palette file cannot be taken as a whole (None when it can)."""
    if not isinstance(entries, list):
        return "That palette is not a list of filters, so it was not read."
    if len(entries) > MAX_FILTERS:
        return (f"That palette holds {len(entries)} filters; a palette holds at most {MAX_FILTERS}, "
                "so it was not read.")
    return None


def read_json_text(text: Any, what: str = "That file") -> Unpacked:
    """Any JSON object from outside (a palette file): refused when it is not JSON."""
    if isinstance(text, str):
        text = text.encode("utf-8", "replace")
    if not isinstance(text, (bytes, bytearray)) or len(text) > RECIPE_LIMIT:
        return Unpacked(refused=f"{what} is larger than DreamLab reads ({RECIPE_LIMIT // 1024} kB), "
                                "so it was not read.")
    data = _json(bytes(text))
    if data is _DROPPED:
        return Unpacked(refused=f"{what} is not JSON, so it was not read.")
    return Unpacked(data=data if isinstance(data, dict) else {"items": data})


def _json(raw: bytes) -> Any:
    try:
        return json.loads(raw)
    except (ValueError, RecursionError, UnicodeDecodeError):
        return _DROPPED


def _page_settings(raw: bytes, not_json: str) -> Unpacked:
    data = _json(raw)
    if data is _DROPPED:
        return Unpacked(refused=not_json)
    if not isinstance(data, dict) or not isinstance(data.get("page"), str) or not isinstance(data.get("settings"),
                                                                                          dict):
        return Unpacked(refused="That link's settings are not DreamLab's, so the usual ones are used.")
    return Unpacked(data={"page": data["page"], "settings": data["settings"]})
