"""``dreamlab zoom`` (an endless zoom into a dreamed photo) and ``dreamlab video`` (dream a clip).

Both write an MP4 (H.264, plays in browsers) and optionally a GIF. Ctrl-C stops after the current
step and still writes the frames made so far.
"""
from __future__ import annotations

import argparse
import signal
import sys
import threading
from contextlib import contextmanager

from engine.network.models import MODELS
from engine.motion.animate import Animation, dream_video, seconds_per_step, zoom_journey
from engine.motion.settings import VideoSettings, ZoomSettings, describe_duration, estimate_seconds, video_work, zoom_work
from engine.dreaming.presets import DEFAULT_PRESET, PRESETS, preset_settings
from engine.progress import Cancelled
from engine.motion.clips import gif_bytes, load_clip, mp4_bytes

from dreamlab.cli.common import model_for, open_image, parse_layers, positive_float, positive_int, progress_bar

EXIT_STOPPED = 130


@contextmanager
def ctrl_c_stops():
    """Ctrl-C sets the cancel flag instead of killing the job, so the frames made so far are kept."""
    cancel = threading.Event()
    previous = signal.signal(signal.SIGINT, lambda *_: cancel.set())
    try:
        yield cancel
    finally:
        signal.signal(signal.SIGINT, previous)


def layers_for(args, preset: str) -> dict[str, float]:
    return preset_settings(preset, args.model).layers


def journey_legs(args) -> list[dict[str, float]]:
    legs = [parse_layers(args.layers) if args.layers else layers_for(args, args.preset)]
    for then in args.then or []:
        legs.append(layers_for(args, then) if then in PRESETS else parse_layers(then))
    return legs


def run_and_save(args, run, work, net, layers, size) -> None:
    step = seconds_per_step(net, layers, size[1], size[0])
    print(f"{len(work)} frames at {size[0]}x{size[1]}: {describe_duration(estimate_seconds(work, step))} "
          "on this machine", file=sys.stderr)
    with ctrl_c_stops() as cancel:
        try:
            animation = run(cancel)
        except Cancelled as stopped:
            animation = stopped.partial
            if animation is None:
                print("stopped before the first frame", file=sys.stderr)
                raise SystemExit(EXIT_STOPPED)
    save(animation, args)
    if animation.stopped:
        print(f"stopped: kept the first {len(animation.frames)} frames", file=sys.stderr)
        raise SystemExit(EXIT_STOPPED)


def save(animation: Animation, args) -> None:
    with open(args.out, "wb") as f:
        f.write(mp4_bytes(animation.frames, animation.fps, animation.audio))
    print(args.out)
    if args.gif:
        with open(args.gif, "wb") as f:
            f.write(gif_bytes(animation.frames, animation.fps))
        print(args.gif)


def cmd_zoom(args) -> None:
    photo = open_image(args.image, args.size)
    settings = ZoomSettings(legs=journey_legs(args), model=args.model, frames=args.frames, zoom=args.zoom,
                            rotate=args.rotate, pan=(args.pan_right, args.pan_down), seed=args.seed, fps=args.fps)
    for option in ("steps", "step_size"):
        if getattr(args, option) is not None:
            setattr(settings, option, getattr(args, option))
    net = model_for(args.model, [layer for leg in settings.legs for layer in leg])
    run_and_save(args, lambda cancel: zoom_journey(photo, settings, net, progress_bar(), cancel),
                 zoom_work(settings, photo.height, photo.width), net, settings.legs[0], photo.size)


def cmd_video(args) -> None:
    clip = load_clip(args.clip, max_side=args.size, fps=args.fps)
    for note in clip.notes:
        print(f"note: {note}", file=sys.stderr)
    layers = parse_layers(args.layers) if args.layers else layers_for(args, args.preset)
    settings = VideoSettings(layers=layers, model=args.model, blend=args.blend, follow_motion=not args.no_motion,
                             seed=args.seed)
    for option in ("steps", "octaves", "step_size"):
        if getattr(args, option) is not None:
            setattr(settings, option, getattr(args, option))
    net = model_for(args.model, layers)
    width, height = clip.frames[0].size
    audio = None if args.mute else clip.audio
    run_and_save(args, lambda cancel: dream_video(clip.frames, clip.fps, settings, net, progress_bar(), cancel, audio),
                 video_work(settings, len(clip.frames), height, width), net, layers, (width, height))


def blend_fraction(text: str) -> float:
    value = float(text)
    if not 0 <= value < 1:
        raise argparse.ArgumentTypeError(f"must be from 0 up to (not including) 1, got {text}")
    return value


def zoom_factor(text: str) -> float:
    value = float(text)
    if not 0.5 <= value <= 2:
        raise argparse.ArgumentTypeError(f"must be between 0.5 and 2 (1.05 = 5% closer per frame), got {text}")
    return value


def _common(p) -> None:
    p.add_argument("--model", default="lite0", choices=list(MODELS))
    p.add_argument("--preset", default=DEFAULT_PRESET, choices=list(PRESETS))
    p.add_argument("--layers", help="LAYER[:WEIGHT],... (overrides the preset's layers)")
    p.add_argument("--steps", type=positive_int, help="dream steps per frame (video: per octave and frame)")
    p.add_argument("--step-size", type=positive_float)
    p.add_argument("--gif", metavar="OUT.gif", help="also save an endless GIF")
    p.add_argument("--size", type=positive_int, default=512, help="longest side of the frames (default 512)")
    p.add_argument("--seed", type=int, default=0)


def add_parser(commands) -> None:
    p = commands.add_parser("zoom", help="an endless zoom into a dreamed photo, as MP4 (and GIF)")
    p.add_argument("image")
    p.add_argument("out", metavar="OUT.mp4")
    _common(p)
    p.add_argument("--frames", type=positive_int, default=36)
    p.add_argument("--fps", type=positive_float, default=12.0, help="frames per second of the video")
    p.add_argument("--zoom", type=zoom_factor, default=1.04, help="zoom per frame (1.04 = 4%% closer)")
    p.add_argument("--rotate", type=float, default=0.0, help="degrees per frame, counter-clockwise")
    p.add_argument("--pan-right", type=float, default=0.0, help="fraction of the width per frame")
    p.add_argument("--pan-down", type=float, default=0.0, help="fraction of the height per frame")
    p.add_argument("--then", action="append", metavar="PRESET|LAYERS",
                   help="change to this preset or these layers along the way (repeatable: equal legs)")
    p.set_defaults(run=cmd_zoom)

    p = commands.add_parser("video", help="dream every frame of a short clip, following its motion")
    p.add_argument("clip")
    p.add_argument("out", metavar="OUT.mp4")
    _common(p)
    p.add_argument("--fps", type=positive_float, help="frames per second to dream (default: the clip's, at most 30)")
    p.add_argument("--octaves", type=positive_int)
    p.add_argument("--blend", type=blend_fraction, default=0.7,
                   help="share of the previous dreamed frame in each frame's start (0: every frame on its own)")
    p.add_argument("--no-motion", action="store_true", help="blend without following the motion (optical flow)")
    p.add_argument("--mute", action="store_true", help="leave the clip's sound out")
    p.set_defaults(run=cmd_video)
