"""Named Deep Dream recipes a casual user understands, per model."""
from __future__ import annotations

from engine.catalog import DEFAULT_PRESET, PRESETS, Preset  # noqa: F401 (the facts live in the catalog)
from engine.dreaming.settings import DreamSettings


def preset_settings(name: str, model: str = "lite0", seed: int = 0) -> DreamSettings:
    try:
        preset = PRESETS[name]
    except KeyError:
        raise ValueError(f"unknown preset '{name}' (choose from: {', '.join(PRESETS)})") from None
    return DreamSettings(layers=dict(preset.layers[model]), model=model, octaves=preset.octaves,
                         octave_scale=preset.octave_scale, steps=preset.steps,
                         step_size=preset.step_size, seed=seed)
