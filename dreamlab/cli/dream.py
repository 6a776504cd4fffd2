"""``dreamlab dream``: Deep Dream a photo, from a preset or with every knob."""
from __future__ import annotations

from engine.dreaming.printing import sized_dream
from engine.images.pictures import save_png
from engine.images.shapes import result_size, size_refusal

from dreamlab.cli.common import UserError, model_for, open_image, open_region, parse_layers, positive_int, progress_bar
from dreamlab.cli.flags import add_flags, build, given
from dreamlab.jobs.convert import dream_settings
from dreamlab.settings import Dream


def cmd_dream(args) -> None:
    chosen = build(Dream, given(Dream, args), UserError)
    settings = dream_settings(chosen)
    image = open_image(args.image, args.max_side)
    size = result_size(image.size, chosen.side or None, chosen.wallpaper)
    refusal = size_refusal(*size) if size else None
    if refusal:
        raise UserError(refusal)
    guide = open_image(args.guide) if args.guide else None
    region = open_region(args.region, image, args.feather)
    net = model_for(settings.model, settings.layers)
    if args.estimate:
        print_estimate(settings, size or image.size, net, printed=size is not None and size != image.size)
        return
    result, recipe = sized_dream(image, settings, net, chosen.side or None, chosen.wallpaper, chosen.fit, guide,
                                 progress_bar(), None, region, chosen.centre)
    if args.guide:
        recipe["guide"] = args.guide
    save_png(result, args.out, recipe)
    print(args.out)


def print_estimate(settings, size: tuple[int, int], net, printed: bool) -> None:
    """``--estimate``: how long this dream would take here (step costs measured once, then kept)."""
    from engine import estimates
    from engine.calibrate import calibrated
    from engine.timing import StepCosts, describe_seconds
    calibrated(settings.model, net)
    costs = StepCosts.load()
    seconds = (estimates.print_seconds(settings, size, costs) if printed
               else estimates.dream_seconds(settings, size, costs))
    print(f"{size[0]}x{size[1]} px: {describe_seconds(seconds)} ({seconds:.0f} s) on this machine")


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
    p.add_argument("--estimate", action="store_true", help="print how long the dream would take here, and exit")
    p.set_defaults(run=cmd_dream)
