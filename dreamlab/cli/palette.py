"""``dreamlab palette``: paint with a chosen set of filters (a Hybrid Palette), optionally a journey GIF."""
from __future__ import annotations

from engine.dreaming.palette.data import parse_filter, parse_filters
from engine.dreaming.palette.gif import journey_gif
from engine.dreaming.palette.journey import palette_journey
from engine.dreaming.palette.settings import CANVAS_STEPS, PHOTO_STEPS, PaletteSettings
from engine.dreaming.palette.starts import parse_start
from engine.images.pictures import DEFAULT_MAX_SIDE, save_png
from engine.network.models import MODELS

from dreamlab.cli.common import UserError, model_for, open_image, positive_int, progress_bar


def cmd_palette(args) -> None:

    palettes = []
    if args.filter:
        palettes.append([parse_filter(text) for text in args.filter])
    palettes += [parse_filters(text) for text in args.stage or []]
    if not palettes:
        raise UserError("give at least one --filter LAYER:FILTER[:WEIGHT] (or --stage)")
    start = parse_start(args.start)
    settings = PaletteSettings(model=args.model).reseeded(args.seed)
    if args.steps is not None:
        settings.photo.steps = settings.canvas.steps = args.steps
    if args.octaves is not None:
        settings.photo.octaves = args.octaves
    if start is None:
        start = open_image(args.start, args.size or DEFAULT_MAX_SIDE)
    elif args.size:
        settings.canvas.size = args.size
    net = model_for(args.model)
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
    p.add_argument("--model", default="lite0", choices=list(MODELS))
    p.add_argument("--steps", type=positive_int,
                   help=f"steps per octave on a photo (default {PHOTO_STEPS}), in all otherwise ({CANVAS_STEPS})")
    p.add_argument("--octaves", type=positive_int, help="octaves on a photo")
    p.add_argument("--size", type=positive_int, help="photo: longest side at most PX; otherwise the square's side")
    p.add_argument("--seed", type=int, default=0, help="random seed: same seed + palette = same picture")
    p.set_defaults(run=cmd_palette)
