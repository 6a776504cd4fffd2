"""``dreamlab dream``: Deep Dream a photo, from a preset or with every knob."""
from __future__ import annotations

from engine.dreaming.dream import deep_dream
from engine.images.pictures import save_png
from engine.images.region import region_recipe

from dreamlab.cli.common import UserError, model_for, open_image, open_region, parse_layers, positive_int, progress_bar
from dreamlab.cli.flags import add_flags, build, given
from dreamlab.jobs.convert import dream_settings
from dreamlab.settings import Dream


def cmd_dream(args) -> None:
    settings = dream_settings(build(Dream, given(Dream, args), UserError))
    image = open_image(args.image, args.max_side)
    guide = open_image(args.guide) if args.guide else None
    region = open_region(args.region, image, args.feather)
    net = model_for(settings.model, settings.layers)
    result = deep_dream(image, settings, net, guide=guide, on_progress=progress_bar(), region=region)
    recipe = {**settings.recipe(), **region_recipe(region)}
    if args.guide:
        recipe["guide"] = args.guide
    save_png(result, args.out, recipe)
    print(args.out)


def add_parser(commands) -> None:
    p = commands.add_parser("dream", help="Deep Dream a photo")
    p.add_argument("image")
    p.add_argument("out")
    add_flags(p, Dream, parse_layers=parse_layers)  # --model, --preset, --layers, --octaves ... from the settings
    p.add_argument("--guide", help="a picture whose features steer the dream")
    p.add_argument("--region", help="dream only here: sky, bright, dark, subject, a mask picture (white = here) "
                                    "or a DreamLab PNG whose recipe has a region")
    p.add_argument("--feather", type=float, default=0.0, help="soft edge of the region, 0..0.2 of the picture")
    p.add_argument("--max-side", type=positive_int, help="shrink the photo so its longest side is at most this")
    p.set_defaults(run=cmd_dream)
