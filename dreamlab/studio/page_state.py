"""Session state through one small state object per page, with one spelling of keys: ``dream.steps``.

A ``PageState`` binds a settings model (``dreamlab.settings``) to the session: its widgets are drawn
from the model's fields (``dreamlab.studio.widgets``) under the keys ``<name>.<field>``, ``values()``
is the model as the page stands (always valid), ``snapshot()`` is what a recipe keeps, and
``restored()`` turns untrusted outside values into validated session values, assigned once.

``PAGE_STATES`` says which state objects a page has; a page without any yet (its widgets use
``persist.kept``) keeps the old path: ``legacy_values`` (keys under its prefix, checked for type,
NaN and size).
"""
from __future__ import annotations

import math
from typing import Any, Generic, TypeVar

import streamlit as st
from pydantic import BaseModel

from engine.catalog import sample_names

from dreamlab.settings import Dream, Making, Video, Zoom, descriptions, read
from dreamlab.settings.legacy import known_old_key, translate
from dreamlab.settings.parts import FEATHERS
from dreamlab.settings.gallery import Gallery
from dreamlab.settings.palette import Palette
from dreamlab.settings.style import Style
from dreamlab.studio.gallery_state import ShownLarge
from dreamlab.studio.palette_state import PaletteFilters
from dreamlab.studio.style_state import Paintings

M = TypeVar("M", bound=BaseModel)


class PageState(Generic[M]):
    """``extra``: an object for what a page keeps beside its model's fields (names of pictures, a palette's
    filters), with ``ensure(state)``, ``snapshot(state) -> dict`` and ``restored(state, raw, carrier)
    -> (session values, notes)``, called after the model's own."""

    def __init__(self, name: str, model: type[M], extra: Any = None):
        self.name = name
        self.model = model
        self.fields = descriptions(model)
        self.extra = extra

    # --- keys ---
    def key(self, field: str) -> str:
        return f"{self.name}.{field}"

    def weight_key(self, field: str, layer: str) -> str:
        """A layer's weight slider (a ``layers`` field keeps its chosen names under ``key(field)``)."""
        return f"{self.name}.{field}.{layer}"

    def get(self, field: str) -> Any:
        """The value as the page stands (valid: ``ensure`` ran at the page's start)."""
        return getattr(self.values(), field)

    # --- reading the session ---
    def _raw(self) -> dict:
        state = st.session_state
        raw = {}
        for name, d in self.fields.items():
            if self.key(name) not in state:
                continue
            value = state[self.key(name)]
            if d.kind == "layers" and isinstance(value, list):
                weighted = (d.extra or {}).get("weights", True) and len(value) > 1
                value = {layer: state.get(self.weight_key(name, layer), 1.0) if weighted else 1.0
                         for layer in value if isinstance(layer, str)}
            raw[name] = value
        return raw

    def values(self) -> M:
        """The page's settings as a valid model (anything missing or odd: its default)."""
        return read(self.model, self._raw(), "the page").value

    def snapshot(self) -> dict:
        """What a recipe keeps (JSON): the model's values (and the extra's)."""
        return {**self.values().model_dump(mode="json"), **(self.extra.snapshot(self) if self.extra else {})}

    # --- writing the session ---
    def assignments(self, value: M) -> dict[str, Any]:
        """Session values that make the page show ``value``."""
        out: dict[str, Any] = {}
        for name, d in self.fields.items():
            field_value = getattr(value, name)
            if d.kind == "layers":
                out[self.key(name)] = list(field_value)
                if (d.extra or {}).get("weights", True):
                    out.update({self.weight_key(name, layer): float(w) for layer, w in field_value.items()})
            else:
                out[self.key(name)] = field_value
        return out

    def ensure(self) -> None:
        """Give every setting a valid session value; call at the page's start, before its widgets.
        A value that is missing, or not one its widget can show, is replaced by the model's."""
        state = st.session_state
        wanted = self.assignments(self.values())
        for key, value in wanted.items():
            if key not in state or not self._fits(key, state[key], value):
                state[key] = value
        if self.extra:
            self.extra.ensure(self)

    def _fits(self, key: str, current: Any, valid: Any) -> bool:
        field = key[len(self.name) + 1:]
        d = self.fields.get(field)
        if d is None:  # a layer's weight
            return isinstance(current, (int, float)) and not isinstance(current, bool) and math.isfinite(current) \
                and 0.0 <= current <= 2.0
        if d.kind == "layers":
            return current == valid
        return d.contains(current)

    def set(self, values: dict) -> None:
        """Set settings from a callback (before the widgets of the next run exist). Only keys whose
        value changes are written: a value written through session state is pushed to its widget in
        the browser, and a push that arrives late would undo what the person typed meanwhile there
        (measured: the seed typed after choosing a preset came back as 0 in 3 runs of 10)."""
        current = self.values().model_dump()
        reading = read(self.model, {**current, **values}, "the page")
        for key, value in self.assignments(reading.value).items():
            if key not in st.session_state or st.session_state[key] != value:
                st.session_state[key] = value

    def restored(self, raw: Any, carrier: str) -> tuple[dict[str, Any], list[str]]:
        """Validated session values for outside ``raw`` values, and plain notes on what changed."""
        reading = read(self.model, raw, carrier)
        values, notes = self.assignments(reading.value), list(reading.notes)
        if self.extra:
            more, said = self.extra.restored(self, raw if isinstance(raw, dict) else {}, carrier)
            values.update(more)
            notes.extend(said)
        return values, notes

    # --- callbacks ---
    def apply_preset(self) -> None:
        """Choosing a preset (or a network) sets its knobs; Advanced settings change them afterwards."""
        preset, network = st.session_state.get(self.key("preset")), st.session_state.get(self.key("model"))
        self.set(self.model.preset_values(preset, network))  # type: ignore[attr-defined]


