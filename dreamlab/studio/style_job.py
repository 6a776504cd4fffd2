"""Style Transfer's job, built from the session alone: the run button may call ``make_style_job``
from its click callback, before the page runs again, so it reads the page's state object, the photo
picker, the region and the paintings from the session, never a run's variables."""
from __future__ import annotations

from typing import Optional

import streamlit as st
from PIL import Image

from engine.catalog import BUILTIN_STYLES

from dreamlab.jobs.spec import JobSpec
from dreamlab.settings.style import Style
from dreamlab.studio.inputs import current_photo, missing_photo_message
from dreamlab.studio.models import model_ready
from dreamlab.studio.page_state import STYLE
from dreamlab.studio.region import current_region
from dreamlab.studio.runner import describe_job
from dreamlab.studio.style_paintings import (KEPT_KEY, OUTSIDE_KEY, blend_weights,
                                             builtin_style, title)
from dreamlab.settings.style import INSTANT
from dreamlab.studio.crop import take_dragged_centre
from dreamlab.studio.style_instant import instant_ok, keep_inputs
from dreamlab.studio.style_print import job_seconds, refusal, target_size
from dreamlab.studio.style_state import chosen_builtins, network_styles

KIND = "style"
REGION_KEY = "style:region"


def paintings_now(style: Style) -> list[tuple[str, Image.Image]]:
    """(name, picture) of the paintings chosen: built-in names, or the uploads' file names."""
    if style.painting_source == "Built-in":
        return [(name, builtin_style(name)) for name in chosen_builtins(STYLE)]
    return st.session_state.get(KEPT_KEY) or []  # as the page last showed them (kept across pages)


def _problem(photo, paintings: list, weights: list[float], style: Style) -> Optional[str]:
    """What keeps the job from starting, in words (None: nothing)."""
    if photo is None:
        return missing_photo_message("style")
    if style.quality == INSTANT:
        ok, reason = instant_ok()
        if not ok:
            return f"{reason} Choose Fast, Balanced or Best."
        if network_styles():
            return None  # the network's own styles paint instead of the paintings
    if not paintings:
        return "Pick or upload at least one painting."
    if sum(weights) <= 0:
        return "Give at least one painting a share above 0."
    if style.quality != INSTANT and (not style.content_layers or not style.style_layers):
        return "Pick at least one content layer and one style layer in Advanced settings."
    return None


def outside_painting(region) -> tuple[str, Optional[Image.Image]]:
    name = st.session_state.get(OUTSIDE_KEY, "photo")
    if region is None or not isinstance(name, str) or name not in BUILTIN_STYLES:
        return "photo", None
    return name, builtin_style(name)


def _size_label(style: Style, photo) -> str:
    size = target_size(style, photo)
    return f"{size[0]}x{size[1]} px" if size else f"{style.size} px"


def make_style_job() -> Optional[JobSpec]:
    take_dragged_centre(STYLE)  # a press right after a drag: the frame's last place counts
    style = STYLE.values()
    photo = current_photo("style")
    paintings = paintings_now(style)
    names = [name for name, _ in paintings]
    weights = blend_weights(names)
    problem = _problem(photo, paintings, weights, style)
    if problem:
        st.warning(problem)
        return None
    instant = style.quality == INSTANT
    refused = refusal(style, photo.image)
    if refused:
        st.warning(refused)
        return None
    if not instant and not model_ready(style.model):
        return None
    region = current_region(REGION_KEY)
    outside_name, outside = outside_painting(region)
    network = network_styles() if instant else []
    styles = [BUILTIN_STYLES.get(name, name) for name in names]
    extra_recipe = {"styles": network or styles, "quality": style.quality,
                    **({"network_styles": network} if network else {}), **({"outside": outside_name} if region else {})}
    describe_job(KIND, before=photo.image, recipe={
        "kind": "style", "seed": style.seed, **extra_recipe, "size_label": _size_label(style, photo.image),
        "label": " + ".join(network or [title(name) for name in names])})
    params = {"image": photo.image, "styles": [picture for _, picture in paintings], "weights": weights,
              "settings": style, "extra_recipe": extra_recipe, "region": region,
              "outside_styles": [outside] if outside is not None else []}
    if not instant:
        return JobSpec("style", {**params, "estimate_s": job_seconds(style, photo.image, len(paintings))})
    keep_inputs(params)
    extra_recipe["style_weights"] = [1.0] * len(network) if network else weights
    return JobSpec("instant_style", {**params, "builtin": {n: 1.0 for n in network} if network else None})
