"""Command-line flags derived from the settings models (``dreamlab.settings``), as the pages' widgets are:
one description gives the flag's name, type, range, choices and help. Values are checked by the
model; a mistake is one line (exit status 2), like every other error of the CLI.

Flags default to None, so a value not given comes from the preset (``Model.defaults_for``)."""
from __future__ import annotations

import argparse
import math
from typing import Any, Callable, Iterable

from pydantic import BaseModel, ValidationError

from dreamlab.settings import Description, descriptions


def flag_name(d: Description) -> str:
    return "--" + (d.flag or d.name.replace("_", "-"))


def add_flags(parser: argparse.ArgumentParser, model: type[BaseModel], skip: Iterable[str] = (),
              parse_layers: Callable[[str], dict] = None) -> None:
    """A flag for every field of ``model`` that has one (``cli=True``), except those in ``skip``."""
    for name, d in descriptions(model).items():
        if not d.cli or name in skip:
            continue
        help_text = _escape((d.extra or {}).get("cli_help") or d.help or d.title)
        if d.type is bool:
            action = "store_false" if d.default else "store_true"
            parser.add_argument(flag_name(d), dest=name, action=action, default=None, help=help_text)
        elif d.kind == "layers":
            parser.add_argument(flag_name(d), dest=name, type=parse_layers, default=None, help=help_text)
        elif d.choices is not None and not d.ui_choices:
            parser.add_argument(flag_name(d), dest=name, choices=list(d.choices), default=None,
                                help=f"{help_text} (default {d.default})")
        elif d.type is str:  # a name checked by the model (a layer of the network)
            parser.add_argument(flag_name(d), dest=name, default=None, help=help_text)
        else:
            parser.add_argument(flag_name(d), dest=name, type=number_type(d), default=None,
                                help=f"{help_text} ({_range(d)}; default {d.default})")


def _escape(text: str) -> str:
    return text.replace("%", "%%")


def _range(d: Description) -> str:
    low = f"above {d.hard_low}" if d.low_open else f"{d.hard_low}"
    high = f"below {d.hard_high}" if d.high_open else f"{d.hard_high}"
    return f"{low} to {high}"


def number_type(d: Description) -> Callable[[str], Any]:
    """An argparse type: the field's number within what the engine accepts."""
    def parse(text: str):
        try:
            value = d.type(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be a {'whole ' if d.type is int else ''}number, got {text}") \
                from None
        if isinstance(value, float) and not math.isfinite(value):
            raise argparse.ArgumentTypeError(f"must be a finite number, got {text}")
        too_low = d.hard_low is not None and (value <= d.hard_low if d.low_open else value < d.hard_low)
        too_high = d.hard_high is not None and (value >= d.hard_high if d.high_open else value > d.hard_high)
        if too_low or too_high:
            raise argparse.ArgumentTypeError(f"must be from {_range(d)}, got {text}")
        return value
    parse.__name__ = d.type.__name__
    return parse


def given(model: type[BaseModel], args: argparse.Namespace) -> dict:
    """The values of ``model``'s fields given on the command line."""
    return {name: getattr(args, name) for name, d in descriptions(model).items()
            if d.cli and getattr(args, name, None) is not None}


def build(model: type[BaseModel], values: dict, error: Callable[[str], Exception]):
    """``model`` from the command line's ``values`` (preset defaults for the rest); a mistake is one line."""
    defaults = model.defaults_for(values) if hasattr(model, "defaults_for") else {}
    try:
        return model.model_validate({**defaults, **values})
    except ValidationError as err:
        first = err.errors()[0]
        where = "--" + str(first["loc"][0]).replace("_", "-") + ": " if first["loc"] else ""
        message = str(first["msg"]).removeprefix("Value error, ")
        raise error(f"{where}{message}") from None
