"""Hybrid Palette engine: the objective, starts, journeys, variations and the CLI (real Lite0, small pictures)."""
import io
import subprocess
import sys
import threading
from dataclasses import replace

import numpy as np
import pytest
import torch
from PIL import Image, ImageFilter

from dreamlab.cli.main import main
from engine.images.pictures import read_recipe
from engine.images.tensors import to_tensor
from engine.network.models import get_spec
from engine.dreaming.palette.canvas import start_pixels
from engine.dreaming.palette.data import (PaletteFilter, as_palette, check_palette, load_palette_json, palette_json,
                                          parse_filter, parse_filters, surprise_palette)
from engine.dreaming.palette.gif import journey_gif
from engine.dreaming.palette.journey import palette_dream, palette_journey, palette_variations
from engine.dreaming.palette.objective import palette_objective
from engine.dreaming.palette.settings import CanvasSchedule, PaletteSettings, photo_schedule, shares
from engine.dreaming.palette.starts import Start, parse_start
from engine.dreaming.palette.typed import read_typed_filters
from engine.progress import Cancelled
from tests.conftest import ROOT, gradient_picture

LITE0 = get_spec("lite0")


def quick(steps: int = 8, octaves: int = 2, size: int = 128) -> PaletteSettings:
    """Small and short: ``octaves`` x ``steps`` on a photo, a ``size`` square in ``steps`` otherwise."""
    return PaletteSettings(photo=replace(photo_schedule(), octaves=octaves, steps=steps),
                           canvas=CanvasSchedule(size=size, steps=steps))


def means(net, image, palette):
    with torch.no_grad():
        acts = net(to_tensor(image), {f.layer for f in as_palette(palette)})
    return [float(acts[f.layer][0, f.channel].mean()) for f in as_palette(palette)]


def layer_rms(net, image, layer):
    with torch.no_grad():
        return float(net(to_tensor(image), [layer])[layer].pow(2).mean().sqrt())


@pytest.fixture(scope="module")
def small_cat(cat_photo):
    return cat_photo.resize((192, 128), Image.LANCZOS)


# --- parsing, checking, saving ---------------------------------------------------------------

def test_parse_filters_and_starts():
    assert parse_filter("block8:12") == PaletteFilter("block8", 12, 1.0)
    assert parse_filter(" block8 : 12 : -0.5 ") == PaletteFilter("block8", 12, -0.5)
    assert parse_filters("block3:1, block8:2:0.5;stem:0") == [PaletteFilter("block3", 1), PaletteFilter("block8", 2, 0.5),
                                                              PaletteFilter("stem", 0)]
    for bad in ("block8", "block8:x", "block8:1:y", ":3", "block8:1:2:3", "block8:1:nan"):
        with pytest.raises(ValueError):
            parse_filter(bad)
    assert parse_start("noise") == Start("noise")


def test_typed_filters_are_read_the_way_people_write_them():
    names = LITE0.layer_names()
    f = PaletteFilter
    for text in ("block8:12", "block 8 filter 12", "8:12", "block8 12", "Block8 #12", "filter 12 of block 8",
                 "block8-12", "8 12"):
        assert read_typed_filters(text, names) == [f("block8", 12)], text
    assert read_typed_filters("block8:12:0.5; block 10 filter 3 weight -1\nstem 2 and head:7", names) == \
        [f("block8", 12, 0.5), f("block10", 3, -1.0), f("stem", 2), f("head", 7)]
    assert read_typed_filters("block8:12 block1:3", names) == [f("block8", 12), f("block1", 3)]  # block1 != block10
    assert read_typed_filters("inception 4a filter 7", get_spec("googlenet").layer_names()) == [f("inception4a", 7)]
    assert read_typed_filters("relu3_1:5", get_spec("vgg16").layer_names()) == [f("relu3_1", 5)]
    for bad, says in (("blok8:12", "names no layer of this network"), ("block8", "no filter number"), ("99:1", "block 8 filter 12"),
                      ("block8:1.5", "whole number"), ("block8 1 2 3", "too many numbers"), ("  ", "type a layer")):
        with pytest.raises(ValueError, match=says):
            read_typed_filters(bad, names)
    assert parse_start("color:1E90FF") == Start("color", ("#1e90ff",))
    assert parse_start("gradient:#ff0000:#0000ff").colors == ("#ff0000", "#0000ff")
    assert parse_start("photos/cat.jpg") is None
    for bad in ("color:#12345", "color:red", "gradient:#ff0000"):
        with pytest.raises(ValueError):
            parse_start(bad)


