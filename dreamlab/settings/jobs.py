"""One model per job: what a person can set for it, with bounds, choices, defaults, labels and help.

The pages draw their widgets from these fields, the CLI derives its flags from them, every restore
(history, link, PNG recipe) is validated by them, and ``dreamlab.jobs.tasks`` turns them into the
engine's dataclasses. A new Deep Dream knob is one field in ``Dream`` plus the engine code that uses it.
"""
from __future__ import annotations

import math
from typing import ClassVar, Literal, Optional

from pydantic import model_validator

from engine.catalog import PRESETS
from engine.images.shapes import MAX_PRINT_SIDE, PRINT_LABELS, PRINT_SIZES

from dreamlab.settings import parts
from dreamlab.settings.fields import setting
from dreamlab.settings.parts import Network, OctaveSchedule, Seeded, Texture

CUSTOM = "Custom"  # the label of a recipe whose knobs no longer match its preset
DREAM_SIZES = {"Small (fast)": 512, "Medium": 800, "Large": 1024, "Full size (slow)": 1600,
               PRINT_LABELS["a4"]: PRINT_SIZES["a4"], PRINT_LABELS["poster"]: PRINT_SIZES["poster"]}
PRINT_FROM = 1601  # picture sizes above this are prints: made by engine.dreaming.printing, may exceed the photo
ZOOM_SIZES = {"Small (fast)": 384, "Medium": 512, "Large (slow)": 768}
VIDEO_SIZES = {"Small (fast)": 256, "Medium": 384, "Large (slow)": 512}
RATES = {"6 per second (fast)": 6.0, "12 per second": 12.0, "As the clip (smoothest)": None}


class Preset(parts.Part):
    """A job that starts from a Deep Dream preset: choosing one sets its knobs (``preset_values``)."""
    preset: parts.PresetName = parts.preset()  # type: ignore[valid-type]

    # Knobs a preset sets, beyond the network's layers; the model's own defaults for the rest.
    PRESET_KNOBS: ClassVar[tuple[str, ...]] = ()

    @classmethod
    def preset_values(cls, preset: str, model: str) -> dict:
        """The knob values of ``preset`` on ``model``: what choosing that preset sets."""
        chosen = PRESETS.get(preset, PRESETS[parts.DEFAULT_PRESET])
        values = {"layers": dict(chosen.layers.get(model) or next(iter(chosen.layers.values())))}
        values.update({k: getattr(chosen, k) for k in cls.PRESET_KNOBS})
        for name, info in cls.model_fields.items():
            if name not in values and name in cls.ADVANCED:
                values[name] = info.get_default(call_default_factory=True)
        return values

    ADVANCED: ClassVar[tuple[str, ...]] = ()  # the knobs under "Advanced settings" that a preset resets

    @classmethod
    def defaults_for(cls, given: dict) -> dict:
        """Defaults that depend on other values: the knobs of the given preset and network."""
        return cls.preset_values(given.get("preset", parts.DEFAULT_PRESET), given.get("model", parts.DEFAULT_MODEL))

    def matches_preset(self) -> bool:
        """True while every knob is still what the preset set (a slider may hand back 0.008 as
        0.008000000000000002: numbers are compared with a tolerance)."""
        wanted = self.preset_values(self.preset, self.model)  # type: ignore[attr-defined]
        return all(_same(getattr(self, k), v) for k, v in wanted.items())

    def label(self, prefix: str = "") -> str:
        """The recipe's words for it: the preset's title, or "Custom" once a knob was changed."""
        name = PRESETS[self.preset].title if self.matches_preset() else CUSTOM
        return f"{prefix}{name}"


def _same(a, b) -> bool:
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, float) or isinstance(b, float):
        return isinstance(a, (int, float)) and isinstance(b, (int, float)) and math.isclose(a, b, rel_tol=1e-9)
    return a == b


class Dream(Seeded, Texture, OctaveSchedule, Network, Preset, parts.Framing):
    """Deep Dream a photo."""
    size: Literal[tuple(DREAM_SIZES)] = parts.picture_size(  # type: ignore[valid-type]
        DREAM_SIZES, "Medium", "Bigger pictures take longer: Medium dreams in a few seconds.")
    use_guide: bool = setting(False, "Steer the dream with a guide picture", "A second picture whose features "
                              "the dream grows towards.", kind="toggle", cli=False)
    layers: dict[str, float] = parts.layers(default=lambda: dict(PRESETS[parts.DEFAULT_PRESET].layers["lite0"]))
    steps: int = parts.steps(default=PRESETS[parts.DEFAULT_PRESET].steps)
    step_size: float = parts.step_size(default=PRESETS[parts.DEFAULT_PRESET].step_size)
    side: int = setting(0, "Longest side (px)", f"The result's longest side in pixels, up to {MAX_PRINT_SIDE}; it may be "
                        "larger than the photo (a print, finished tile by tile, its PNG at 300 dpi). 0 = the "
                        "picture size.", kind="number", ge=0, le=MAX_PRINT_SIDE, flag="size", unit="px")
    seamless: bool = setting(False, "Seamless tile", "The result tiles without a seam, like wallpaper or fabric: "
                             "the photo's opposite edges are cross-faded, then dreamt as a torus.", kind="toggle")

    PRESET_KNOBS = ("octaves", "octave_scale", "steps", "step_size")
    # The knobs under "Advanced settings", in the page's order (a preset resets them). A new knob
    # listed here shows on the page, travels in recipes and links, and gets a CLI flag.
    ADVANCED = ("layers", "octaves", "octave_scale", "steps", "step_size", "jitter", "tile", "smoothness")

    @property
    def pixels(self) -> int:
        return DREAM_SIZES[self.size]

    @property
    def print_side(self) -> int:
        """The longest side of a print (0: no print): ``side`` when given, else a print picture size."""
        return self.side or (self.pixels if self.pixels >= PRINT_FROM else 0)


