"""``dreamlab palette``: paint with a chosen set of filters (a Hybrid Palette), optionally a journey GIF.
Its knobs' flags (--steps, --octaves, --step-size, --model, --seed) come from the settings model
``dreamlab.settings.palette.Palette``, as the page's widgets do."""
from __future__ import annotations

from engine.dreaming.palette.data import parse_filter, parse_filters
from engine.dreaming.palette.gif import journey_gif
from engine.dreaming.palette.journey import palette_journey
from engine.dreaming.palette.starts import parse_start
from engine.images.pictures import DEFAULT_MAX_SIDE, save_png

from dreamlab.cli.common import UserError, model_for, open_image, positive_int, progress_bar
from dreamlab.cli.flags import add_flags, build, given
from dreamlab.jobs.convert import palette_settings
from dreamlab.settings.palette import Palette

START_NAMES = {"noise": "Noise", "color": "Colour", "gradient": "Gradient"}  # the page's words for a start


def settings_for(args, start):
    """The engine's settings from the flags; ``--steps`` counts per octave on a photo, in all otherwise."""
    values = given(Palette, args)
    values["start"] = "Photo" if start is None else START_NAMES[start.kind]
    if start is not None and "photo_steps" in values:
        values["canvas_steps"] = values.pop("photo_steps")
    settings = palette_settings(build(Palette, values, UserError))
    if start is not None and args.size:
        settings.canvas.size = args.size
    return settings


def cmd_palette(args) -> None:
    palettes = []
    if args.filter:
        palettes.append([parse_filter(text) for text in args.filter])
    palettes += [parse_filters(text) for text in args.stage or []]
    if not palettes:
        raise UserError("give at least one --filter LAYER:FILTER[:WEIGHT] (or --stage)")
    start = parse_start(args.start)
    settings = settings_for(args, start)
    if start is None:
        start = open_image(args.start, args.size or DEFAULT_MAX_SIDE)
    net = model_for(settings.model)
    journey = palette_journey(start, palettes, settings, net, on_progress=progress_bar(), keep_frames=bool(args.gif))
    save_png(journey.image, args.out, journey.recipe)
    if args.gif:
        with open(args.gif, "wb") as f:
            f.write(journey_gif(journey.frames))
        print(args.gif)
    print(args.out)


def add_parser(commands) -> None:
    """Register ``palette`` with the command line."""
    p = commands.add_parser("palette", help="paint with a chosen set of filters (a Hybrid Palette)",
                            description="START is a picture's path, noise, color:#RRGGBB or gradient:#RRGGBB:#RRGGBB.")
    p.add_argument("start", metavar="START", help="what to paint on")
    p.add_argument("out", metavar="OUT.png")
    p.add_argument("--filter", action="append", metavar="L:C[:W]",
                   help="a filter of the palette: layer, filter number, weight (default 1; negative suppresses)")
    p.add_argument("--stage", action="append", metavar="L:C:W,...",
                   help="a further palette of a journey, applied after the ones before (repeatable)")
    p.add_argument("--gif", metavar="OUT.gif", help="also save the journey as an animated GIF")
    add_flags(p, Palette)  # --seed, --model, --steps, --octaves, --step-size from the settings
    p.add_argument("--size", type=positive_int, help="photo: longest side at most PX; otherwise the square's side")
    p.set_defaults(run=cmd_palette)
