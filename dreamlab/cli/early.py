"""Refuse a bad input picture before torch is imported (importing torch takes seconds).

Only the command's first positional argument is looked at (the photo of ``classify``, ``dream``, ``zoom``,
``style`` and ``palette``), found by skipping options and their values; options without a value
are listed in ``FLAGS`` (``tests/test_cli_inputs.py`` checks that the list is complete). The full
parser checks everything else afterwards, with torch loaded.
"""
from __future__ import annotations

import os
from typing import Optional, Sequence

EXIT_BAD_INPUT = 2
PICTURE_COMMANDS = ("classify", "dream", "style", "palette", "zoom")
SEED_WORDS = ("noise", "color:", "gradient:")  # palette seeds that are not files
FLAGS = frozenset({"--keep-colors", "--force", "--progress", "--no-motion", "--mute", "--seamless", "--estimate"})  # options that take no value


def first_positional(args: Sequence[str]) -> Optional[str]:
    skip_value = False
    for arg in args:
        if skip_value:
            skip_value = False
        elif arg in ("-h", "--help", "--"):
            return None  # help, or an unusual command line: leave it all to the full parser
        elif arg.startswith("-") and len(arg) > 1:
            skip_value = "=" not in arg and arg not in FLAGS
        else:
            return arg
    return None


def refuse_bad_picture(argv: Sequence[str]) -> None:
    """Raise ``ImageError`` when the command's input picture cannot be read."""
    if not argv or argv[0] not in PICTURE_COMMANDS:
        return
    path = first_positional(argv[1:])
    if path is None or (argv[0] == "palette" and (path.startswith(SEED_WORDS) or not os.path.exists(path))):
        return
    from engine.images.pictures import load_image  # Pillow and numpy only

    load_image(path, max_side=64)  # small: JPEGs decode at 1/8 scale; every refusal is the same
