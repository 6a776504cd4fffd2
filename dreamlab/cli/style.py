"""``dreamlab style``: a photo painted in the manner of one or more paintings."""
from __future__ import annotations

import argparse
import os

from engine.catalog import BUILTIN_STYLES, MODELS, QUALITIES, builtin_style_path
from engine.images.pictures import save_png
from engine.style.settings import OPTIMIZERS, StyleSettings  # torch-free, as engine.catalog

from dreamlab.cli.common import open_image, positive_float, positive_int

# The Gatys code (engine.style.transfer and the feature networks) is imported by the commands that
# use it, not here: ``--quality instant`` paints in about a second and must not pay for it.
DEFAULTS = {name: getattr(StyleSettings(), name) for name in ("size", "steps", "scales", "strength", "brush", "smoothing")}
QUALITY_CHOICES = ("instant", *QUALITIES)


def _parse_weights(text: str, count: int) -> list[float]:
    try:
        weights = [float(w) for w in text.split(",") if w.strip()]
    except ValueError:
        raise ValueError(f"bad --style-weights '{text}' (use numbers like 1,0.5)") from None
    if len(weights) != count:
        raise ValueError(f"--style-weights has {len(weights)} numbers for {count} style pictures")
    return weights


def _style_file(path: str) -> str:
    """A file, or the name of a built-in painting (e.g. ``swirling_night``)."""
    if not os.path.exists(path) and path in BUILTIN_STYLES:
        return builtin_style_path(path)
    return path


def cmd_style(args) -> None:
    if args.quality == "instant":
        return cmd_instant(args)
    from engine.style.transfer import StyleSettings, stylize

    from dreamlab.cli.common import model_for, progress_bar
    if args.quality is not None:  # a preset; --size, --steps and --scales given too win over it
        preset = dict(zip(("size", "steps", "scales"), QUALITIES[args.quality]))
        for option, value in preset.items():
            if getattr(args, option) is None:
                setattr(args, option, value)
    if args.size is None:
        args.size = DEFAULTS["size"]
    style_paths = [p for p in args.styles.split(",") if p.strip()]
    if not style_paths:
        raise ValueError("no style picture given")
    weights = _parse_weights(args.style_weights, len(style_paths)) if args.style_weights else None
    settings = StyleSettings(model=args.model, size=args.size, seed=args.seed, init=args.init,
                             optimizer=args.optimizer, keep_colors=args.keep_colors)
    for option in ("steps", "scales", "strength", "brush", "smoothing"):
        value = getattr(args, option)
        if value is not None:
            setattr(settings, option, value)
    settings.validate()
    content = open_image(args.content)
    styles = [open_image(_style_file(p)) for p in style_paths]
    net = model_for(args.model, [*settings.layers()[0], *settings.layers()[1]])
    result = stylize(content, styles, weights, settings, net, on_progress=progress_bar())
    recipe = {**settings.recipe(), "content": args.content, "styles": style_paths}
    save_png(result, args.out, recipe)
    print(args.out)


def _open_painting(path: str):
    import sys

    from engine.style.instant import load_painting
    loaded = load_painting(path)
    for note in loaded.notes:
        print(f"note: {note}", file=sys.stderr)
    return loaded.image


def cmd_instant(args) -> None:
    """``--quality instant``: the feed-forward network (engine.style.instant), no Gatys steps."""
    from engine.style.instant import InstantSettings, instant_available, paint

    from dreamlab.cli.common import UserError
    ok, reason = instant_available()
    if not ok:
        raise UserError(f"{reason} Choose another --quality (fast, balanced or best).")
    ignored = [f"--{name}" for name in ("steps", "scales", "brush", "smoothing") if getattr(args, name) is not None]
    if ignored:
        raise ValueError(f"{', '.join(ignored)} do not apply to --quality instant (it takes no steps)")
    style_paths = [p for p in args.styles.split(",") if p.strip()]
    if not style_paths:
        raise ValueError("no style picture given")
    weights = _parse_weights(args.style_weights, len(style_paths)) if args.style_weights else None
    settings = InstantSettings(size=args.size or DEFAULTS["size"], keep_colors=args.keep_colors,
                               strength=1.0 if args.strength is None else args.strength)
    settings.validate()
    content = open_image(args.content)
    paintings = [_open_painting(_style_file(p)) for p in style_paths]
    result = paint(content, paintings, weights, settings)
    recipe = {**settings.recipe(), "content": args.content, "styles": style_paths,
              "style_weights": weights or [1.0] * len(style_paths)}
    save_png(result, args.out, recipe)
    print(args.out)


def add_parser(commands) -> None:
    """Register ``style`` ."""

    def unit_float(text: str) -> float:
        value = float(text)
        if not 0.0 <= value <= 1.0:
            raise argparse.ArgumentTypeError(f"must be between 0 and 1, got {text}")
        return value

    defaults = argparse.Namespace(**DEFAULTS)
    p = commands.add_parser("style", help="paint a photo in the manner of one or more paintings")
    p.add_argument("content", help="the photo")
    p.add_argument("styles", metavar="STYLE[,STYLE...]",
                   help=f"one or more paintings, separated by commas: files or built-in names "
                        f"({', '.join(BUILTIN_STYLES)})")
    p.add_argument("out", help="the PNG to write")
    p.add_argument("--style-weights", metavar="W,...", help="how much of each painting (default: equal)")
    p.add_argument("--quality", choices=QUALITY_CHOICES,
                   help="instant: a feed-forward network, about a second (strength 1 by default); "
                        + ", ".join(f"{name}: {size} px, {steps} steps" for name, (size, steps, _) in QUALITIES.items())
                        + " (default: the options below)")
    p.add_argument("--size", type=positive_int, help=f"longest side of the result in px (default {defaults.size})")
    p.add_argument("--steps", type=positive_int, help=f"steps at full size (default {defaults.steps}; "
                                                      "coarser scales get twice as many each)")
    p.add_argument("--scales", type=positive_int, help=f"coarse-to-fine sizes (default {defaults.scales})")
    p.add_argument("--strength", type=unit_float, help=f"style strength 0..1 (default {defaults.strength})")
    p.add_argument("--brush", type=positive_float, help=f"brush size: painting scale relative to the photo "
                                                        f"(default {defaults.brush})")
    p.add_argument("--smoothing", type=unit_float, help=f"smoothing 0..1 (default {defaults.smoothing})")
    p.add_argument("--keep-colors", action="store_true", help="keep the photo's colours")
    p.add_argument("--init", choices=["content", "noise"], default="content")
    p.add_argument("--optimizer", choices=list(OPTIMIZERS), default="lbfgs")
    p.add_argument("--model", default="lite0", choices=list(MODELS))
    p.add_argument("--seed", type=int, default=0)
    p.set_defaults(run=cmd_style)
