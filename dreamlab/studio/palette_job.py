"""The Hybrid Palette's jobs (one painting, or several variations), built from the session alone:
the run buttons may call them from their click callbacks, before the page runs again, so they read
the page's state object, the shared palette, the journey's stops, the photo picker and the region
from the session, never a run's variables."""
from __future__ import annotations

from typing import Optional

import streamlit as st

from engine import estimates
from engine.catalog import get_spec
from engine.dreaming.palette.data import as_palette, check_palette
from engine.images.shapes import print_size
from engine.timing import describe_seconds, worth_saying

from dreamlab.jobs.convert import palette_settings
from dreamlab.jobs.spec import JobSpec
from dreamlab.settings.palette import Palette
from dreamlab.studio.inputs import current_photo
from dreamlab.studio.models import model_ready
from dreamlab.studio.page_state import PALETTE
from dreamlab.studio.palette_start import StartChoice, start_now
from dreamlab.studio.palette_state import STOPS
from dreamlab.studio.region import current_region
from dreamlab.studio.runner import describe_job
from dreamlab.studio.state import palette

KIND, VARIATIONS_KIND = "palette", "palette-variations"
REGION_KEY = "palette:region"
PRINT_FROM = 1601  # photo sizes above this are prints (dreamlab.jobs.tasks.palette)
GUESS_SECONDS = 6.0  # before a worker has measured this machine
WHERE = {"Photo": "on a photo", "Noise": "on noise", "Colour": "on a colour", "Gradient": "on a gradient"}


def _palettes(chosen: Palette) -> list:
    """The palette, or the journey's stops for this network when the journey is on."""
    stops = st.session_state.get(STOPS) or []
    if stops and chosen.journey:
        return [as_palette(stop["filters"]) for stop in stops if stop["model"] == chosen.model]
    return [as_palette([e for e in palette() if e["model"] == chosen.model])]


def _problem(start: StartChoice, palettes: list, model_name: str) -> Optional[str]:
    """What keeps the job from starting, in words (None: nothing)."""
    try:
        for p in palettes:
            check_palette(p, get_spec(model_name))
    except ValueError as err:
        return f"Your palette cannot be painted yet: {err}."
    if not palettes:
        return "The journey has no stops for this network."
    if start.paint_on() is None:
        return "Choose a photo first, or start from noise or a colour."
    return None


def job_inputs():
    """(start picture, palettes, settings, start) for a job, or None after telling the user what is missing."""
    chosen = PALETTE.values()
    start = start_now(current_photo("palette") if chosen.start == "Photo" else None)
    palettes = _palettes(chosen)
    problem = _problem(start, palettes, chosen.model)
    if problem:
        st.warning(problem)
        return None
    if not model_ready(chosen.model):
        return None
    return start.paint_on(), palettes, chosen, start


def label(start: StartChoice, palettes: list) -> str:
    """Words for the history, the download's name and "Made with": 'a journey on noise', 'a palette on a photo'."""
    return f"{'a journey' if len(palettes) > 1 else 'a palette'} {WHERE[start.kind]}"


def describe(kind: str, picture, palettes, start: StartChoice) -> None:
    describe_job(kind, before=picture if start.is_photo else None,
                 recipe={"label": label(start, palettes), "size_label": start.size_label})


def _region(start: StartChoice):
    return current_region(REGION_KEY) if start.is_photo else None


def make_palette_job() -> Optional[JobSpec]:
    made = job_inputs()
    if made is None:
        return None
    picture, palettes, settings, start = made
    describe(KIND, picture, palettes, start)
    return JobSpec("palette", {"start": picture, "palettes": palettes, "settings": settings,
                               "region": _region(start), "estimate_s": job_seconds(settings, start, palettes)})


def make_variations_job() -> Optional[JobSpec]:
    made = job_inputs()
    if made is None:
        return None
    picture, palettes, settings, start = made
    describe(VARIATIONS_KIND, picture, palettes, start)
    numbers = [settings.seed + i for i in range(settings.variations)]
    return JobSpec("variations", {"start": picture, "palettes": palettes, "settings": settings, "numbers": numbers,
                                  "region": _region(start)})


def job_seconds(chosen: Palette, start: StartChoice, palettes: list) -> Optional[float]:
    """This machine's estimate for one painting (None until a worker has measured its step costs, or
    with no photo or palette yet)."""
    picture = start.paint_on()
    if picture is None or not palettes or not all(palettes):
        return None
    settings = palette_settings(chosen)
    try:
        if not start.is_photo:
            return estimates.palette_seconds(settings, "canvas", (chosen.pixels, chosen.pixels), palettes)
        if chosen.pixels >= PRINT_FROM:
            return estimates.palette_print_seconds(settings, print_size(picture.size, chosen.pixels), palettes)
        return estimates.palette_seconds(settings, "photo", picture.size, palettes)
    except ValueError:  # a filter this network lacks: the press says so
        return None


def say_time(start: StartChoice) -> float:
    """Just above the buttons: how long one painting takes here (as Deep Dream says it); its seconds."""
    chosen = PALETTE.values()
    seconds = job_seconds(chosen, start, _palettes(chosen))
    picture = start.paint_on()
    if start.is_photo and picture is not None and chosen.pixels >= PRINT_FROM:
        w, h = print_size(picture.size, chosen.pixels)
        st.caption(f"The result will be {w}\u00d7{h} px, a PNG at 300 dpi; it is finished tile by tile"
                   + (f", {describe_seconds(seconds)} here." if seconds else "."))
    elif worth_saying(seconds):
        st.caption(f"This painting takes {describe_seconds(seconds)} here.")
    return seconds or GUESS_SECONDS
