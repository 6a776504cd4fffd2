"""``python -m engine ...``: the engine from a terminal. Bad input: exit status 2, one line on stderr."""
from __future__ import annotations

import argparse
import sys
import time
from typing import Callable, Optional

from . import __version__
from .images import ImageError, load_image, save_png
from .models import MODELS, ModelUnavailable, get_spec, load_model
from .progress import Progress

EXIT_BAD_INPUT = 2


class UserError(Exception):
    """Something the user can fix; printed as one line, exit status 2."""


class OneLineParser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse prints usage + message; we print one line
        raise UserError(f"{self.prog}: {message}")


def progress_bar(stream=sys.stderr, width: int = 30) -> Callable[[Progress], None]:
    started = time.monotonic()

    def show(p: Progress) -> None:
        filled = int(p.fraction * width)
        bar = "#" * filled + "-" * (width - filled)
        stream.write(f"\r[{bar}] {p.fraction:4.0%}  {p.describe()}  {time.monotonic() - started:5.1f}s ")
        if p.fraction >= 1.0:
            stream.write("\n")
        stream.flush()
    return show


def parse_layers(text: str) -> dict[str, float]:
    """``block8,block10:0.5`` -> {"block8": 1.0, "block10": 0.5}."""
    layers = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        name, _, weight = item.partition(":")
        try:
            layers[name] = float(weight) if weight else 1.0
        except ValueError:
            raise UserError(f"bad layer weight in '{item}' (use LAYER or LAYER:WEIGHT)") from None
    if not layers:
        raise UserError("no layers given")
    return layers


def positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def non_negative_int(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must not be negative, got {value}")
    return value


def positive_float(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be above 0, got {text}")
    return value


def open_image(path: str, max_side: Optional[int] = None):
    loaded = load_image(path, max_side=max_side)
    for note in loaded.notes:
        print(f"note: {note}", file=sys.stderr)
    return loaded.image


def model_for(name: str, layers=()):
    spec = get_spec(name)
    for layer in layers:
        spec.layer(layer)
    return load_model(name)


# --- commands -------------------------------------------------------------------------------

def cmd_models(args) -> None:
    for spec in MODELS.values():
        where = "built in, offline" if spec.offline else "downloads on first use"
        print(f"{spec.name}: {spec.title} [{where}]")
        for layer in spec.layers:
            print(f"  {layer.name:<12} {layer.channels:>5} filters  {layer.hint}")


def cmd_classify(args) -> None:
    from .dream import classify
    image = open_image(args.image)
    for label, prob in classify(image, model_for(args.model), args.top):
        print(f"{label}\t{prob:.4f}")


def cmd_dream(args) -> None:
    from .dream import deep_dream
    from .presets import preset_settings

    settings = preset_settings(args.preset, args.model, args.seed)
    if args.layers:
        settings.layers = parse_layers(args.layers)
    for option in ("octaves", "octave_scale", "steps", "step_size", "jitter", "tile"):
        value = getattr(args, option)
        if value is not None:
            setattr(settings, option, value)
    image = open_image(args.image, args.max_side)
    guide = open_image(args.guide) if args.guide else None
    net = model_for(args.model, settings.layers)
    result = deep_dream(image, settings, net, guide=guide, on_progress=progress_bar())
    recipe = settings.recipe()
    if args.guide:
        recipe["guide"] = args.guide
    save_png(result, args.out, recipe)
    print(args.out)


def add_dream_parser(commands) -> None:
    from .presets import DEFAULT_PRESET, PRESETS

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
    p.add_argument("--guide", help="a picture whose features steer the dream")
    p.add_argument("--max-side", type=positive_int, help="shrink the photo so its longest side is at most this")
    p.add_argument("--seed", type=int, default=0)
    p.set_defaults(run=cmd_dream)


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(prog="python -m engine", description="DreamLab's engine from the command line.")
    parser.add_argument("--version", action="version", version=f"DreamLab {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=OneLineParser)
    commands.add_parser("models", help="list models and their layers").set_defaults(run=cmd_models)
    p = commands.add_parser("classify", help="what the network sees in a photo")
    p.add_argument("image")
    p.add_argument("--model", default="lite0", choices=list(MODELS))
    p.add_argument("--top", type=positive_int, default=5)
    p.set_defaults(run=cmd_classify)
    add_dream_parser(commands)
    from .gallery import add_parser as add_filter_parsers  # filter, gallery-build
    add_filter_parsers(commands)
    from .style import add_parser as add_style_parser  # style
    add_style_parser(commands)
    from .palette import add_parser as add_palette_parser  # palette
    add_palette_parser(commands)
    return parser


def main(argv: Optional[list[str]] = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        args.run(args)
    except (UserError, ImageError, ValueError, ModelUnavailable) as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("stopped", file=sys.stderr)
        return 130
    return 0
