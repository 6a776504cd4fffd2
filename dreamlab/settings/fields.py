"""How a setting is described, once: ``setting(...)`` declares a pydantic field with everything the
app, the CLI and a restore need, and ``describe`` reads it back as a plain ``Description``.

A field's ``ge``/``le`` are what the engine accepts (the CLI's range). A widget may show a narrower
range (``ui=(low, high)``): a restore clamps to that range, since its values land in the widgets.
"""
from __future__ import annotations

import math
import re
import typing
from dataclasses import dataclass
from typing import Any, Optional, Sequence

from annotated_types import Ge, Gt, Le, Lt, MaxLen
from pydantic import BaseModel, Field

# The widget a field is drawn as (``dreamlab.studio.widgets``): "slider", "select_slider", "radio",
# "select", "number", "toggle", "segmented", "layers" (a multiselect of layer names, with weights or not),
# "crop" (a frame dragged over the photo: ``dreamlab.studio.crop``, never ``widgets.draw``).
KINDS = ("slider", "select_slider", "radio", "select", "number", "toggle", "segmented", "layers", "color", "crop")


def setting(default: Any, title: str, description: str = "", *, kind: str, ge: Optional[float] = None,
            le: Optional[float] = None, gt: Optional[float] = None, lt: Optional[float] = None,
            ui: Optional[tuple[float, float]] = None, step: Optional[float] = None, format: Optional[str] = None,
            labels: Optional[dict] = None, captions: Optional[dict] = None, unit: str = "", verb: str = "uses",
            flag: Optional[str] = None, cli: bool = True, **extra: Any) -> Any:
    """A field of a settings model.

    ``title`` is the widget's label, ``description`` its help text (also the CLI flag's help).
    ``ui``: the widget's range when narrower than ``ge``/``le``. ``labels``/``captions``: words for
    the choices. ``unit``/``verb`` word the note of a clamped value ("DreamLab makes at most 240
    frames"). ``flag``: the CLI flag's name when not the field's; ``cli=False``: no flag."""
    assert kind in KINDS, kind
    hints = {"kind": kind, "ui": list(ui) if ui else None, "step": step, "format": format, "labels": labels,
             "captions": captions, "unit": unit, "verb": verb, "flag": flag, "cli": cli, **extra}
    bounds = {k: v for k, v in (("ge", ge), ("le", le), ("gt", gt), ("lt", lt)) if v is not None}
    default_arg = {"default_factory": default} if callable(default) else {"default": default}
    return Field(**default_arg, title=title, description=description, **bounds,
                 json_schema_extra={k: v for k, v in hints.items() if v is not None})


@dataclass(frozen=True)
class Description:
    """One setting, as the widgets, the CLI and the reader of outside values see it."""
    name: str
    title: str
    help: str
    kind: str
    type: Any  # int, float, bool, str or dict (layers)
    default: Any
    choices: Optional[tuple] = None  # the allowed values (a Literal field)
    low: Optional[float] = None  # the range a restore and the widget keep to (inclusive)
    high: Optional[float] = None
    hard_low: Optional[float] = None  # what the engine accepts (the CLI); exclusive when *_open
    hard_high: Optional[float] = None
    low_open: bool = False
    high_open: bool = False
    step: Optional[float] = None
    format: Optional[str] = None
    labels: Optional[dict] = None
    captions: Optional[dict] = None
    unit: str = ""
    verb: str = "uses"
    flag: Optional[str] = None
    cli: bool = True
    max_length: Optional[int] = None
    extra: Optional[dict] = None
    ui_choices: bool = False  # the choices are the widget's (``options``); the CLI takes any value in range

    def label(self, value: Any) -> str:
        """The words a choice is shown with."""
        return str((self.labels or {}).get(value, value))

    def contains(self, value: Any) -> bool:
        """True when ``value`` is one a restore may put into the widget."""
        if self.choices is not None:
            return any(value == c and type(value) is type(c) for c in self.choices)
        if self.type is bool:
            return isinstance(value, bool)
        if self.type is str:
            pattern = (self.extra or {}).get("pattern")  # e.g. a colour's #RRGGBB
            return isinstance(value, str) and (self.max_length is None or len(value) <= self.max_length) and (
                pattern is None or len(value) < 200 and re.fullmatch(pattern, value) is not None)
        if self.type in (int, float):
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                return False
            if self.type is int and not isinstance(value, int):
                return False
            if not math.isfinite(value):
                return False
            return (self.low is None or value >= self.low) and (self.high is None or value <= self.high)
        return True


def _base_type(annotation: Any) -> tuple[Any, Optional[tuple]]:
    origin = typing.get_origin(annotation)
    if origin is typing.Literal:
        choices = typing.get_args(annotation)
        return type(choices[0]), tuple(choices)
    if origin is dict:
        return dict, None
    if origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _base_type(args[0])
    return annotation, None


def describe(model: type[BaseModel], name: str) -> Description:
    """The description of one field of a settings model."""
    info = model.model_fields[name]
    kind_type, choices = _base_type(info.annotation)
    bounds: dict[str, Any] = {}
    max_length = None
    for item in info.metadata:
        if isinstance(item, Ge):
            bounds["hard_low"] = item.ge
        elif isinstance(item, Gt):
            bounds["hard_low"], bounds["low_open"] = item.gt, True
        elif isinstance(item, Le):
            bounds["hard_high"] = item.le
        elif isinstance(item, Lt):
            bounds["hard_high"], bounds["high_open"] = item.lt, True
        elif isinstance(item, MaxLen):
            max_length = item.max_length
    hints = dict(info.json_schema_extra or {})
    ui = hints.pop("ui", None)
    ui_choices = bool(hints.get("options"))
    if ui_choices:
        choices = tuple(hints["options"])
    low, high = ui if ui else (bounds.get("hard_low"), bounds.get("hard_high"))
    known = {"options", "kind", "step", "format", "labels", "captions", "unit", "verb", "flag", "cli"}
    return Description(
        name=name, title=info.title or name, help=info.description or "", kind=hints.get("kind", "number"),
        type=kind_type, default=info.get_default(call_default_factory=True), choices=choices, low=low, high=high,
        **bounds, step=hints.get("step"), format=hints.get("format"), labels=hints.get("labels"),
        captions=hints.get("captions"), unit=hints.get("unit", ""), verb=hints.get("verb", "uses"),
        flag=hints.get("flag"), cli=hints.get("cli", True), max_length=max_length, ui_choices=ui_choices,
        extra={k: v for k, v in hints.items() if k not in known} or None)


def descriptions(model: type[BaseModel]) -> dict[str, Description]:
    """Every setting of ``model``, in declaration order."""
    return {name: describe(model, name) for name in model.model_fields}


def choice_names(values: Sequence) -> tuple:
    """``Literal[...]`` arguments from a catalogue's names (a Literal needs a tuple)."""
    return tuple(values)
