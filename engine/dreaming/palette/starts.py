"""Where a palette painting starts: a photo, noise, a colour or a gradient, as data. No torch."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional, Union

from PIL import Image

_HEX = re.compile(r"^#?([0-9a-fA-F]{6})$")


@dataclass(frozen=True)
class Start:
    """Where a palette painting starts: a photo, or ``noise`` / ``color`` / ``gradient`` (top to bottom)."""
    kind: str
    colors: tuple[str, ...] = ()
    image: Optional[Image.Image] = field(default=None, compare=False, repr=False)

    def describe(self) -> str:
        return ":".join((self.kind,) + self.colors) if self.kind != "photo" else "photo"


def hex_color(text: str) -> str:
    match = _HEX.match(text.strip())
    if not match:
        raise ValueError(f"'{text}' is not a colour: use #RRGGBB, e.g. #1e90ff")
    return "#" + match.group(1).lower()


def parse_start(text: str) -> Optional[Start]:
    """``noise``, ``color:#RRGGBB`` (or ``colour:``) or ``gradient:#RRGGBB:#RRGGBB``; None for anything
    else (a picture's path). Malformed colours raise ValueError."""
    parts = text.strip().split(":")
    kind = parts[0].lower()
    if kind == "noise" and len(parts) == 1:
        return Start("noise")
    if kind in ("color", "colour"):
        if len(parts) != 2:
            raise ValueError("a colour start is color:#RRGGBB, e.g. color:#1e90ff")
        return Start("color", (hex_color(parts[1]),))
    if kind == "gradient":
        if len(parts) != 3:
            raise ValueError("a gradient start is gradient:#RRGGBB:#RRGGBB (top colour, bottom colour)")
        return Start("gradient", (hex_color(parts[1]), hex_color(parts[2])))
    return None


StartLike = Union[Image.Image, str, Start]


def as_start(start: StartLike) -> Start:
    if isinstance(start, Start):
        return start
    if isinstance(start, Image.Image):
        return Start("photo", image=start.convert("RGB"))
    parsed = parse_start(start)
    if parsed is None:
        raise ValueError(f"unknown start '{start}' (use a picture, noise, color:#RRGGBB or gradient:#RRGGBB:#RRGGBB)")
    return parsed
