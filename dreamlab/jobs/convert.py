"""Settings models (``dreamlab.settings``: what pages, links and the CLI hold) as the engine's dataclasses.

Fields the two share by name are copied, so a new knob declared in both needs nothing here. The
engine's dataclasses pass through unchanged (tests and old callers hand them over directly).
"""
from __future__ import annotations

from dataclasses import fields

from engine.dreaming.palette.settings import PaletteSettings
from engine.dreaming.settings import DreamSettings, FilterSettings
from engine.motion.settings import VideoSettings, ZoomSettings
from engine.style.settings import StyleSettings


def _same_names(model, dataclass_type, **also):
    """The engine dataclass of ``model``: every field the two share by name, plus ``also``. A new knob
    declared in both (the settings model and the engine) needs nothing here."""
    names = {f.name for f in fields(dataclass_type)}
    return dataclass_type(**{k: v for k, v in model.model_dump().items() if k in names}, **also)


def dream_settings(settings) -> DreamSettings:
    """A ``dreamlab.settings.Dream`` as the engine's ``DreamSettings`` (which passes through)."""
    return settings if isinstance(settings, DreamSettings) else _same_names(settings, DreamSettings)


def zoom_settings(settings) -> ZoomSettings:
    if isinstance(settings, ZoomSettings):
        return settings
    legs = [dict(settings.layers)] + ([dict(settings.then_layers)] if settings.then_layers else [])
    return _same_names(settings, ZoomSettings, legs=legs, pan=(settings.pan_right, settings.pan_down))


def video_settings(settings) -> VideoSettings:
    return settings if isinstance(settings, VideoSettings) else _same_names(settings, VideoSettings)




def style_settings(settings) -> StyleSettings:
    """A ``dreamlab.settings.style.Style`` as the engine's ``StyleSettings``."""
    return settings if isinstance(settings, StyleSettings) else _same_names(settings, StyleSettings)


def palette_settings(settings) -> PaletteSettings:
    """A ``dreamlab.settings.palette.Palette`` as the engine's ``PaletteSettings``: its photo schedule's
    steps, octaves and strength, its canvas's steps and side, and the seed for both."""
    if isinstance(settings, PaletteSettings):
        return settings
    engine = PaletteSettings(model=settings.model).reseeded(settings.seed)
    engine.photo.steps, engine.photo.octaves = settings.photo_steps, settings.octaves
    engine.photo.step_size = settings.step_size
    engine.canvas.steps = settings.canvas_steps
    if settings.start != "Photo":
        engine.canvas.size = settings.pixels
    return engine.made_seamless(bool(getattr(settings, "seamless", False)))


def filter_settings(settings) -> FilterSettings:
    """A ``dreamlab.settings.gallery.Filter`` as the engine's ``FilterSettings`` (size, steps, seed)."""
    return settings if isinstance(settings, FilterSettings) else _same_names(settings, FilterSettings)
