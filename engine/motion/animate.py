"""Deep Dream in motion: endless zoom journeys and dreamed video clips, on the one ascent loop.

*Zoom journey*: the first frame is a full dream of the photo; every further frame zooms into the
frame before (optionally rotating and panning) and dreams a few steps at one octave on it, so the
picture falls into its own dream. The layers may change along the way (one set per leg).

*Dreamed clip*: every frame starts from a blend of its own photo and the previous dreamed frame,
warped by the motion between the two photos (dense optical flow, OpenCV's Farneback), so the
dream sticks to the moving scene instead of flickering.

Both report one progress stage per frame with the finished frame as preview, and on Stop raise
``Cancelled`` whose ``partial`` is an ``Animation`` of the frames made so far (or None).
Encoding lives in ``engine.motion.clips``.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Callable, Optional, Sequence

import cv2
import numpy as np
import torch
from PIL import Image

from engine.ascent.loop import pixel_gradient
from engine.dreaming.dream import dream_objective, dream_with_objective
from engine.dreaming.settings import DreamSettings, octave_sizes
from engine.images.tensors import to_tensor
from engine.ascent.objectives import Objective
from engine.progress import STAGE_ENDS, Cancelled, ProgressFn, Reporter
from engine.motion.settings import VideoSettings, ZoomSettings, leg_settings, video_dream_settings, video_work, zoom_work


# Frames after the first start from a blend holding part of the previous dream, so they dream with
# smaller steps: step_size x (1 - LATER_SHARE x blend). 1.0 is steadiest but the dream fades over a clip;
# 0.0 piles it up. 0.5 keeps the first frame's strength (docs/make_motion_strips.py's glide over the coffee
# photo: mean |dream - photo| 7.8 -> 8.4 after 5 frames; with 1.0 it fell to 4.9) at half the flicker.
LATER_SHARE = 0.5


@dataclass
class Animation:
    frames: list[Image.Image]
    fps: float
    recipe: dict
    audio: Optional[bytes] = None  # the clip's sound (.m4a), for engine.motion.clips.mp4_bytes
    stopped: bool = False  # True when the job was stopped before the last frame


# --- progress: one stage per frame ----------------------------------------------------------

def _dream_frame(image: Image.Image, objective: Objective, settings: DreamSettings, net,
                 reporter: Reporter, frame: int) -> Image.Image:
    octaves = len(octave_sizes(image.height, image.width, settings.octaves, settings.octave_scale))
    return dream_with_objective(image, objective, settings, net, reporter.within(frame, octaves))


def _run_frames(count: int, weights: list[float], make_frame: Callable[[int, Reporter], Image.Image],
                fps: float, recipe: dict, on_progress: Optional[ProgressFn],
                cancel: Optional[threading.Event], audio: Optional[bytes] = None) -> Animation:
    reporter = Reporter(on_progress, cancel, "frame", weights, STAGE_ENDS)
    frames: list[Image.Image] = []
    reporter.watch(lambda: frames[-1])
    try:
        for index in range(count):
            frames.append(make_frame(index, reporter))
            reporter.step(index, 1, 1)
    except Cancelled:
        partial = Animation(frames, fps, {**recipe, "frames_made": len(frames)}, audio, stopped=True)
        raise Cancelled(partial if frames else None) from None
    return Animation(frames, fps, recipe, audio)


# --- zoom journey ---------------------------------------------------------------------------

def zoom_into(image: Image.Image, zoom: float, rotate: float = 0.0, pan: tuple[float, float] = (0.0, 0.0)) -> Image.Image:
    """The next camera position: ``zoom`` x closer to the centre, turned by ``rotate`` degrees and
    moved by ``pan`` (fractions of the size). Edges that come into view are mirrored in."""
    array = np.asarray(image.convert("RGB"), dtype=np.float32)
    height, width = array.shape[:2]
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), rotate, zoom)
    matrix[:, 2] -= (pan[0] * width * zoom, pan[1] * height * zoom)
    moved = cv2.warpAffine(array, matrix, (width, height), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT_101)
    return Image.fromarray(np.clip(moved + 0.5, 0, 255).astype(np.uint8))


def zoom_journey(photo: Image.Image, settings: ZoomSettings, net, on_progress: Optional[ProgressFn] = None,
                 cancel: Optional[threading.Event] = None) -> Animation:
    """``settings.frames`` frames falling into the dream of ``photo`` (same size as the photo)."""
    if not settings.legs or any(not layers for layers in settings.legs):
        raise ValueError("every leg of the journey needs at least one layer")
    if settings.frames < 1:
        raise ValueError("a journey needs at least one frame")
    photo = photo.convert("RGB")
    base = to_tensor(photo, net.device)
    objectives = [dream_objective(net, leg_settings(settings, leg, False), base) for leg in range(len(settings.legs))]
    previous: list[Image.Image] = []

    def make_frame(index: int, reporter: Reporter) -> Image.Image:
        leg = settings.leg_of(index)
        start = photo if index == 0 else zoom_into(previous[-1], settings.zoom, settings.rotate, settings.pan)
        dream = DreamSettings(**{**vars(leg_settings(settings, leg, index == 0)), "seed": settings.seed + index})
        previous[:] = [_dream_frame(start, objectives[leg], dream, net, reporter, index)]
        return previous[0]

    return _run_frames(settings.frames, zoom_work(settings, photo.height, photo.width), make_frame,
                       settings.fps, settings.recipe(), on_progress, cancel)


# --- dreaming a clip ------------------------------------------------------------------------

def optical_flow(source: Image.Image, target: Image.Image) -> np.ndarray:
    """Dense flow [H, W, 2] (x, y) such that ``target`` at (x, y) shows what ``source`` shows at
    (x + fx, y + fy): OpenCV's Farneback on the grey pictures."""
    grey = [cv2.cvtColor(np.asarray(p.convert("RGB")), cv2.COLOR_RGB2GRAY) for p in (target, source)]
    return cv2.calcOpticalFlowFarneback(grey[0], grey[1], None, pyr_scale=0.5, levels=3, winsize=15,
                                        iterations=3, poly_n=5, poly_sigma=1.2, flags=0)


