"""``python -m dreamlab.cli`` with every awkward input: refusals are exit status 2 and exactly one line on
stderr (never a traceback); odd but valid pictures just work. All runs start at once (a few at a
time) in a module fixture, so the file costs a handful of interpreter start-ups, not dozens."""
from __future__ import annotations

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from PIL import Image

from engine.images.pictures import read_recipe

try:
    from . import make_inputs as mi  # tests/ as a package
except ImportError:
    import make_inputs as mi

ROOT = Path(__file__).resolve().parents[1]
SMALL_DREAM = ["--max-side", "64", "--octaves", "1", "--steps", "1"]

REFUSED = {
    "empty.jpg": (mi.empty, "empty"),
    "notes.txt": (mi.text, "text file"),
    "drawing.svg": (mi.svg, "SVG"),
    "truncated.jpg": (mi.truncated_jpeg, "damaged or incomplete"),
    "bomb.png": (mi.bomb_png, "far too large"),
}
ACCEPTED = {  # name: (maker, command)
    "cmyk.jpg": (mi.cmyk_jpeg, "dream"),
    "exif6.jpg": (lambda: mi.exif_jpeg(6), "dream"),
    "gray16.png": (mi.png16_gray, "classify"),
    "animated.gif": (mi.animated_gif, "dream"),
}


def engine(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONWARNINGS": ""}  # several run at once
    return subprocess.run([sys.executable, "-m", "dreamlab.cli", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=180)


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cli-inputs")
    jobs = {}
    for name, (make, _) in REFUSED.items():
        (folder / name).write_bytes(make())
        jobs[("classify", name)] = ["classify", str(folder / name)]
        jobs[("dream", name)] = ["dream", str(folder / name), str(folder / f"{name}.out.png"), *SMALL_DREAM]
    for name, (make, command) in ACCEPTED.items():
        (folder / name).write_bytes(make())
        if command == "dream":
            jobs[(command, name)] = ["dream", str(folder / name), str(folder / f"{name}.out.png"), *SMALL_DREAM]
        else:
            jobs[(command, name)] = ["classify", str(folder / name)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = dict(zip(jobs, pool.map(lambda args: engine(*args), jobs.values())))
    return folder, results


@pytest.mark.parametrize("command", ["classify", "dream"])
@pytest.mark.parametrize("name", list(REFUSED))
def test_refused_input_is_exit_2_and_one_line(runs, command, name):
    folder, results = runs
    result = results[(command, name)]
    assert result.returncode == 2, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ") and REFUSED[name][1] in lines[0]
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert not (folder / f"{name}.out.png").exists()


def test_cmyk_jpeg_dreams_in_the_right_colours(runs):
    folder, results = runs
    result = results[("dream", "cmyk.jpg")]
    assert result.returncode == 0, result.stderr
    out = folder / "cmyk.jpg.out.png"
    assert result.stdout.strip() == str(out)
    with Image.open(out) as image:
        assert image.size == (64, 48)
        colours = mi.quadrant_colours(image)
    r, g, b = colours["top_left"]
    assert r > g + 80 and r > b + 80, colours  # still red after a light dream
    r, g, b = colours["bottom_left"]
    assert b > r + 80 and b > g + 80, colours  # still blue
    assert read_recipe(out)["kind"] == "dream"


def test_exif_rotated_jpeg_dreams_upright(runs):
    folder, results = runs
    result = results[("dream", "exif6.jpg")]
    assert result.returncode == 0, result.stderr
    with Image.open(folder / "exif6.jpg.out.png") as image:
        assert image.size == (64, 48)  # stored 48x64, shown (and dreamt) 64x48
        colours = mi.quadrant_colours(image)
    r, g, b = colours["top_right"]
    assert g > r + 80 and g > b + 80, colours  # green top right, as the picture is meant to be seen


def test_sixteen_bit_png_classifies(runs):
    _, results = runs
    result = results[("classify", "gray16.png")]
    assert result.returncode == 0, result.stderr
    rows = [line.split("\t") for line in result.stdout.splitlines()]
    assert len(rows) == 5 and all(len(row) == 2 and 0 <= float(row[1]) <= 1 for row in rows)


def test_animated_gif_dreams_its_first_frame_with_a_note(runs):
    folder, results = runs
    result = results[("dream", "animated.gif")]
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines()[0] == "note: This is an animation with 3 frames; DreamLab uses the first frame."
    with Image.open(folder / "animated.gif.out.png") as image:
        r, g, b = image.convert("RGB").getpixel((32, 24))
    assert r > g + 80 and r > b + 80  # the first frame is the red one
