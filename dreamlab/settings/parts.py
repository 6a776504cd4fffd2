"""The parts several jobs share, each declared once: the network and its layers, the octave
schedule, the texture of a dream (jitter, tile, smoothness), the seed, the output size and the region.

A part is a small pydantic model; a job's model inherits the parts it uses. Where a job shows a part
with other bounds or defaults (the Motion page's octaves go up to 4), it re-declares that field
with the same factory, so title and help text still come from here.
"""
from __future__ import annotations

import re
from typing import Annotated, Literal, Optional

from pydantic import AfterValidator, BaseModel, ConfigDict, model_validator

from engine.catalog import DEFAULT_MODEL, DEFAULT_PRESET, MODELS, PRESETS, get_spec
from engine.images.shapes import FITS, SHAPES

from dreamlab.settings.fields import setting

ModelName = Literal[tuple(MODELS)]  # type: ignore[valid-type]
PresetName = Literal[tuple(PRESETS)]  # type: ignore[valid-type]
TILES = (256, 384, 512, 768, 1024)
SEED_MAX = 2**31 - 1
MAX_LAYERS = 32  # more than any network has, so a restore cannot hand a widget a huge list


class Part(BaseModel):
    model_config = ConfigDict(extra="ignore")


# --- field factories (a title and help said once) ------------------------------------------------

def network(default: str = DEFAULT_MODEL):
    return setting(default, "Network", "Lite0 is built in and fast. The others download once (50-550 MB) "
                   "and are slower.", kind="select", labels={n: m.title for n, m in MODELS.items()})


def preset(default: str = DEFAULT_PRESET):
    return setting(default, "Style of dream", "A named recipe: its layers and strength. Advanced settings "
                   "change them afterwards.", kind="radio", labels={n: p.title for n, p in PRESETS.items()},
                   captions={n: p.description for n, p in PRESETS.items()})


def layers(title: str = "Layers to amplify", weights: bool = True, default=dict, flag: Optional[str] = None,
           cli: bool = True):
    return setting(default, title, "Listed from low (simple) to high (complex). Pick one or several.",
                   kind="layers", cli_help="LAYER[:WEIGHT],... (overrides the preset's layers)", weights=weights, ui=(0.0, 2.0),
                   step=0.1, flag=flag, cli=cli)


def octaves(default: int = 4, ui: tuple[int, int] = (1, 8)):
    return setting(default, "Octaves", "How many scales to dream at, small to large. More = bigger patterns.",
                   kind="slider", ge=1, le=16, ui=ui)


def octave_scale(default: float = 1.5):
    return setting(default, "Octave scale", "How much bigger each octave is than the one before.",
                   kind="slider", ge=1.05, le=4.0, ui=(1.1, 2.0), step=0.1)


def steps(default: int = 10, ui: tuple[int, int] = (1, 40), title: str = "Steps per octave"):
    return setting(default, title, "More steps paint a stronger dream and take longer.", kind="slider",
                   ge=1, le=500, ui=ui, unit="steps", verb="takes")


def step_size(default: float = 0.015, ui: tuple[float, float] = (0.001, 0.05)):
    return setting(default, "Strength per step", "How far each step changes the picture.", kind="slider",
                   gt=0, le=1.0, ui=ui, step=0.001, format="%.3f")


def seed():
    return setting(0, "Random seed", "Same seed + same settings = same picture.", kind="number", ge=0,
                   le=2**32 - 1, ui=(0, SEED_MAX), step=1, wide=True)


def jitter(default: int = 24):
    return setting(default, "Jitter (px)", "Each step shifts the picture by up to this much at random, "
                   "so the dream does not settle into a grid.", kind="slider", ge=0, le=512, ui=(0, 64))


def tile(default: int = 1024):
    return setting(default, "Tile size (px)", "Big pictures are processed in tiles to save memory.",
                   kind="select_slider", ge=64, le=4096, options=list(TILES))


def smoothness(default: float = 1.5):
    return setting(default, "Smoothness", "Smooths each step so the dream paints shapes, not fine "
                   "rainbow-coloured grain. 0 = raw (grainy), higher = softer.", kind="slider", ge=0, le=16,
                   ui=(0.0, 4.0), step=0.5, wide=True)


def picture_size(sizes: dict[str, int], default: str, help_text: str = ""):
    """The output size as words a person picks from (their longest sides in ``pixels``)."""
    return setting(default, "Picture size", help_text, kind="select_slider", pixels=sizes, cli=False)


