"""Filters as a person types them (``block 8 filter 12``, ``8:12``...), read leniently. No torch."""
from __future__ import annotations

import re
from typing import Sequence

from engine.dreaming.palette.data import PaletteFilter


def read_typed_filters(text: str, layer_names: Sequence[str]) -> list[PaletteFilter]:
    """Filters as a person types them, leniently: ``block 8 filter 12``, ``block8 12``, ``8:12``,
    ``block8:12:0.5``, ``filter 12 of block 8 weight 0.5``; several separated by commas, semicolons,
    new lines or "and" (``block8:12 block10:3`` works too). A bare number is a ``block`` layer.
    ValueError says, in plain words, what to type."""
    items = [item for item in re.split(r"[,;\n]+|\band\b", text.lower()) if item.strip()]
    if not items:
        raise ValueError(f"type a layer and a filter number, {TYPING_EXAMPLE}")
    patterns = _layer_patterns(layer_names)
    found = []
    for item in items:
        found += _read_item(item.strip(), patterns, layer_names)
    return found


TYPING_EXAMPLE = "for example block 8 filter 12 (or 8:12, or block8:12:0.5 for half strength)"
_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)")


def _layer_patterns(layer_names: Sequence[str]) -> list[tuple[str, re.Pattern]]:
    """Each layer's name as a pattern that allows spaces between its letters and digits
    (``block 8``, ``inception 4a``, ``relu 3_1``); longest names first."""
    patterns = []
    for name in sorted(layer_names, key=len, reverse=True):
        pieces = re.findall(r"[a-z]+|\d+|_", name.lower())
        body = r"\s*".join(re.escape(piece) for piece in pieces)
        patterns.append((name, re.compile(rf"(?<![a-z0-9]){body}(?![a-z0-9])")))
    return patterns


def _read_item(item: str, patterns, layer_names: Sequence[str]) -> list[PaletteFilter]:
    starts = sorted({m.start(): (m, name) for name, pattern in patterns for m in pattern.finditer(item)}.items())
    starts = _without_overlaps([hit for _, hit in starts])
    if not starts:
        bare = re.match(r"^\s*(?:layer\s*)?(\d+)\s*(?:[:/#\-]|\s)\s*(.*)$", item)
        if bare and f"block{bare.group(1)}" in layer_names:
            return [_filter_after(f"block{bare.group(1)}", bare.group(2), item)]
        raise ValueError(f"\u201c{item}\u201d names no layer of this network. Type the layer and then the filter "
                         f"number, {TYPING_EXAMPLE}. The layers are {_layer_range(layer_names)}")
    found = []
    for k, (match, name) in enumerate(starts):
        end = starts[k + 1][0].start() if k + 1 < len(starts) else len(item)
        before = item[:match.start()] if k == 0 else ""  # "filter 12 of block 8"
        found.append(_filter_after(name, before + " " + item[match.end():end], item))
    return found


def _without_overlaps(hits):
    kept = []
    for match, name in hits:
        if not kept or match.start() >= kept[-1][0].end():
            kept.append((match, name))
    return kept


def _filter_after(layer: str, rest: str, item: str) -> PaletteFilter:
    """The filter number (and weight) in ``rest``: the words around them do not matter."""
    numbers = _NUMBER.findall(re.sub(r"^\s*[-:#/]\s*(?=\d)", " ", rest))  # block8-12: no filter -12
    if not numbers:
        raise ValueError(f"\u201c{item}\u201d has no filter number. Type it after the layer, "
                         f"for example {layer} filter 12")
    if len(numbers) > 2:
        raise ValueError(f"\u201c{item}\u201d has too many numbers. Type the layer, the filter number and, "
                         f"if you like, a weight: for example {layer} filter 12 weight 0.5")
    if not re.fullmatch(r"\+?\d+", numbers[0]):
        raise ValueError(f"in \u201c{item}\u201d the filter number must be a whole number, not {numbers[0]}")
    weight = float(numbers[1]) if len(numbers) == 2 else 1.0
    return PaletteFilter(layer, int(numbers[0]), weight)


def _layer_range(layer_names: Sequence[str]) -> str:
    if len(layer_names) <= 6:
        return ", ".join(layer_names) + "."
    return f"{layer_names[0]}, {layer_names[1]}, {layer_names[2]} \u2026 {layer_names[-2]}, {layer_names[-1]}."