def warp(image: Image.Image, flow: np.ndarray, fill: Optional[Image.Image] = None) -> Image.Image:
    """``image`` moved along ``flow`` (see ``optical_flow``). What comes into view from outside the
    picture is taken from ``fill`` (a picture of the same size) or, without one, repeats the edge."""
    height, width = flow.shape[:2]
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    map_x, map_y = xs + flow[..., 0], ys + flow[..., 1]
    moved = cv2.remap(np.asarray(image.convert("RGB")), map_x, map_y, interpolation=cv2.INTER_LINEAR,
                      borderMode=cv2.BORDER_REPLICATE)
    if fill is not None:
        outside = (map_x < 0) | (map_x > width - 1) | (map_y < 0) | (map_y > height - 1)
        moved[outside] = np.asarray(fill.convert("RGB"))[outside]
    return Image.fromarray(moved)


def guided_start(photo: Image.Image, previous_photo: Image.Image, previous_dream: Image.Image,
                 blend: float, follow_motion: bool = True) -> Image.Image:
    """Where a frame's dream starts: its photo blended with the previous dreamed frame, moved
    along with the scene (what just came into view starts from the photo alone)."""
    if blend <= 0:
        return photo
    carried = warp(previous_dream, optical_flow(previous_photo, photo), fill=photo) if follow_motion \
        else previous_dream
    return Image.blend(photo, carried, blend)


def dream_video(photos: Sequence[Image.Image], fps: float, settings: VideoSettings, net,
                on_progress: Optional[ProgressFn] = None, cancel: Optional[threading.Event] = None,
                audio: Optional[bytes] = None) -> Animation:
    """Dream every frame of a clip (all frames the same size), each starting from the motion-guided
    blend with the previous dreamed frame."""
    if not photos:
        raise ValueError("the clip has no frames")
    if not settings.layers:
        raise ValueError("choose at least one layer")
    photos = [p.convert("RGB") for p in photos]
    size = photos[0].size
    if any(p.size != size for p in photos):
        raise ValueError("all frames of a clip must have the same size")
    dream = video_dream_settings(settings)
    objective = dream_objective(net, dream, to_tensor(photos[0], net.device))
    made: list[Image.Image] = []

    # A guided start already holds part of the dream: later frames take smaller steps, so the dream keeps
    # its strength instead of piling up, and what changes from frame to frame is small.
    later = DreamSettings(**{**vars(dream), "step_size": dream.step_size * (1 - LATER_SHARE * max(0.0, settings.blend))})

    def make_frame(index: int, reporter: Reporter) -> Image.Image:
        start = photos[0] if index == 0 else guided_start(photos[index], photos[index - 1], made[-1],
                                                          settings.blend, settings.follow_motion)
        made.append(_dream_frame(start, objective, dream if index == 0 else later, net, reporter, index))
        return made[-1]

    return _run_frames(len(photos), video_work(settings, len(photos), size[1], size[0]), make_frame, fps,
                       settings.recipe(), on_progress, cancel, audio)


def flicker(frames: Sequence[Image.Image]) -> float:
    """Mean absolute difference between consecutive frames, in 0..255 grey levels."""
    arrays = [np.asarray(f.convert("RGB"), dtype=np.float32) for f in frames]
    return float(np.mean([np.abs(b - a).mean() for a, b in zip(arrays, arrays[1:])])) if len(arrays) > 1 else 0.0


# --- how long it will take ------------------------------------------------------------------

def seconds_per_step(net, layers: dict[str, float], height: int, width: int, tile: int = 1024) -> float:
    """One gradient step at this size, timed on this machine (after one untimed warm-up step)."""
    settings = DreamSettings(layers=dict(layers), tile=tile)
    pixels = torch.rand(1, 3, height, width, generator=torch.Generator().manual_seed(0)).to(net.device)
    objective = dream_objective(net, settings, pixels)
    generator = torch.Generator().manual_seed(0)
    pixel_gradient(net, objective, pixels, tile=tile, generator=generator)
    started = time.perf_counter()
    pixel_gradient(net, objective, pixels, tile=tile, generator=generator)
    return time.perf_counter() - started