def test_start_pixels_are_the_colours_asked_for():
    solid = start_pixels(Start("color", ("#ff8000",)), 8, 10)
    assert solid.shape == (1, 3, 8, 10) and torch.allclose(solid[0, :, 3, 4], torch.tensor([1.0, 128 / 255, 0.0]))
    ramp = start_pixels(Start("gradient", ("#000000", "#ffffff")), 5, 4)
    assert torch.allclose(ramp[0, 0, :, 0], torch.linspace(0, 1, 5)) and torch.equal(ramp[..., 0], ramp[..., 3])


def test_check_palette_refuses_with_plain_sentences():
    with pytest.raises(ValueError, match="empty"):
        check_palette([], LITE0)
    with pytest.raises(ValueError, match="no layer 'block99'"):
        check_palette([PaletteFilter("block99", 0)], LITE0)
    with pytest.raises(ValueError, match="filters 0 to 79"):
        check_palette([PaletteFilter("block5", 80)], LITE0)
    with pytest.raises(ValueError, match="weight 0"):
        check_palette([PaletteFilter("block5", 1, 0.0)], LITE0)
    check_palette([PaletteFilter("block5", 79, -1.0), PaletteFilter("stem", 0, 0.0)], LITE0)


def test_palette_json_round_trip_and_bad_files():
    palette = [PaletteFilter("block3", 4, 0.7), PaletteFilter("block12", 100, -0.3)]
    text = palette_json(palette, "lite0", "sea")
    assert len(text) < 400
    assert load_palette_json(text) == ("lite0", palette)
    assert load_palette_json(text.encode()) == ("lite0", palette)
    for bad in (b"\x89PNG", "[1, 2]", "{}", '{"filters": [{"layer": "block3"}]}',
                '{"filters": [{"layer": "block3", "channel": 999}]}', '{"model": "nope", "filters": []}'):
        with pytest.raises(ValueError):
            load_palette_json(bad)


