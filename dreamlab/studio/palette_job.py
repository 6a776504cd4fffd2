"""The Hybrid Palette's jobs (one painting, or several variations), built from the session alone:
the run buttons may call them from their click callbacks, before the page runs again, so they read
what the page left in the session (``PaletteInputs``, the shared palette, the journey's stops, the
widgets' keys), never a run's variables."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional

import streamlit as st

from engine.catalog import get_spec
from engine.dreaming.palette import as_palette, check_palette

from dreamlab.jobs.spec import JobSpec
from dreamlab.studio.journey import STOPS, USE_JOURNEY
from dreamlab.studio.models import model_ready
from dreamlab.studio.palette_advanced import chosen_model, seed, settings_from_state, variations_count
from dreamlab.studio.palette_start import StartChoice
from dreamlab.studio.runner import describe_job
from dreamlab.studio.state import palette

if TYPE_CHECKING:  # (the region module needs torch)
    from engine.images.region import Region

KIND, VARIATIONS_KIND = "palette", "palette-variations"
INPUTS = "palette:inputs"  # session only: pictures are never part of the settings snapshot
WHERE = {"Photo": "on a photo", "Noise": "on noise", "Colour": "on a colour", "Gradient": "on a gradient"}


@dataclass
class PaletteInputs:
    """What the page showed last: the start (with the photo, if any) and the painted region."""
    start: StartChoice
    region: Optional[Region] = None


def remember_inputs(inputs: PaletteInputs) -> None:
    st.session_state[INPUTS] = inputs


def _palettes(model_name: str) -> list:
    """The palette, or the journey's stops for this network when the journey is on."""
    stops = st.session_state.get(STOPS) or []
    if stops and st.session_state.get(USE_JOURNEY, True):
        return [as_palette(stop["filters"]) for stop in stops if stop["model"] == model_name]
    return [as_palette([e for e in palette() if e["model"] == model_name])]


def _problem(start: Optional[StartChoice], palettes: list, model_name: str) -> Optional[str]:
    """What keeps the job from starting, in words (None: nothing)."""
    try:
        for p in palettes:
            check_palette(p, get_spec(model_name))
    except ValueError as err:
        return f"Your palette cannot be painted yet: {err}."
    if not palettes:
        return "The journey has no stops for this network."
    if start is None or start.paint_on() is None:
        return "Choose a photo first, or start from noise or a colour."
    return None


def job_inputs():
    """(start picture, palettes, settings, inputs) for a job, or None after telling the user what is missing."""
    inputs: Optional[PaletteInputs] = st.session_state.get(INPUTS)
    model_name = chosen_model()
    palettes = _palettes(model_name)
    problem = _problem(inputs.start if inputs else None, palettes, model_name)
    if problem:
        st.warning(problem)
        return None
    if not model_ready(model_name):
        return None
    return inputs.start.paint_on(), palettes, settings_from_state(inputs.start), inputs


def label(start: StartChoice, palettes: list) -> str:
    """Words for the history, the download's name and "Made with": 'a journey on noise', 'a palette on a photo'."""
    return f"{'a journey' if len(palettes) > 1 else 'a palette'} {WHERE[start.kind]}"


def describe(kind: str, picture, palettes, start: StartChoice) -> None:
    describe_job(kind, before=picture if start.is_photo else None,
                 recipe={"label": label(start, palettes), "size_label": start.size_label})


def make_palette_job() -> Optional[JobSpec]:
    made = job_inputs()
    if made is None:
        return None
    picture, palettes, settings, inputs = made
    describe(KIND, picture, palettes, inputs.start)
    return JobSpec("palette", {"start": picture, "palettes": palettes, "settings": settings,
                               "region": inputs.region})


def make_variations_job() -> Optional[JobSpec]:
    made = job_inputs()
    if made is None:
        return None
    picture, palettes, settings, inputs = made
    describe(VARIATIONS_KIND, picture, palettes, inputs.start)
    numbers = [seed() + i for i in range(variations_count())]
    return JobSpec("variations", {"start": picture, "palettes": palettes, "settings": settings, "numbers": numbers,
                                  "region": inputs.region})