SHAPE_CHOICES = ("photo", *SHAPES)  # "photo": the photo's own proportions


def shape():
    return setting("photo", "Shape", "A wallpaper's exact pixels: the photo is cropped around its subject (or "
                   "extended), never stretched.", kind="select",
                   labels={"photo": "The photo's own shape", **{n: s.label for n, s in SHAPES.items()}})


def fit():
    return setting("crop", "Fit to the shape", "Crop: the part of the photo around its subject. Extend: the whole "
                   "photo, with a blurred copy of it around.", kind="radio", labels={"crop": "Crop", "extend": "Extend"})


# "x,y": fractions of the photo's width and height, at most 3 decimals; "" = around the subject found
CENTRE_PATTERN = r"^(|(0(\.[0-9]{1,3})?|1(\.0{1,3})?),(0(\.[0-9]{1,3})?|1(\.0{1,3})?))$"


def _centre_text(value: str) -> str:
    if len(value) > 20 or re.fullmatch(CENTRE_PATTERN, value) is None:
        raise ValueError(f"the crop's centre must be two numbers from 0 to 1 as x,y (e.g. 0.5,0.3), got '{value[:20]}'")
    return value


CentreText = Annotated[str, AfterValidator(_centre_text)]


def crop_centre():
    return setting("", "Crop centre", "Where the crop's middle lies, as x,y fractions of the photo (0,0 top left; "
                   "e.g. 0.5,0.3). Empty: around the subject found in the photo. Dragging the frame sets it.",
                   kind="crop", pattern=CENTRE_PATTERN, cli_help="X,Y from 0 to 1 (default: around the photo's subject)")


def centre_of(text: str) -> Optional[tuple[float, float]]:
    """A ``crop_centre`` as (x, y), or None for the subject's."""
    if not text:
        return None
    x, y = text.split(",")
    return float(x), float(y)


def centre_text(x: float, y: float) -> str:
    """(x, y) as a ``crop_centre``: clamped to 0..1, 3 decimals."""
    def clamp(v: float) -> str:
        return f"{min(1.0, max(0.0, float(v))):.3f}".rstrip("0").rstrip(".") or "0"
    return f"{clamp(x)},{clamp(y)}"


# --- parts ---------------------------------------------------------------------------------------

class Network(Part):
    """A network and the layers it amplifies (names of that network's layers -> weights)."""
    model: ModelName = network()  # type: ignore[valid-type]
    layers: dict[str, float] = layers()

    @model_validator(mode="after")
    def _layers_of_the_network(self):
        spec = get_spec(self.model)
        for name, weight in self.layers.items():
            spec.layer(name)  # a ValueError naming the layers the network has
            if not -10 <= weight <= 10:
                raise ValueError(f"the weight of layer '{name}' must be between -10 and 10, got {weight}")
        return self


class OctaveSchedule(Part):
    """How a picture is dreamt on, octave by octave (Deep Dream's; Motion re-declares the bounds)."""
    octaves: int = octaves()
    octave_scale: float = octave_scale()
    steps: int = steps()
    step_size: float = step_size()


class Texture(Part):
    jitter: int = jitter()
    tile: int = tile()
    smoothness: float = smoothness()


class Seeded(Part):
    seed: int = seed()


FEATHERS = {"None": 0.0, "A little": 0.02, "Soft": 0.05, "Very soft": 0.1}


class RegionEdge(Part):
    """The region's soft edge (the painted mask itself stays in the page: it is no setting)."""
    feather: Literal[tuple(FEATHERS)] = setting("Soft", "Soft edge", "How gently the change fades out at the "  # type: ignore[valid-type]
                                                "region's border.", kind="select_slider", cli=False)


class Framing(Part):
    """A wallpaper's shape, how the photo is fitted to it, and where a crop is centred (the pages'
    frame dragged over the photo). Declared once for every job that makes wallpapers."""
    shape: Literal[SHAPE_CHOICES] = shape()  # type: ignore[valid-type]
    fit: Literal[FITS] = fit()  # type: ignore[valid-type]
    crop_centre: CentreText = crop_centre()

    @property
    def wallpaper(self) -> Optional[str]:
        return None if self.shape == "photo" else self.shape

    @property
    def centre(self) -> Optional[tuple[float, float]]:
        """Where the crop's middle lies (x, y fractions), or None: around the photo's subject."""
        return centre_of(self.crop_centre) if self.fit == "crop" else None
