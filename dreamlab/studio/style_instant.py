"""Style Transfer's Instant quality: is it installed, the instant network's 26 own styles as a picker
of thumbnails, and Refine (Gatys started from an instant result).

The server reads only ``engine.style.instant_files`` (no torch); the painting, the thumbnails and
Refine run as jobs (``instant_style``, ``instant_thumbnails``, ``refine_style``) where the jobs run.
"""
from __future__ import annotations

import time
from typing import Optional

import streamlit as st

from engine.style import instant_files

from dreamlab.jobs.queue import DONE
from dreamlab.jobs.service import job_queue
from dreamlab.jobs.spec import JobSpec
from dreamlab.settings.style import GATYS_STRENGTH, INSTANT
from dreamlab.studio.page_state import STYLE
from dreamlab.studio.runner import describe_job
from dreamlab.studio.style_state import NETWORK_STYLES_KEY, RESULT, network_style_key, network_styles

INPUTS_KEY = "style:instant-inputs"  # what the last instant job painted with, for Refine
REFINE_KIND = "style-refine"  # page_of() -> "style": its result goes to Style Transfer's history
THUMBNAIL_WAIT_S = 30.0
THUMBNAIL_COLUMNS = 6
_THUMBNAILS: dict[str, str] = {}  # name -> PNG path, made once per machine by a job


def instant_ok() -> tuple[bool, str]:
    """(True, "") when Instant can run here, else (False, one line). Read through the module, so a
    test can stand in for a machine without the package."""
    return instant_files.instant_available()


def instant_chosen() -> bool:
    return STYLE.get("quality") == INSTANT and instant_ok()[0]


def _thumbnails() -> dict[str, str]:
    """The 26 thumbnails' paths: made by a job the first time (about a second), then kept."""
    if not _THUMBNAILS:
        job = job_queue().submit("thumbnails", "instant-thumbnails", JobSpec("instant_thumbnails", {}), estimate_s=2.0)
        deadline = time.monotonic() + THUMBNAIL_WAIT_S
        with st.spinner("Making the network's style thumbnails (once)…"):
            while job.active and time.monotonic() < deadline:
                job.touch()
                time.sleep(0.1)
        if job.state == DONE and isinstance(job.result, dict):
            _THUMBNAILS.update(job.result)
    return dict(_THUMBNAILS)


def network_style_picker() -> list[str]:
    """The instant network's 26 own styles, each a thumbnail with a tick box; returns those ticked."""
    with st.expander("The instant network's own 26 styles", expanded=bool(network_styles()),
                     icon=":material/palette:"):
        st.caption("Tick one or more: they paint instead of the paintings above (several are blended).")
        thumbs = _thumbnails()
        if not thumbs:
            st.caption("The thumbnails are still being made: open this again in a moment.")
        chosen = network_styles()
        picked = []
        names = instant_files.BUILTIN_NAMES
        for i, name in enumerate(names):
            if i % THUMBNAIL_COLUMNS == 0:  # a row of its own: captions of two lines keep the rows aligned
                columns = st.columns(THUMBNAIL_COLUMNS)
            with columns[i % THUMBNAIL_COLUMNS]:
                if name in thumbs:  # the name under the picture wraps; a tick box's label would be cut short
                    st.image(thumbs[name], caption=name, width="stretch")
                key = network_style_key(name)
                if st.session_state.get(key) is None:
                    st.session_state[key] = name in chosen
                if st.checkbox(name, key=key, label_visibility="collapsed" if name in thumbs else "visible"):
                    picked.append(name)
        if picked != chosen:
            st.session_state[NETWORK_STYLES_KEY] = picked
    return picked


def keep_inputs(params: dict) -> None:
    """Remember what an instant job paints with: Refine starts Gatys from its result with the same."""
    st.session_state[INPUTS_KEY] = {k: params[k] for k in ("image", "styles", "weights", "region", "outside_styles")}


def refinable(result: Optional[dict]) -> bool:
    recipe = (result or {}).get("recipe", {})
    return recipe.get("quality") == INSTANT and not recipe.get("refined_from") and not recipe.get("network_styles")


def make_refine_job() -> Optional[JobSpec]:
    """Gatys from the instant result shown, with the paintings it was painted with, at its size."""
    result, inputs = st.session_state.get(RESULT), st.session_state.get(INPUTS_KEY)
    if not refinable(result) or not inputs:
        st.warning("Paint an instant picture first: Refine finishes it.")
        return None
    style = STYLE.values()
    settings = style.model_copy(update={"size": max(result["after"].size), "steps": instant_files.REFINE_STEPS,
                                        "scales": instant_files.REFINE_SCALES, "strength": GATYS_STRENGTH})
    extra = {k: v for k, v in result["recipe"].items() if k in ("styles", "style_weights", "outside", "label")}
    extra_recipe = {**extra, "quality": "refined"}
    describe_job(REFINE_KIND, before=inputs["image"], recipe={
        "kind": "style", **extra_recipe, "size_label": f"{settings.size} px", "refined_from": INSTANT})
    return JobSpec("refine_style", {**inputs, "instant_result": result["after"], "settings": settings,
                                    "extra_recipe": extra_recipe})


def refine_estimate_s() -> float:
    size = STYLE.get("size") or 512
    return 12.0 * (size / 512) ** 2 * instant_files.REFINE_STEPS / 40
