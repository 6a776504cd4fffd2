"""Style Transfer's look (strength, brush, colours, quality) and its advanced settings: the widgets,
and the engine's settings read back from the session (so a press, handled in a callback before the
page runs again, builds its job from what the widgets hold, not from a previous run's variables)."""
from __future__ import annotations

from typing import Any

import streamlit as st

from engine.catalog import QUALITIES, get_spec
from engine.style.transfer import StyleSettings

from dreamlab.studio.models import model_picker
from dreamlab.studio.persist import kept

QUALITY_LABELS = {"fast": "Fast", "balanced": "Balanced", "best": "Best"}
BRUSHES = {"Fine": 0.6, "Medium": 1.0, "Large": 1.5, "Huge": 2.2}
INITS = {"content": "My photo", "noise": "Random noise"}
OPTIMIZERS = {"lbfgs": "L-BFGS (best)", "adam": "Adam"}
DEFAULTS = StyleSettings()
MODEL_KEY = "style-model"


def _value(key: str, default: Any) -> Any:
    value = st.session_state.get(key)
    return default if value is None else value


def look_controls() -> None:
    st.slider("Style strength", 0, 100, 50, format="%d%%", **kept("style-strength"),
              help="Low: mostly your photo with a touch of paint. High: mostly the painting.")
    c1, c2 = st.columns(2)
    c1.select_slider("Brush size", list(BRUSHES), value="Medium", **kept("style-brush"),
                     help="How large the painting's strokes and patterns come out.")
    c2.toggle("Keep my photo's colours", **kept("style-keep-colors"),
              help="Borrow only the painting's strokes and light, not its colours.")
    st.radio("Quality", list(QUALITIES), index=1, horizontal=True, **kept("style-quality"),
             format_func=QUALITY_LABELS.get, captions=[f"{side} px" for side, _, _ in QUALITIES.values()])


def advanced_controls() -> None:
    """Size, steps and scales of the chosen quality, smoothing, start, optimiser, layers and seed."""
    quality = chosen_quality()
    size, steps, scales = QUALITIES[quality]
    model_name = model_picker(MODEL_KEY)
    c1, c2, c3 = st.columns(3)
    c1.number_input("Size (longest side, px)", 64, 2048, size, 32, **kept(f"style-size-{quality}"))
    c2.slider("Steps at full size", 1, 200, steps, **kept(f"style-steps-{quality}"),
              help="Each smaller scale gets twice as many. More steps = more finished.")
    c3.slider("Scales (coarse to fine)", 1, 4, scales, **kept(f"style-scales-{quality}"),
              help="Solve small first, then enlarge and refine: much faster for big pictures.")
    c1, c2, c3 = st.columns(3)
    c1.slider("Smoothing", 0.0, 1.0, DEFAULTS.smoothing, 0.05, **kept("style-smoothing"),
              help="Irons out speckles; too much looks blurry.")
    c2.radio("Start from", list(INITS), **kept("style-init"), format_func=INITS.get)
    c3.radio("Optimiser", list(OPTIMIZERS), **kept("style-optimizer"), format_func=OPTIMIZERS.get)
    layer_pickers(model_name)
    st.number_input("Random seed", 0, 2**31 - 1, 0, **kept("style-seed"),
                    help="Same seed + same settings = same picture.")


def layer_pickers(model_name: str) -> None:
    spec = get_spec(model_name)
    content_layers, style_layers = StyleSettings(model=model_name).layers()
    layer_label = lambda n: f"{n} · {spec.layer(n).hint}"  # noqa: E731
    st.multiselect("Content layers (the photo's shapes)", spec.layer_names(), default=list(content_layers),
                   format_func=layer_label, **kept(f"style-content-layers-{model_name}"))
    st.multiselect("Style layers (the painting's texture)", spec.layer_names(), default=list(style_layers),
                   format_func=layer_label, **kept(f"style-style-layers-{model_name}"))


def chosen_quality() -> str:
    quality = st.session_state.get("style-quality")
    return quality if quality in QUALITIES else "balanced"


def chosen_model() -> str:
    return _value(MODEL_KEY, DEFAULTS.model)


def size_and_steps() -> tuple[int, int, int]:
    """(size, steps, scales) of the chosen quality, as Advanced settings left them."""
    quality = chosen_quality()
    size, steps, scales = QUALITIES[quality]
    return (int(_value(f"style-size-{quality}", size)), int(_value(f"style-steps-{quality}", steps)),
            int(_value(f"style-scales-{quality}", scales)))


def estimate_s() -> float:
    size, steps, _ = size_and_steps()
    return 12.0 * (size / 512) ** 2 * steps / 40


def settings_from_state() -> StyleSettings:
    """The engine's settings as the widgets hold them (layer lists may be empty: the job says so)."""
    model_name = chosen_model()
    content, style = StyleSettings(model=model_name).layers()
    size, steps, scales = size_and_steps()
    return StyleSettings(
        model=model_name, size=size, steps=steps, scales=scales,
        strength=_value("style-strength", 50) / 100, brush=BRUSHES.get(_value("style-brush", "Medium"), 1.0),
        smoothing=float(_value("style-smoothing", DEFAULTS.smoothing)),
        keep_colors=bool(_value("style-keep-colors", False)), init=_value("style-init", "content"),
        optimizer=_value("style-optimizer", "lbfgs"),
        content_layers={n: 1.0 for n in _value(f"style-content-layers-{model_name}", list(content))},
        style_layers={n: 1.0 for n in _value(f"style-style-layers-{model_name}", list(style))},
        seed=int(_value("style-seed", 0)))
