"""Instant style (``engine.style.instant``) as a frame mode of the Live mirror (``engine.motion.live``).

It lives here, not in ``engine.style``: the style package must not import the motion package (which
imports ``engine.dreaming``, which imports ``engine.style``), and the command line's instant path must
not load torch by importing ``engine.motion.live``.
"""
from __future__ import annotations

import numpy as np
import torch
from PIL import Image

from engine.catalog import BUILTIN_STYLES, builtin_style_path
from engine.motion.live import Mode, register_mode
from engine.style import instant

LIVE_MODE = "instant"


def register_instant_mode() -> None:
    """Add "Instant style" to the Live mirror's modes (the live worker calls this when the package is here)."""
    register_mode(LIVE_MODE, Mode("Instant style", _live_build, ascends=False))


def _live_build(net, params: dict, first_frame: torch.Tensor):
    """A frame function: each [1, 3, H, W] frame (0..1) painted in the manner of ``params["painting"]``
    (a built-in painting's name) at the frame's own size; the painting's style vector is computed
    once, here. ``net`` (the dream network) is not used."""
    name = params.get("painting")
    if name not in BUILTIN_STYLES:
        raise ValueError(f"unknown painting for instant style: {name}")
    with Image.open(builtin_style_path(name)) as opened:
        vector = instant.style_vector(opened.convert("RGB"))
    keep_colors = bool(params.get("keep_colors"))

    def paint_frame(frame: torch.Tensor) -> torch.Tensor:
        pixels = frame[0].detach().float().permute(1, 2, 0).cpu().numpy()
        painted = instant._paint_array(pixels, vector, instant.DEFAULT_BACKEND)
        if keep_colors:
            painted = instant.keep_photo_colours(painted, pixels)
        return torch.from_numpy(np.ascontiguousarray(painted)).permute(2, 0, 1)[None].to(frame.device)
    return paint_frame
