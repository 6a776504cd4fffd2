"""``dreamlab zoom`` (an endless zoom into a dreamed photo) and ``dreamlab video`` (dream a clip).

Both write an MP4 (H.264, plays in browsers) and optionally a GIF. Ctrl-C stops after the current
step and still writes the frames made so far.
"""
from __future__ import annotations

import signal
import sys
import threading
from contextlib import contextmanager

from engine.catalog import PRESETS
from engine.motion.animate import Animation, dream_video, seconds_per_step, zoom_journey
from engine.motion.settings import describe_duration, estimate_seconds, video_work, zoom_work
from engine.progress import Cancelled
from engine.motion.clips import gif_bytes, load_clip, mp4_bytes

from dreamlab.cli.common import UserError, model_for, open_image, parse_layers, positive_float, positive_int, progress_bar
from dreamlab.cli.flags import add_flags, build, given
from dreamlab.jobs.convert import video_settings, zoom_settings
from dreamlab.settings import Video, Zoom

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


def then_legs(args, model: str) -> list[dict[str, float]]:
    """``--then``: a preset's layers (on the network chosen) or LAYER[:WEIGHT],... per further leg."""
    legs = []
    for then in args.then or []:
        legs.append(Zoom.preset_values(then, model)["layers"] if then in PRESETS else parse_layers(then))
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
    chosen = build(Zoom, given(Zoom, args), UserError)
    settings = zoom_settings(chosen)
    settings.legs = settings.legs[:1] + then_legs(args, chosen.model)  # each leg checked on the network below
    net = model_for(settings.model, [layer for leg in settings.legs for layer in leg])
    run_and_save(args, lambda cancel: zoom_journey(photo, settings, net, progress_bar(), cancel),
                 zoom_work(settings, photo.height, photo.width), net, settings.legs[0], photo.size)


def cmd_video(args) -> None:
    settings = video_settings(build(Video, given(Video, args), UserError))
    clip = load_clip(args.clip, max_side=args.size, fps=args.fps)
    for note in clip.notes:
        print(f"note: {note}", file=sys.stderr)
    net = model_for(settings.model, settings.layers)
    width, height = clip.frames[0].size
    audio = clip.audio if given(Video, args).get("keep_sound", True) else None
    run_and_save(args, lambda cancel: dream_video(clip.frames, clip.fps, settings, net, progress_bar(), cancel, audio),
                 video_work(settings, len(clip.frames), height, width), net, settings.layers, (width, height))


def _common(p) -> None:
    p.add_argument("--gif", metavar="OUT.gif", help="also save an endless GIF")
    p.add_argument("--size", type=positive_int, default=512, help="longest side of the frames (default 512)")


def add_parser(commands) -> None:
    p = commands.add_parser("zoom", help="an endless zoom into a dreamed photo, as MP4 (and GIF)")
    p.add_argument("image")
    p.add_argument("out", metavar="OUT.mp4")
    _common(p)
    add_flags(p, Zoom, parse_layers=parse_layers)  # --frames, --zoom, --rotate ... from the settings
    p.add_argument("--then", action="append", metavar="PRESET|LAYERS",
                   help="change to this preset or these layers along the way (repeatable: equal legs)")
    p.set_defaults(run=cmd_zoom)

    p = commands.add_parser("video", help="dream every frame of a short clip, following its motion")
    p.add_argument("clip")
    p.add_argument("out", metavar="OUT.mp4")
    _common(p)
    add_flags(p, Video, parse_layers=parse_layers)  # --octaves, --blend, --no-motion, --mute ... from the settings
    p.add_argument("--fps", type=positive_float, help="frames per second to dream (default: the clip's, at most 30)")
    p.set_defaults(run=cmd_video)
