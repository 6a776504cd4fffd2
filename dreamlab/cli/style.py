"""``dreamlab style``: a photo painted in the manner of one or more paintings. Its flags (but the
paintings' weights and the quality) come from the settings model ``dreamlab.settings.style.Style``, as
the page's widgets do. ``--quality instant`` paints with a feed-forward network in about a second."""
from __future__ import annotations

import os
import sys

from engine.catalog import BUILTIN_STYLES, QUALITIES, builtin_style_path
from engine.images.pictures import save_png

from dreamlab.cli.common import UserError, open_image, parse_layers
from dreamlab.cli.flags import add_flags, build, given
from dreamlab.settings.style import Style

# The Gatys code (engine.style.transfer) is imported by the commands that use it, not here:
# ``--quality instant`` must not pay for it.
QUALITY_CHOICES = ("instant", *QUALITIES)
INSTANT_STRENGTH = 1.0  # the instant network's own default: the painting's style vector as it is


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


def _paintings(args) -> tuple[list[str], list[float] | None]:
    style_paths = [p for p in args.styles.split(",") if p.strip()]
    if not style_paths:
        raise UserError("no style picture given")
    weights = _parse_weights(args.style_weights, len(style_paths)) if args.style_weights else None
    return style_paths, weights


def cmd_style(args) -> None:
    if args.quality == "instant":
        return cmd_instant(args)
    from dataclasses import replace

    from engine.dreaming.printing import sized_style
    from engine.images.shapes import result_size, size_refusal

    from dreamlab.cli.common import model_for, progress_bar
    from dreamlab.jobs.convert import style_settings
    style_paths, weights = _paintings(args)
    values = given(Style, args)
    # its size, steps and scales, unless given too (Style.defaults_for); the command's default is
    # Balanced (the model's, Instant, is the page's first look and has its own path above)
    values["quality"] = args.quality or "balanced"
    chosen = build(Style, values, UserError)
    settings = style_settings(chosen)
    if chosen.print_side:  # --size above 1600 px: a print, painted at the quality's size, finished in tiles
        settings = replace(settings, size=QUALITIES[values["quality"]][0])
    content = open_image(args.content)
    size = result_size(content.size, chosen.print_side or None, chosen.wallpaper)
    refusal = size_refusal(*size) if size else None
    if refusal:
        raise UserError(refusal)
    styles = [open_image(_style_file(p)) for p in style_paths]
    net = model_for(settings.model, [*settings.layers()[0], *settings.layers()[1]])
    result, recipe = sized_style(content, styles, settings, net, weights, chosen.print_side or None,
                                 chosen.wallpaper, chosen.fit, chosen.centre, progress_bar())
    save_png(result, args.out, {**recipe, "content": args.content, "styles": style_paths})
    print(args.out)


def _open_painting(path: str):
    from engine.style.instant import load_painting
    loaded = load_painting(path)
    for note in loaded.notes:
        print(f"note: {note}", file=sys.stderr)
    return loaded.image


def cmd_instant(args) -> None:
    """``--quality instant``: the feed-forward network (engine.style.instant), no Gatys steps."""
    from engine.style.instant import InstantSettings, instant_available, paint
    ok, reason = instant_available()
    if not ok:
        raise UserError(f"{reason} Choose another --quality (fast, balanced or best).")
    ignored = [f"--{name}" for name in ("steps", "scales", "brush", "smoothing") if getattr(args, name) is not None]
    if ignored:
        raise UserError(f"{', '.join(ignored)} do not apply to --quality instant (it takes no steps)")
    if args.shape not in (None, "photo") or (args.size or 0) > 2048:
        raise UserError("wallpapers and prints need another --quality (fast, balanced or best): instant paints up "
                        "to 2048 px")
    style_paths, weights = _paintings(args)
    checked = build(Style, given(Style, args), UserError)  # the same ranges as every other quality
    settings = InstantSettings(size=args.size or QUALITIES["balanced"][0], keep_colors=checked.keep_colors,
                               strength=INSTANT_STRENGTH if args.strength is None else checked.strength)
    settings.validate()
    content = open_image(args.content)
    paintings = [_open_painting(_style_file(p)) for p in style_paths]
    result = paint(content, paintings, weights, settings)
    recipe = {**settings.recipe(), "content": args.content, "styles": style_paths,
              "style_weights": weights or [1.0] * len(style_paths)}
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
    p.add_argument("--quality", choices=QUALITY_CHOICES,
                   help="instant: a feed-forward network, about a second (strength 1 unless given); "
                        + ", ".join(f"{name}: {size} px, {steps} steps" for name, (size, steps, _) in QUALITIES.items())
                        + " (default: balanced, or the options below)")
    add_flags(p, Style, parse_layers=parse_layers)  # --strength, --brush, --size, --steps ... from the settings
    p.set_defaults(run=cmd_style)
