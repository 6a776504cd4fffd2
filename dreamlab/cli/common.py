"""What every command shares: one-line errors, argument types, a progress bar, opening pictures and models."""
from __future__ import annotations

import argparse
import sys
import time
from typing import Callable, Optional

from engine.images.pictures import load_image
from engine.network.models import get_spec, load_model
from engine.progress import Progress

from dreamlab.cli.early import EXIT_BAD_INPUT  # noqa: F401 (commands import it from here)


class UserError(Exception):
    """Something the user can fix; printed as one line, exit status 2."""


class OneLineParser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse prints usage + message; we print one line
        raise UserError(f"{self.prog}: {message}")


def progress_bar(stream=None, width: int = 30) -> Callable[[Progress], None]:
    stream = stream or sys.stderr  # the stderr of now, not of when this module was imported
    started = time.monotonic()

    def show(p: Progress) -> None:
        filled = int(p.fraction * width)
        bar = "#" * filled + "-" * (width - filled)
        stream.write(f"\r[{bar}] {p.fraction:4.0%}  {p.describe()}  {time.monotonic() - started:5.1f}s ")
        if p.fraction >= 1.0:
            stream.write("\n")
        stream.flush()
    return show


def parse_layers(text: str) -> dict[str, float]:
    """``block8,block10:0.5`` -> {"block8": 1.0, "block10": 0.5}."""
    layers = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        name, _, weight = item.partition(":")
        try:
            layers[name] = float(weight) if weight else 1.0
        except ValueError:
            raise UserError(f"bad layer weight in '{item}' (use LAYER or LAYER:WEIGHT)") from None
    if not layers:
        raise UserError("no layers given")
    return layers


def positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def non_negative_int(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must not be negative, got {value}")
    return value


def positive_float(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be above 0, got {text}")
    return value


def non_negative_float(text: str) -> float:
    value = float(text)
    if not 0 <= value < float("inf"):
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {text}")
    return value


def open_image(path: str, max_side: Optional[int] = None):
    loaded = load_image(path, max_side=max_side)
    for note in loaded.notes:
        print(f"note: {note}", file=sys.stderr)
    return loaded.image


def model_for(name: str, layers=()):
    spec = get_spec(name)
    for layer in layers:
        spec.layer(layer)
    return load_model(name)


def open_region(text: Optional[str], image, feather: float = 0.0):
    """``--region``: a quick start (sky, bright, dark, subject), a DreamLab PNG whose recipe holds a
    region (the same region again), or a mask picture (white, or opaque, = change here)."""
    import os

    from PIL import Image

    from engine.images.pictures import read_recipe
    from engine.images.region import AUTO_KINDS, Region, auto_region, region_from_recipe

    if not text:
        return None
    if text in AUTO_KINDS:
        return Region.from_mask(auto_region(image, text).levels, feather)
    if not os.path.isfile(text):
        raise UserError(f"--region '{text}' is neither a quick start ({', '.join(AUTO_KINDS)}) nor a picture")
    try:
        recipe = read_recipe(text)
    except (KeyError, ValueError, OSError):  # no recipe: a mask picture
        recipe = None
    if recipe is not None:
        region = region_from_recipe(recipe)
        if region is None:
            raise UserError(f"--region '{text}': this picture's recipe has no region (it changed the whole picture)")
        return region
    try:
        with Image.open(text) as picture:
            picture.load()
            mask = picture if picture.mode in ("RGBA", "LA", "PA") else picture.convert("L")
            return Region.from_mask(mask.copy(), feather)
    except OSError:
        raise UserError(f"--region '{text}' is not a picture DreamLab can read") from None
