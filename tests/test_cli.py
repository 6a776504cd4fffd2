"""``python -m dreamlab.cli`` as a user types it: real processes, small pictures."""
import subprocess
import sys

from PIL import Image

from engine.images.pictures import read_recipe
from tests.conftest import ROOT, gradient_picture


def run(*args, timeout=120):
    return subprocess.run([sys.executable, "-m", "dreamlab.cli", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout)


def test_models_lists_every_model_with_layers_low_to_high():
    out = run("models").stdout
    for name in ("lite0", "googlenet", "vgg16", "vgg19"):
        assert f"\n{name}:" in "\n" + out
    assert out.index("  stem") < out.index("  block0") < out.index("  block15") < out.index("  head")
    assert out.index("  conv1") < out.index("  inception4c") and out.index("  relu1_1") < out.index("  relu5_3")


def test_classify_prints_k_lines_best_first():
    done = run("classify", str(ROOT / "assets/samples/cat.jpg"), "--top", "3")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert len(lines) == 3
    probs = [float(line.split("\t")[1]) for line in lines]
    assert probs == sorted(probs, reverse=True)
    assert "cat" in lines[0].lower()


def test_dream_writes_a_same_size_png_with_its_recipe(tmp_path):
    src = tmp_path / "in.png"
    gradient_picture(150, 100).save(src)
    out = tmp_path / "out.png"
    done = run("dream", str(src), str(out), "--layers", "block3,block5:0.5", "--octaves", "2", "--steps", "2",
               "--seed", "7", "--jitter", "4", "--tile", "256")
    assert done.returncode == 0, done.stderr
    assert Image.open(out).size == (150, 100)
    recipe = read_recipe(out)
    assert recipe["kind"] == "dream" and recipe["model"] == "lite0" and recipe["seed"] == 7
    assert recipe["layers"] == {"block3": 1.0, "block5": 0.5}
    assert recipe["octaves"] == 2 and recipe["steps"] == 2 and recipe["tile"] == 256 and "version" in recipe
    assert "octave 2 of 2" in done.stderr  # the progress bar


def test_dream_max_side_shrinks(tmp_path):
    src = tmp_path / "in.png"
    gradient_picture(200, 100).save(src)
    done = run("dream", str(src), str(tmp_path / "o.png"), "--max-side", "80", "--octaves", "1", "--steps", "1")
    assert done.returncode == 0, done.stderr
    assert Image.open(tmp_path / "o.png").size == (80, 40)


def test_bad_arguments_exit_2_with_one_line(tmp_path):
    src = tmp_path / "in.png"
    gradient_picture().save(src)
    for args in (["dream", str(src)],  # missing OUT
                 ["dream", str(src), str(tmp_path / "o.png"), "--layers", "block99"],
                 ["dream", str(src), str(tmp_path / "o.png"), "--steps", "0"],
                 ["dream", str(tmp_path / "missing.png"), str(tmp_path / "o.png")],
                 ["classify", str(src), "--model", "resnet"]):
        done = run(*args)
        assert done.returncode == 2, (args, done.stderr)
        assert len(done.stderr.strip().splitlines()) == 1, (args, done.stderr)
        assert "Traceback" not in done.stderr