class Zoom(Seeded, Network, Preset):
    """A zoom journey: fall into a dream of a photo, frame by frame. Its per-frame dream reuses the
    octave schedule's steps and strength (the first frame is a full dream)."""
    size: Literal[tuple(ZOOM_SIZES)] = parts.picture_size(ZOOM_SIZES, "Small (fast)")  # type: ignore[valid-type]
    frames: int = setting(36, "Frames", "12 frames make one second of video.", kind="slider", ge=1, le=10_000,
                          ui=(6, 240), unit="frames", verb="makes")
    layers: dict[str, float] = parts.layers(weights=False, default=lambda: dict(PRESETS[parts.DEFAULT_PRESET].layers["lite0"]))
    then_layers: dict[str, float] = parts.layers("Then change to these layers halfway (optional)", weights=False,
                                                 cli=False)
    zoom: float = setting(1.04, "Zoom per frame", "1.00 = stand still; 1.04 = 4% closer each frame.",
                          kind="slider", ge=0.5, le=2.0, ui=(1.0, 1.15), step=0.01)
    rotate: float = setting(0.0, "Turn per frame (degrees)", "Degrees per frame, counter-clockwise.",
                            kind="slider", ge=-180, le=180, ui=(-5.0, 5.0), step=0.5)
    fps: float = setting(12.0, "Frames per second", "Frames per second of the video.", kind="select_slider",
                         gt=0, le=60, options=[6.0, 8.0, 12.0, 24.0])
    pan_right: float = setting(0.0, "Drift right", "share of the width per frame", kind="slider", ge=-0.5,
                               le=0.5, ui=(-0.05, 0.05), step=0.005, format="%.3f")
    pan_down: float = setting(0.0, "Drift down", "share of the height per frame", kind="slider", ge=-0.5,
                              le=0.5, ui=(-0.05, 0.05), step=0.005, format="%.3f")
    steps: int = parts.steps(default=4, ui=(1, 12), title="Dream steps per frame")
    step_size: float = parts.step_size(default=0.012, ui=(0.002, 0.05))

    ADVANCED = ("layers", "then_layers")

    @model_validator(mode="after")
    def _then_layers_of_the_network(self):
        spec = parts.get_spec(self.model)
        for name in self.then_layers:
            spec.layer(name)
        return self

    @property
    def pixels(self) -> int:
        return ZOOM_SIZES[self.size]


class Video(Seeded, OctaveSchedule, Network, Preset):
    """Dream every frame of a short clip, following its motion."""
    size: Literal[tuple(VIDEO_SIZES)] = parts.picture_size(VIDEO_SIZES, "Small (fast)")  # type: ignore[valid-type]
    rate: Literal[tuple(RATES)] = setting("6 per second (fast)", "Frames to dream",  # type: ignore[valid-type]
                                          "Fewer frames per second dream sooner; the sound is kept either way.",
                                          kind="radio", cli=False)
    layers: dict[str, float] = parts.layers(weights=False, default=lambda: dict(PRESETS[parts.DEFAULT_PRESET].layers["lite0"]))
    octaves: int = parts.octaves(default=2, ui=(1, 4))
    steps: int = parts.steps(default=4, ui=(1, 12))
    step_size: float = parts.step_size(default=0.012, ui=(0.002, 0.05))
    blend: float = setting(0.7, "Steadiness", "How much of the previous dreamed frame each frame starts from. "
                           "0 dreams every frame on its own (it flickers).", kind="slider", ge=0, lt=1,
                           ui=(0.0, 0.9), step=0.05)
    follow_motion: bool = setting(True, "Follow the motion", "Move the previous dream along with the scene "
                                  "(optical flow).", kind="toggle", flag="no-motion",
                                  cli_help="blend without following the motion (optical flow)")
    keep_sound: bool = setting(True, "Keep the sound", "Keep the clip's sound in the video.", kind="toggle",
                               flag="mute", cli_help="leave the clip's sound out")

    ADVANCED = ("layers",)

    @property
    def pixels(self) -> int:
        return VIDEO_SIZES[self.size]

    @property
    def frame_rate(self) -> Optional[float]:
        return RATES[self.rate]


JOBS = {"dream": Dream, "zoom": Zoom, "video": Video}


class Making(parts.Part):
    """The Motion page's choice between its two jobs."""
    what: Literal["Zoom journey", "Dream a video"] = setting("Zoom journey", "What to make", kind="segmented",
                                                            cli=False)