def test_reading_checking_and_saving_palettes_needs_no_torch():
    """The app's server reads, checks and saves palettes and starts; it must not load torch for that."""
    code = ("import sys\n"
            "from engine.dreaming.palette import data, gif, starts, typed\n"
            "model, palette = data.load_palette_json(data.palette_json([data.PaletteFilter('block3', 4)], 'lite0'))\n"
            "typed.read_typed_filters('block 8 filter 12', ['block8']); starts.as_start('gradient:#000000:#ffffff')\n"
            "print(data.MAX_FILTERS, 'torch' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["32", "False"]


def test_surprise_is_seeded_spread_over_layers_and_skips_excluded():
    a = surprise_palette(LITE0, ["block3", "block10"], count=4, seed=5)
    assert a == surprise_palette(LITE0, ["block3", "block10"], count=4, seed=5)
    assert a != surprise_palette(LITE0, ["block3", "block10"], count=4, seed=6)
    assert sorted(f.layer for f in a) == ["block10", "block10", "block3", "block3"]
    assert len({(f.layer, f.channel) for f in a}) == 4 and all(0.5 <= f.weight <= 1.0 for f in a)
    only = surprise_palette(LITE0, ["block0"], count=3, seed=1, exclude=[("block0", c) for c in range(15)])
    assert only == [PaletteFilter("block0", 15, only[0].weight)]  # block0 has 16 filters; one is left


def test_shares_split_the_steps():
    assert shares(10, 3) == [3, 3, 4] and sum(shares(64, 5)) == 64 and shares(2, 3) == [1, 1, 1]


# --- the objective ---------------------------------------------------------------------------

class LoudNet(torch.nn.Module):
    """Lite0 with one layer's activations multiplied by ``factor`` (a 'bigger' layer)."""

    def __init__(self, net, layer, factor):
        super().__init__()
        self.net, self.layer, self.factor, self.spec = net, layer, factor, net.spec

    def forward(self, pixels, layers):
        acts = self.net(pixels, layers)
        return {k: v * self.factor if k == self.layer else v for k, v in acts.items()}


def pixel_grad(net, objective, pixels):
    x = pixels.clone().requires_grad_(True)
    (grad,) = torch.autograd.grad(objective(net(x, objective.layers)).sum(), x)
    return grad


def test_objective_is_the_weighted_sum_of_normalised_channel_means(lite0, small_cat):
    x = to_tensor(small_cat)
    palette = [PaletteFilter("block3", 5, 1.0), PaletteFilter("block10", 20, 0.5)]
    objective = palette_objective(lite0, palette, x)
    one = [palette_objective(lite0, [PaletteFilter(f.layer, f.channel, 1.0)], x) for f in palette]
    with torch.no_grad():
        acts = lite0(x, {"block3", "block10"})
        total = float(objective(acts))
        parts = [float(o(acts)) for o in one]
        raw = [float(acts[f.layer][0, f.channel].mean()) for f in palette]
    assert total == pytest.approx(1.0 * parts[0] + 0.5 * parts[1], rel=1e-5)
    # each term is its channel mean divided by a positive scale
    assert all(np.sign(p) == np.sign(r) for p, r in zip(parts, raw))
    assert objective.layers == {"block3", "block10"}


def test_normalisation_makes_a_layers_size_irrelevant(lite0, small_cat):
    x = to_tensor(small_cat)
    palette = [PaletteFilter("block3", 5, 1.0), PaletteFilter("block10", 20, 1.0)]
    plain = pixel_grad(lite0, palette_objective(lite0, palette, x), x)
    loud = LoudNet(lite0, "block10", 100.0)
    louder = pixel_grad(loud, palette_objective(loud, palette, x), x)
    assert torch.allclose(plain, louder, rtol=1e-3, atol=1e-6 * float(plain.abs().max()))
    # without normalisation the loud layer would own 99% of the push; with it, both terms pull equally hard
    parts = [pixel_grad(lite0, palette_objective(lite0, [f], x), x).abs().mean() for f in palette]
    assert 0.5 < float(parts[0] / parts[1]) < 2.0


def test_negative_weight_reverses_and_zero_weight_is_absent(lite0, small_cat):
    x = to_tensor(small_cat)
    up = pixel_grad(lite0, palette_objective(lite0, [PaletteFilter("block8", 3, 1.0)], x), x)
    down = pixel_grad(lite0, palette_objective(lite0, [PaletteFilter("block8", 3, -1.0)], x), x)
    assert torch.allclose(up, -down)
    with_zero = palette_objective(lite0, [PaletteFilter("block8", 3, 1.0), PaletteFilter("block12", 9, 0.0)], x)
    assert with_zero.layers == {"block8"}
    assert torch.allclose(pixel_grad(lite0, with_zero, x), up)


# --- measured gates ----------------------------------------------------------------------------

def test_photo_drives_chosen_filters_3x_and_leaves_weight_zero_alone(lite0, small_cat):
    palette = [PaletteFilter("block8", 101, 1.0), PaletteFilter("block10", 97, 1.0), PaletteFilter("block5", 0, 0.0)]
    before = means(lite0, small_cat, palette)
    assert all(m > 0.5 for m in before[:2])  # so "3x" is a real rise, not a sign change
    result = palette_dream(small_cat, palette, quick(), lite0)
    assert result.size == small_cat.size
    after = means(lite0, result, palette)
    for b, a in zip(before[:2], after[:2]):
        assert a >= 3 * b, (before, after)
    rise = [(a - b) / layer_rms(lite0, small_cat, f.layer) for f, a, b in zip(palette, after, before)]
    assert abs(rise[2]) < 0.5 * min(rise[:2]), rise  # weight 0: not driven


def test_negative_weight_suppresses_on_a_photo(lite0, small_cat):
    palette = [PaletteFilter("block8", 101, -1.0)]
    before, = means(lite0, small_cat, palette)
    after, = means(lite0, palette_dream(small_cat, palette, quick(), lite0), palette)
    assert after < before - 1.0


def high_pass_std(image: Image.Image) -> float:
    a = np.asarray(image.convert("L"), np.float32)
    blurred = np.asarray(image.convert("L").filter(ImageFilter.GaussianBlur(2)), np.float32)
    return float((a - blurred).std())


def test_noise_grows_clear_structure(lite0):
    palette = [PaletteFilter("block5", 3, 1.0), PaletteFilter("block10", 20, 1.0)]
    journey = palette_journey("noise", [palette], quick(steps=40), lite0, keep_frames=True)
    start, result = journey.frames[0], journey.image
    assert result.size == (128, 128)
    assert np.asarray(result, np.float32).std() > 20  # not flat (0-255 scale)
    assert high_pass_std(result) > 5 * high_pass_std(start), (high_pass_std(start), high_pass_std(result))
    before = means(lite0, start, palette)
    after = means(lite0, result, palette)
    assert all(a > b + 2 for a, b in zip(after, before)), (before, after)


@pytest.mark.parametrize("start", ["photo", "noise", "gradient:#ff8000:#102060"])
def test_same_seed_same_picture_other_seed_other_picture(lite0, small_cat, start):
    source = small_cat if start == "photo" else start
    palette = [("block5", 3, 1.0), ("block8", 7, 0.5)]
    settings = quick(steps=4, octaves=1) if start == "photo" else quick(steps=6, size=64)
    a = np.asarray(palette_dream(source, palette, settings, lite0))
    b = np.asarray(palette_dream(source, palette, settings, lite0))
    c = np.asarray(palette_dream(source, palette, settings.reseeded(1), lite0))
    assert np.array_equal(a, b)
    assert not np.array_equal(a, c)


def test_colour_start_keeps_its_colour_and_grows_pattern(lite0):
    result = palette_dream("color:#2050d0", [("block5", 3, 1.0)], quick(steps=24, size=96), lite0)
    rgb = np.asarray(result, np.float32).reshape(-1, 3).mean(axis=0)
    assert rgb[2] > rgb[0] + 30  # still blue overall
    assert high_pass_std(result) > 3


# --- journeys, variations, progress, cancel -------------------------------------------------------

def test_journey_on_noise_reports_palettes_keeps_frames_and_ends_on_the_last_palette(lite0):
    first, last = [PaletteFilter("block5", 3)], [PaletteFilter("block10", 20)]
    events = []
    journey = palette_journey("noise", [first, last], quick(steps=24, size=96), lite0, on_progress=events.append,
                              keep_frames=True)
    assert [e.stage for e in events[:1]] == ["palette"] and events[-1].fraction == pytest.approx(1.0)
    assert [(e.stage_index, e.steps) for e in events if e.step == 1] == [(0, 12), (1, 12)]
    assert len(journey.frames) == 1 + 2 * 12  # the start, then a frame every step (12 steps < 12 previews)
    assert journey.recipe["palettes"][1] == [{"layer": "block10", "channel": 20, "weight": 1.0}]
    halfway = journey.frames[12]
    assert means(lite0, journey.image, last)[0] > means(lite0, halfway, last)[0] + 1
    gif = Image.open(io.BytesIO(journey_gif(journey.frames, min_side=96)))
    assert gif.format == "GIF" and gif.n_frames == len(journey.frames) and gif.info.get("loop") == 0


def test_journey_gif_is_big_enough_to_share_and_drops_frames_to_stay_small():
    rng = np.random.default_rng(3)
    noisy = [Image.fromarray(rng.integers(0, 256, (64, 96, 3), dtype=np.uint8)) for _ in range(40)]
    assert Image.open(io.BytesIO(journey_gif(noisy[:3]))).size == (512, 341)  # a 96 px canvas, enlarged
    assert Image.open(io.BytesIO(journey_gif([noisy[0].resize((1600, 1067))] * 2))).size == (800, 534)  # at most
    # Above the pixel budget frames are dropped evenly (at least 12 kept), each shown longer.
    gif = Image.open(io.BytesIO(journey_gif(noisy, min_side=96, max_pixels=96 * 64 * 20)))
    assert gif.size == (96, 64) and gif.n_frames == 20
    durations = []
    for i in range(gif.n_frames):
        gif.seek(i)
        durations.append(gif.info["duration"])
    assert durations[-1] == 1500 and abs(durations[0] - 120 * 40 / 20) <= 10  # lasts as long (GIF: 1/100 s)
    assert Image.open(io.BytesIO(journey_gif(noisy, min_side=96, max_pixels=1))).n_frames == 12


def test_journey_on_a_photo_keeps_size_and_full_size_frames(lite0, small_cat):
    events = []
    journey = palette_journey(small_cat, [[("block3", 5)], [("block10", 20)]], quick(steps=4), lite0,
                              on_progress=events.append, keep_frames=True)
    assert journey.image.size == small_cat.size
    assert events[-1].stage == "part" and events[-1].stage_count == 4 and events[-1].fraction == pytest.approx(1.0)
    assert len(journey.frames) >= 3 and all(f.size == small_cat.size for f in journey.frames)
    assert np.array_equal(np.asarray(journey.frames[0]), np.asarray(small_cat))


def test_variations_equal_single_runs_and_report_progress(lite0):
    palette = [("block5", 3, 1.0)]
    settings = quick(steps=4, size=64)
    events = []
    pictures = palette_variations("noise", [palette], settings, lite0, [3, 4], on_progress=events.append)
    assert [e.stage_index for e in events if e.step == 1] == [0, 1] and events[-1].fraction == pytest.approx(1.0)
    alone = palette_dream("noise", palette, settings.reseeded(4), lite0)
    assert np.array_equal(np.asarray(pictures[1].image), np.asarray(alone))
    assert pictures[1].recipe["seed"] == 4


def test_stop_gives_the_picture_so_far(lite0, small_cat):
    cancel = threading.Event()

    def on_progress(p):
        if p.step == 3:
            cancel.set()
    with pytest.raises(Cancelled) as stopped:
        palette_dream("noise", [("block5", 3)], quick(steps=50, size=64), lite0, on_progress, cancel)
    assert stopped.value.partial.size == (64, 64)
    cancel.clear()
    with pytest.raises(Cancelled) as stopped:
        palette_variations("noise", [[("block5", 3)]], quick(steps=4, size=64), lite0, [1, 2, 3],
                           on_progress=lambda p: cancel.set() if p.stage_index == 1 else None, cancel=cancel)
    assert stopped.value.partial.size == (128, 64)  # the finished variation next to the stopped one


# --- command line ------------------------------------------------------------------------------

def test_cli_paints_noise_with_recipe(tmp_path):
    out = tmp_path / "p.png"
    done = subprocess.run([sys.executable, "-m", "dreamlab.cli", "palette", "noise", str(out), "--filter", "block5:3",
                           "--filter", "block8:7:-0.5", "--steps", "4", "--size", "64", "--seed", "2"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert Image.open(out).size == (64, 64)
    recipe = read_recipe(out)
    assert recipe["kind"] == "palette" and recipe["start"] == "noise" and recipe["seed"] == 2
    assert recipe["palettes"] == [[{"layer": "block5", "channel": 3, "weight": 1.0},
                                   {"layer": "block8", "channel": 7, "weight": -0.5}]]
    assert "palette 1 of 1" in done.stderr


def test_cli_photo_journey_with_gif(tmp_path, capsys):
    src, out, gif = tmp_path / "in.png", tmp_path / "out.png", tmp_path / "j.gif"
    gradient_picture(150, 100).save(src)
    assert main(["palette", str(src), str(out), "--filter", "block3:1", "--stage", "block8:2:0.5,block5:1",
                 "--steps", "2", "--octaves", "1", "--size", "120", "--gif", str(gif)]) == 0
    assert Image.open(out).size == (120, 80)
    recipe = read_recipe(out)
    assert recipe["start"] == "photo" and len(recipe["palettes"]) == 2 and recipe["octaves"] == 1
    assert Image.open(gif).n_frames >= 2


@pytest.mark.parametrize("args", [
    ["noise", "o.png"],  # no filter
    ["noise", "o.png", "--filter", "block5"],
    ["noise", "o.png", "--filter", "block5:500"],
    ["noise", "o.png", "--filter", "nolayer:1"],
    ["noise", "o.png", "--filter", "block5:1:0"],
    ["color:#12", "o.png", "--filter", "block5:1"],
    ["gradient:#ffffff", "o.png", "--filter", "block5:1"],
    ["missing.jpg", "o.png", "--filter", "block5:1"],
    ["noise", "o.png", "--filter", "block5:1", "--steps", "0"],
])
def test_cli_bad_input_exits_2_with_one_line(args, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["palette", *args]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and err.startswith("error:"), err
    assert not (tmp_path / "o.png").exists()


def test_the_palette_settings_start_from_the_engines_defaults():
    """dreamlab.settings.palette repeats the engine's defaults (it must not import torch): keep them equal."""
    from engine.dreaming.palette.settings import CANVAS_STEPS, CanvasSchedule, photo_schedule
    from dreamlab.jobs.convert import palette_settings
    from dreamlab.settings.palette import CANVAS_SIZES, Palette
    schedule = photo_schedule()
    chosen = Palette()
    assert (chosen.photo_steps, chosen.octaves, chosen.step_size) == (schedule.steps, schedule.octaves,
                                                                      schedule.step_size)
    assert chosen.canvas_steps == CANVAS_STEPS and CANVAS_SIZES[chosen.canvas_size] == CanvasSchedule().size
    engine = palette_settings(Palette(start="Noise", canvas_size="Large", seed=4, canvas_steps=16))
    assert (engine.canvas.size, engine.canvas.steps, engine.canvas.seed, engine.photo.seed) == (512, 16, 4, 4)


@pytest.mark.parametrize("args, message", [
    (["noise", "o.png", "--filter", "block5:1", "--step-size", "nan"], "finite number"),
    (["noise", "o.png", "--filter", "block5:1", "--octaves", "1e9"], "whole number"),
    (["noise", "o.png", "--filter", "block5:1", "--steps", "100000"], "1 to 500"),
    (["noise", "o.png", "--filter", "block5:1", "--model", "nope"], "invalid choice"),
])
def test_cli_flags_from_the_settings_model_refuse_bad_values(args, message, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["palette", *args]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and message in err, err
