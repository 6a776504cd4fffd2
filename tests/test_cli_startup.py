"""The command line refuses a bad picture before torch is imported (torch takes seconds to load)."""
from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import pytest

from dreamlab.cli.early import FLAGS, PICTURE_COMMANDS, first_positional
from dreamlab.cli.main import build_parser

ROOT = Path(__file__).resolve().parents[1]
CHECK = """
import sys
from dreamlab.cli.main import main
code = main(sys.argv[1:])
print(code, "torch" in sys.modules)
"""


def run_main(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", CHECK, *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)


@pytest.mark.parametrize("command", ["dream", "style", "classify", "palette", "zoom"])
def test_text_file_is_refused_without_importing_torch(tmp_path, command):
    notes = tmp_path / "notes.txt"
    notes.write_text("shopping list\n")
    out = str(tmp_path / "out.png")
    args = {"dream": ["dream", "--layers", "block10", str(notes), out],
            "style": ["style", str(notes), "great_wave", out, "--keep-colors"],
            "classify": ["classify", "--top", "3", str(notes)],
            "palette": ["palette", str(notes), out, "--filter", "block8:12"],
            "zoom": ["zoom", str(notes), out]}[command]
    done = run_main(*args)
    assert done.stdout.split() == ["2", "False"], done.stderr
    assert done.stderr.strip() == "error: This is a text file, not a picture."


def test_missing_file_is_refused_without_importing_torch(tmp_path):
    done = run_main("dream", str(tmp_path / "nope.jpg"), str(tmp_path / "out.png"))
    assert done.stdout.split() == ["2", "False"]
    assert "No such file" in done.stderr


def test_a_good_picture_goes_on_to_the_full_command(tmp_path):
    done = run_main("classify", str(ROOT / "assets" / "samples" / "cat.jpg"), "--model", "no-such-model")
    assert done.stdout.split() == ["2", "True"]  # refused by the full parser, which loads torch
    assert "no-such-model" in done.stderr


def test_first_positional_skips_options_and_their_values():
    assert first_positional(["--layers", "block10", "photo.jpg", "out.png"]) == "photo.jpg"
    assert first_positional(["--keep-colors", "photo.jpg"]) == "photo.jpg"
    assert first_positional(["--size=512", "photo.jpg"]) == "photo.jpg"
    assert first_positional(["--help"]) is None
    assert first_positional(["--steps", "3"]) is None


def test_every_option_without_a_value_is_known_to_the_early_check():
    """Otherwise the early check would take the option's neighbour for its value."""
    commands = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    for name, parser in commands.choices.items():
        for action in parser._actions:
            if action.nargs == 0 and not isinstance(action, argparse._HelpAction):
                assert set(action.option_strings) <= FLAGS, (name, action.option_strings)
    assert set(PICTURE_COMMANDS) <= set(commands.choices)
