"""The Hybrid Palette's advanced settings (network, steps, octaves, strength, seed) and the engine's
settings read back from the session, so a press handled in a callback builds its job from what the
widgets hold."""
from __future__ import annotations

from typing import Any

import streamlit as st

from engine.dreaming.palette import CANVAS_STEPS, PHOTO_STEPS, PaletteSettings, photo_schedule

from dreamlab.studio.models import model_picker
from dreamlab.studio.palette_editor import MODEL_KEY
from dreamlab.studio.palette_start import StartChoice
from dreamlab.studio.persist import kept

SEED_KEY = "palette:number"
VARIATIONS_COUNT = "palette:variations:count"


def _value(key: str, default: Any) -> Any:
    value = st.session_state.get(key)
    return default if value is None else value


def chosen_model() -> str:
    return _value(MODEL_KEY, "lite0")


def advanced_controls(start: StartChoice) -> None:
    model_picker(MODEL_KEY)
    c1, c2, c3 = st.columns(3)
    if start.is_photo:
        c1.slider("Steps per octave", 1, 40, PHOTO_STEPS, **kept("palette:steps:photo"))
        c2.slider("Octaves", 1, 8, photo_schedule().octaves, **kept("palette:octaves"),
                  help="How many scales to paint at, small to large. More = bigger patterns.")
        c3.slider("Strength per step", 0.002, 0.04, photo_schedule().step_size, 0.002, format="%.3f",
                  **kept("palette:strength"))
    else:
        c1.slider("Steps", 8, 256, CANVAS_STEPS, 8, **kept("palette:steps:canvas"))
    st.number_input("Random seed", 0, 2**31 - 1, 0, **kept(SEED_KEY), help="Same seed + same palette = same picture.")


def seed() -> int:
    return int(_value(SEED_KEY, 0))


def variations_count() -> int:
    return int(_value(VARIATIONS_COUNT, 3))


def settings_from_state(start: StartChoice) -> PaletteSettings:
    """How to paint, as Advanced settings left it, for this start."""
    settings = PaletteSettings(model=chosen_model()).reseeded(seed())
    if start.is_photo:
        photo = settings.photo
        photo.steps = int(_value("palette:steps:photo", photo.steps))
        photo.octaves = int(_value("palette:octaves", photo.octaves))
        photo.step_size = float(_value("palette:strength", photo.step_size))
    else:
        settings.canvas.steps, settings.canvas.size = int(_value("palette:steps:canvas", CANVAS_STEPS)), start.side
    return settings
