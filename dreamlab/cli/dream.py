"""``dreamlab dream``: Deep Dream a photo, from a preset or with every knob."""
from __future__ import annotations

from engine.dreaming.dream import deep_dream
from engine.dreaming.settings import DEFAULT_SMOOTHNESS
from engine.images.pictures import save_png
from engine.network.models import MODELS
from engine.dreaming.presets import DEFAULT_PRESET, PRESETS, preset_settings
from engine.images.region import region_recipe

from dreamlab.cli.common import (model_for, non_negative_float, non_negative_int, open_image, open_region, parse_layers, positive_float, positive_int,
                     progress_bar)


def cmd_dream(args) -> None:
    settings = preset_settings(args.preset, args.model, args.seed)
    if args.layers:
        settings.layers = parse_layers(args.layers)
    for option in ("octaves", "octave_scale", "steps", "step_size", "jitter", "tile", "smoothness"):
        value = getattr(args, option)
        if value is not None:
            setattr(settings, option, value)
    image = open_image(args.image, args.max_side)
    guide = open_image(args.guide) if args.guide else None
    region = open_region(args.region, image, args.feather)
    net = model_for(args.model, settings.layers)
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
    p.add_argument("--model", default="lite0", choices=list(MODELS))
    p.add_argument("--preset", default=DEFAULT_PRESET, choices=list(PRESETS))
    p.add_argument("--layers", help="LAYER[:WEIGHT],... (overrides the preset's layers)")
    p.add_argument("--octaves", type=positive_int)
    p.add_argument("--octave-scale", type=positive_float)
    p.add_argument("--steps", type=positive_int, help="steps per octave")
    p.add_argument("--step-size", type=positive_float)
    p.add_argument("--jitter", type=non_negative_int)
    p.add_argument("--tile", type=positive_int)
    p.add_argument("--smoothness", type=non_negative_float,
                   help=f"blur of each step in pixels: less fine grain (default {DEFAULT_SMOOTHNESS:g}; 0 = raw)")
    p.add_argument("--guide", help="a picture whose features steer the dream")
    p.add_argument("--region", help="dream only here: sky, bright, dark, subject, a mask picture (white = here) "
                                    "or a DreamLab PNG whose recipe has a region")
    p.add_argument("--feather", type=float, default=0.0, help="soft edge of the region, 0..0.2 of the picture")
    p.add_argument("--max-side", type=positive_int, help="shrink the photo so its longest side is at most this")
    p.add_argument("--seed", type=int, default=0)
    p.set_defaults(run=cmd_dream)
