"""``dreamlab ...`` (or ``python -m dreamlab.cli ...``): the engine from a terminal. Bad input: exit status 2, one line on stderr."""
from __future__ import annotations

import sys
from typing import Optional

from engine import __version__
from engine.images.pictures import ImageError

from dreamlab.cli.early import EXIT_BAD_INPUT, refuse_bad_picture


def cmd_models(args) -> None:
    from engine.network.models import MODELS
    for spec in MODELS.values():
        where = "built in, offline" if spec.offline else "downloads on first use"
        print(f"{spec.name}: {spec.title} [{where}]")
        for layer in spec.layers:
            print(f"  {layer.name:<12} {layer.channels:>5} filters  {layer.hint}")


def cmd_classify(args) -> None:
    from engine.network.classify import classify

    from dreamlab.cli.common import model_for, open_image
    image = open_image(args.image)
    for label, prob in classify(image, model_for(args.model), args.top):
        print(f"{label}\t{prob:.4f}")


# Commands whose module registers itself; a command line naming one imports only that module
# (``style --quality instant`` must start in about a second, without the other commands' engines).
COMMAND_MODULES = {"dream": "dream", "filter": "filters", "gallery-build": "filters", "style": "style",
                   "palette": "palette", "zoom": "motion", "video": "motion"}


def build_parser(command: Optional[str] = None):
    """The full parser, or with ``command`` (one of COMMAND_MODULES) that command's only."""
    import importlib

    from engine.catalog import MODELS

    from dreamlab.cli.common import OneLineParser, positive_int
    parser = OneLineParser(prog="dreamlab", description="DreamLab's engine from the command line.")
    parser.add_argument("--version", action="version", version=f"DreamLab {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=OneLineParser)
    if command in COMMAND_MODULES:
        importlib.import_module(f"dreamlab.cli.{COMMAND_MODULES[command]}").add_parser(commands)
        return parser
    from dreamlab.cli import dream
    from dreamlab.cli import filters
    from dreamlab.cli import motion
    from dreamlab.cli import palette
    from dreamlab.cli import style
    commands.add_parser("models", help="list models and their layers").set_defaults(run=cmd_models)
    p = commands.add_parser("classify", help="what the network sees in a photo")
    p.add_argument("image")
    p.add_argument("--model", default="lite0", choices=list(MODELS))
    p.add_argument("--top", type=positive_int, default=5)
    p.set_defaults(run=cmd_classify)
    dream.add_parser(commands)
    filters.add_parser(commands)  # filter, gallery-build
    style.add_parser(commands)
    palette.add_parser(commands)
    motion.add_parser(commands)  # zoom, video
    return parser


def main(argv: Optional[list[str]] = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    try:
        refuse_bad_picture(argv)  # before torch loads: a bad file is refused at once
    except ImageError as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    from engine.network.weights import ModelUnavailable

    from dreamlab.cli.common import UserError
    try:
        args = build_parser(argv[0] if argv else None).parse_args(argv)
        args.run(args)
    except (UserError, ImageError, ValueError, ModelUnavailable) as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("stopped", file=sys.stderr)
        return 130
    return 0
