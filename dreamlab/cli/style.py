"""``dreamlab style``: a photo painted in the manner of one or more paintings. Its flags (but the
paintings' weights) come from the settings model ``dreamlab.settings.style.Style``, as the page's widgets do."""
from __future__ import annotations

import os

from engine.catalog import BUILTIN_STYLES, builtin_style_path
from engine.images.pictures import save_png
from engine.style.transfer import stylize

from dreamlab.cli.common import UserError, model_for, open_image, parse_layers, progress_bar
from dreamlab.cli.flags import add_flags, build, given
from dreamlab.jobs.convert import style_settings
from dreamlab.settings.style import Style


def _parse_weights(text: str, count: int) -> list[float]:
    try:
        weights = [float(w) for w in text.split(",") if w.strip()]
    except ValueError:
        raise UserError(f"bad --style-weights '{text}' (use numbers like 1,0.5)") from None
    if len(weights) != count:
        raise UserError(f"--style-weights has {len(weights)} numbers for {count} style pictures")
    if any(not 0 <= w < float("inf") for w in weights):
        raise UserError(f"--style-weights must be numbers of 0 or more, got '{text}'")
    return weights


def _style_file(path: str) -> str:
    """A file, or the name of a built-in painting (e.g. ``swirling_night``)."""
    if not os.path.exists(path) and path in BUILTIN_STYLES:
        return builtin_style_path(path)
    return path


def cmd_style(args) -> None:
    style_paths = [p for p in args.styles.split(",") if p.strip()]
    if not style_paths:
        raise UserError("no style picture given")
    weights = _parse_weights(args.style_weights, len(style_paths)) if args.style_weights else None
    settings = style_settings(build(Style, given(Style, args), UserError))
    content = open_image(args.content)
    styles = [open_image(_style_file(p)) for p in style_paths]
    net = model_for(settings.model, [*settings.layers()[0], *settings.layers()[1]])
    result = stylize(content, styles, weights, settings, net, on_progress=progress_bar())
    recipe = {**settings.recipe(), "content": args.content, "styles": style_paths}
    save_png(result, args.out, recipe)
    print(args.out)


def add_parser(commands) -> None:
    """Register ``style``."""
    p = commands.add_parser("style", help="paint a photo in the manner of one or more paintings")
    p.add_argument("content", help="the photo")
    p.add_argument("styles", metavar="STYLE[,STYLE...]",
                   help=f"one or more paintings, separated by commas: files or built-in names "
                        f"({', '.join(BUILTIN_STYLES)})")
    p.add_argument("out", help="the PNG to write")
    p.add_argument("--style-weights", metavar="W,...", help="how much of each painting (default: equal)")
    add_flags(p, Style, parse_layers=parse_layers)  # --strength, --brush, --size, --steps ... from the settings
    p.set_defaults(run=cmd_style)
