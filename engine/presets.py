"""Named Deep Dream recipes a casual user understands, per model."""
from __future__ import annotations

from dataclasses import dataclass

from .dream import DreamSettings


@dataclass(frozen=True)
class Preset:
    title: str
    description: str
    layers: dict[str, dict[str, float]]  # model -> {layer: weight}
    steps: int
    step_size: float
    octaves: int = 4
    octave_scale: float = 1.5


PRESETS: dict[str, Preset] = {
    "soft-strokes": Preset(
        "Soft strokes", "Gentle brush strokes and textures over the photo.",
        {"lite0": {"block3": 1.0}, "googlenet": {"conv3": 1.0},
         "vgg16": {"relu3_1": 1.0}, "vgg19": {"relu3_1": 1.0}},
        steps=8, step_size=0.008),
    "classic": Preset(
        "Classic dream", "Swirls, spirals and the first eyes: the Deep Dream look.",
        {"lite0": {"block8": 1.0}, "googlenet": {"inception4c": 1.0},
         "vgg16": {"relu4_3": 1.0}, "vgg19": {"relu4_4": 1.0}},
        steps=8, step_size=0.012),
    "creatures": Preset(
        "Creatures", "Eyes, faces and animals everywhere.",
        {"lite0": {"block10": 1.0, "block12": 0.5}, "googlenet": {"inception4d": 1.0, "inception4e": 0.5},
         "vgg16": {"relu5_2": 1.0}, "vgg19": {"relu5_2": 1.0}},
        steps=8, step_size=0.015),
}
DEFAULT_PRESET = "classic"


def preset_settings(name: str, model: str = "lite0", seed: int = 0) -> DreamSettings:
    try:
        preset = PRESETS[name]
    except KeyError:
        raise ValueError(f"unknown preset '{name}' (choose from: {', '.join(PRESETS)})") from None
    return DreamSettings(layers=dict(preset.layers[model]), model=model, octaves=preset.octaves,
                         octave_scale=preset.octave_scale, steps=preset.steps,
                         step_size=preset.step_size, seed=seed)
