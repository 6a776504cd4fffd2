"""``dreamlab style``: a photo painted in the manner of one or more paintings."""
from __future__ import annotations

import argparse
import os

from engine.images.pictures import save_png
from engine.network.models import MODELS
from engine.style.transfer import BUILTIN_STYLES, builtin_style_path, stylize
from engine.style.settings import OPTIMIZERS, StyleSettings

from dreamlab.cli.common import model_for, open_image, positive_float, positive_int, progress_bar


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


def add_parser(commands) -> None:
    """Register ``style`` ."""

    def unit_float(text: str) -> float:
        value = float(text)
        if not 0.0 <= value <= 1.0:
            raise argparse.ArgumentTypeError(f"must be between 0 and 1, got {text}")
        return value

    defaults = StyleSettings()
    p = commands.add_parser("style", help="paint a photo in the manner of one or more paintings")
    p.add_argument("content", help="the photo")
    p.add_argument("styles", metavar="STYLE[,STYLE...]",
                   help=f"one or more paintings, separated by commas: files or built-in names "
                        f"({', '.join(BUILTIN_STYLES)})")
    p.add_argument("out", help="the PNG to write")
    p.add_argument("--style-weights", metavar="W,...", help="how much of each painting (default: equal)")
    p.add_argument("--size", type=positive_int, default=defaults.size, help="longest side of the result in px")
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