DREAM = PageState("dream", Dream)
MOTION = PageState("motion", Making)
ZOOM = PageState("zoom", Zoom)
VIDEO = PageState("video", Video)
STYLE = PageState("style", Style, extra=Paintings())
PALETTE = PageState("palette", Palette, extra=PaletteFilters())
GALLERY = PageState("gallery", Gallery, extra=ShownLarge())
# A page's state objects; a page not listed keeps its kept widget keys (``legacy_values``).
PAGE_STATES: dict[str, tuple[PageState, ...]] = {"dream": (DREAM,), "motion": (MOTION, ZOOM, VIDEO),
                                                 "style": (STYLE,), "palette": (PALETTE,),
                                                 "filter": (GALLERY,)}


def page_snapshot(page: str) -> dict:
    """The settings of ``page``'s state objects, keyed by their names ({"dream": {...}})."""
    return {state.name: state.snapshot() for state in PAGE_STATES.get(page, ())}


# --- restoring -------------------------------------------------------------------------------------

SOURCES = ("Sample", "Upload", "Camera")
MAX_TEXT = 2000  # characters of one restored text value
MAX_LIST = 64  # items of one restored list value


def restore_values(page: str, prefix: str, settings: Any, carrier: str) -> tuple[dict[str, Any], list[str]]:
    """Validated session values for a recipe's ``settings`` (history, link or PNG), and notes.
    Pages with state objects go through their models; the others through ``legacy_values``."""
    if not isinstance(settings, dict):
        return {}, []
    states = PAGE_STATES.get(page, ())
    if not states:
        return legacy_values(prefix, settings, carrier)
    picker = picker_values(prefix, settings)
    names = {state.name for state in states}
    ignored = [k for k in settings if k not in picker and k not in names and not known_old_key(page, k)
               and not (isinstance(k, str) and k.startswith(prefix) and k[len(prefix):] in PICKER_KEYS)]
    settings = translate(page, settings)
    values, notes = picker, []
    for state in states:
        if isinstance(settings.get(state.name), dict):
            assigned, said = state.restored(settings[state.name], carrier)
            values.update(assigned)
            notes.extend(said)
    if ignored:
        notes.append(_ignored_note(ignored, carrier))
    return values, notes


PICKER_KEYS = ("source", "sample", "region:feather")


def _ignored_note(ignored: list, carrier: str) -> str:
    example = next((k for k in ignored if isinstance(k, str) and len(k) <= 40), None)
    such = f" (such as {example})" if example else ""
    count = len(ignored)
    return (f"{carrier[:1].upper()}{carrier[1:]} also held {count} value{'s' if count != 1 else ''} that "
            f"{'are' if count != 1 else 'is'} no setting{such}; left out.")


def picker_values(prefix: str, settings: dict) -> dict[str, Any]:
    """The photo picker's and the region's settings of a page (``dream:source`` ...), checked."""

    key = prefix.rstrip(":")
    checks = {f"{key}:source": SOURCES, f"{key}:sample": tuple(sample_names()),
              f"{key}:region:feather": tuple(FEATHERS)}  # the PICKER_KEYS
    return {k: settings[k] for k, allowed in checks.items() if isinstance(settings.get(k), str) and settings[k] in allowed}


def legacy_values(prefix: str, settings: dict, carrier: str = "the link") -> tuple[dict[str, Any], list[str]]:
    """A page without a model yet: keys under its prefix whose values are plain JSON of a sane size
    (no NaN, no infinity), numbers clamped to the widget's range where it is known (``LEGACY_RANGES``),
    with a note for each clamp."""
    values, notes = {}, []
    for key, value in settings.items():
        if isinstance(key, str) and key.startswith(prefix) and _plain(value):
            values[key], clamped = _in_range(key, list(value) if isinstance(value, tuple) else value)
            if clamped:
                notes.append(f"{carrier[:1].upper()}{carrier[1:]} asked for {value:g}, which DreamLab does not "
                             f"offer there; it uses {values[key]:g}.")
    return values, notes


# The ranges of the number widgets of the pages still without a model (until they are converted):
# a value from outside must lie in them, or Streamlit refuses to draw the widget.
LEGACY_RANGES = {"style-strength": (0, 100), "style-blend-": (0, 100), "style-size-": (64, 2048),
                 "style-steps-": (1, 200), "style-scales-": (1, 4), "style-smoothing": (0.0, 1.0),
                 "style-seed": (0, 2**31 - 1), "palette:steps:photo": (1, 40), "palette:octaves": (1, 8),
                 "palette:strength": (0.002, 0.04), "palette:steps:canvas": (8, 256), "palette:number": (0, 2**31 - 1),
                 "palette:surprise:count": (1, 8)}


def _in_range(key: str, value: Any) -> tuple[Any, bool]:
    """The value within its widget's range, and whether it had to be clamped."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return value, False
    for start, (low, high) in LEGACY_RANGES.items():
        if key == start or (start.endswith("-") and key.startswith(start)):
            return type(low)(min(max(value, low), high)), not low <= value <= high
    return value, False


def _plain(value: Any) -> bool:
    if isinstance(value, (list, tuple)):
        return len(value) <= MAX_LIST and all(_scalar(v) for v in value)
    return _scalar(value)


def _scalar(value: Any) -> bool:
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, str):
        return len(value) <= MAX_TEXT
    return value is None or isinstance(value, (bool, int)) and abs(value) < 2**53
