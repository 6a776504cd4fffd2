"""Style Transfer's job, built from the session alone: the run button may call ``make_style_job``
from its click callback, before the page runs again, so it reads what the page left in the session
(the pictures in ``StyleInputs``, the settings in the widgets' keys), never a run's variables."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Optional

import streamlit as st
from PIL import Image

from dreamlab.jobs.spec import JobSpec
from dreamlab.studio.inputs import missing_photo_message
from dreamlab.studio.models import model_ready
from dreamlab.studio.runner import describe_job
from dreamlab.studio.style_paintings import blend_weights, short_name
from dreamlab.studio.style_settings import chosen_quality, settings_from_state

if TYPE_CHECKING:  # (the region module needs torch; the page holds a Region only when it drew the painter)
    from engine.images.pictures import LoadedImage
    from engine.images.region import Region

KIND = "style"
INPUTS = "style:inputs"  # session only: pictures are never part of the settings snapshot


@dataclass
class StyleInputs:
    """The pictures the page showed last: the photo, the paintings, the region and what goes outside it."""
    photo: Optional[LoadedImage] = None
    paintings: list[tuple[str, Image.Image]] = field(default_factory=list)
    region: Optional[Region] = None
    outside_name: str = "photo"
    outside: Optional[Image.Image] = None


def remember_inputs(inputs: StyleInputs) -> None:
    st.session_state[INPUTS] = inputs


def _problem(inputs: StyleInputs, weights: list[float]) -> Optional[str]:
    """What keeps the job from starting, in words (None: nothing)."""
    if inputs.photo is None:
        return missing_photo_message("style")
    if not inputs.paintings:
        return "Pick or upload at least one painting."
    if sum(weights) <= 0:
        return "Give at least one painting a share above 0."
    model_name = st.session_state.get("style-model") or "lite0"
    layers = [st.session_state.get(f"style-{which}-layers-{model_name}") for which in ("content", "style")]
    if any(chosen is not None and not chosen for chosen in layers):
        return "Pick at least one content layer and one style layer in Advanced settings."
    return None


def make_style_job() -> Optional[JobSpec]:
    inputs: StyleInputs = st.session_state.get(INPUTS) or StyleInputs()
    names = [name for name, _ in inputs.paintings]
    weights = blend_weights(names)
    problem = _problem(inputs, weights)
    if problem:
        st.warning(problem)
        return None
    settings = settings_from_state()
    if not model_ready(settings.model):
        return None
    extra_recipe = {"styles": names, "quality": chosen_quality()}
    if inputs.region is not None:
        extra_recipe["outside"] = inputs.outside_name
    describe_job(KIND, before=inputs.photo.image, recipe={
        **settings.recipe(), **extra_recipe, "size_label": f"{settings.size} px",
        "label": " + ".join(short_name(name) for name in names)})
    return JobSpec("style", {"image": inputs.photo.image, "styles": [picture for _, picture in inputs.paintings],
                             "weights": weights, "settings": settings, "extra_recipe": extra_recipe,
                             "region": inputs.region,
                             "outside_styles": [inputs.outside] if inputs.outside is not None else []})
