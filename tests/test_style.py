"""Style transfer engine: Gram matrices, losses, coarse-to-fine sizes, colours, blends, CLI."""
import threading
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from engine.style import transfer as style_module
from dreamlab.cli.main import main
from engine.images.pictures import read_recipe
from engine.images.tensors import to_tensor
from engine.network.models import MODELS
from engine.progress import Cancelled
from engine.style.transfer import StyleLoss, _style_tensor, gram, luminance, recolour, scale_sizes, steps_per_scale, stylize, to_yuv
from engine.style.settings import DEFAULT_LAYERS, StyleSettings
from tests.conftest import gradient_picture

STYLES = Path(__file__).resolve().parent.parent / "assets" / "styles"
FAST = dict(size=64, steps=6, scales=1)


pytestmark = pytest.mark.usefixtures("one_torch_thread")


@pytest.fixture(scope="module")
def night() -> Image.Image:
    return Image.open(STYLES / "swirling_night.jpg").convert("RGB").resize((96, 96), Image.LANCZOS)


@pytest.fixture(scope="module")
def glass() -> Image.Image:
    return Image.open(STYLES / "stained_glass.jpg").convert("RGB").resize((96, 96), Image.LANCZOS)


def test_gram_matrix_is_the_mean_outer_product_in_float32():
    feats = torch.tensor([[1.0, 2.0], [3.0, 4.0]]).view(1, 2, 1, 2)
    expected = torch.tensor([[1 + 4, 3 + 8], [3 + 8, 9 + 16]]) / 2
    assert torch.allclose(gram(feats)[0], expected)
    half = gram(torch.randn(2, 5, 4, 4).half())
    assert half.dtype == torch.float32 and half.shape == (2, 5, 5)
    assert torch.allclose(half, half.transpose(1, 2))


def test_gram_gradient_is_exact_and_comes_back_in_the_features_dtype():
    feats = torch.randn(1, 3, 4, 5, dtype=torch.float64).contiguous(memory_format=torch.channels_last)
    assert torch.autograd.gradcheck(lambda f: gram(f).pow(2).sum(), (feats.requires_grad_(True),))
    low = torch.randn(1, 8, 6, 7).to(torch.bfloat16).contiguous(memory_format=torch.channels_last).requires_grad_(True)
    target = torch.randn(1, 8, 8)
    (low_grad,) = torch.autograd.grad((gram(low) - target).pow(2).sum(), low)
    full = low.detach().float().requires_grad_(True)
    (full_grad,) = torch.autograd.grad((gram(full) - target).pow(2).sum(), full)
    assert low_grad.dtype == torch.bfloat16 and low_grad.is_contiguous(memory_format=torch.channels_last)
    assert torch.allclose(low_grad.float(), full_grad, rtol=0.02, atol=0.02 * full_grad.abs().max().item())


def test_every_model_has_default_layers_it_really_has():
    for name, spec in MODELS.items():
        layers = DEFAULT_LAYERS[name]
        for layer in (*layers["content"], *layers["style"]):
            spec.layer(layer)
    assert list(DEFAULT_LAYERS["vgg19"]["content"]) == ["relu4_2"]
    assert list(DEFAULT_LAYERS["vgg19"]["style"]) == ["relu1_1", "relu2_1", "relu3_1", "relu4_1", "relu5_1"]


def test_losses_fall(lite0, night):
    settings = StyleSettings(size=80, steps=15, scales=1)
    content = gradient_picture(80, 60)
    content_layers, style_layers = settings.layers()
    loss = StyleLoss(lite0, content_layers, style_layers, settings.strength, settings.smoothing)
    photo = to_tensor(content)
    targets = loss.targets(photo, [to_tensor(night.resize((80, 80)))], [1.0])
    before = loss.parts(photo, targets)
    result = stylize(content, [night], settings=settings, net=lite0)
    after = loss.parts(to_tensor(result), targets)
    assert float(after["style"]) < 0.5 * float(before["style"])
    assert float(loss.total(after, to_tensor(result))) < float(loss.total(before, photo))


def test_coarse_to_fine_gives_the_requested_size_and_reports_each_scale(lite0, night, monkeypatch):
    monkeypatch.setattr(style_module, "MIN_SCALE_SIDE", 32)  # so that tiny pictures get two scales
    events = []
    result = stylize(gradient_picture(150, 100), [night], settings=StyleSettings(size=90, steps=3, scales=2),
                     net=lite0, on_progress=events.append)
    assert result.size == (90, 60)
    assert {e.stage for e in events} == {"scale"}
    assert [e.stage_index for e in events] == [0] * 6 + [1] * 3  # twice the steps at the coarse scale
    assert events[-1].fraction == pytest.approx(1.0)
    assert events[-1].preview is not None and events[-1].preview.size == (90, 60)
    fractions = [e.fraction for e in events]
    assert fractions == sorted(fractions)


def test_scale_sizes_and_steps():
    assert scale_sizes(180, 240, 3) == [(90, 120), (180, 240)]  # 45x60 is too small to bother
    assert scale_sizes(600, 800, 3) == [(150, 200), (300, 400), (600, 800)]
    assert scale_sizes(600, 800, 1) == [(600, 800)]
    assert steps_per_scale(10, 3) == [40, 20, 10]
    assert steps_per_scale(10, 3, 2) == [40, 10]  # the coarsest scale kept does the most work
    assert steps_per_scale(10, 3, 1) == [40]
    assert steps_per_scale(10, 1) == [10]


def test_keep_colors_keeps_the_photos_chroma(lite0, night):
    content = gradient_picture(64, 48, seed=3)
    settings = dict(size=64, steps=15, scales=1, strength=1.0)
    result = stylize(content, [night], settings=StyleSettings(keep_colors=True, **settings), net=lite0)
    plain = stylize(content, [night], settings=StyleSettings(**settings), net=lite0)
    chroma = lambda im: to_yuv(to_tensor(im))[:, 1:]  # noqa: E731
    kept = (chroma(result) - chroma(content)).abs().mean()
    changed = (chroma(plain) - chroma(content)).abs().mean()
    assert kept < 0.01 and changed > 2 * kept, (kept, changed)  # only 8-bit rounding separates them
    brightness = lambda im: to_yuv(to_tensor(im))[:, :1]  # noqa: E731
    assert (brightness(result) - brightness(content)).abs().mean() > 0.01  # the style did arrive


def test_recolour_and_luminance_round_trip():
    pixels = to_tensor(gradient_picture(32, 32))
    assert torch.allclose(recolour(luminance(pixels), pixels), pixels, atol=1e-4)


def test_blend_weights_matter(lite0, night, glass):
    content = gradient_picture(64, 48, seed=1)
    settings = StyleSettings(strength=1.0, size=64, steps=15, scales=1)
    run = lambda styles, weights: stylize(content, styles, weights, settings, lite0)  # noqa: E731
    only_night = run([night], None)
    results = {"night": run([night, glass], [1.0, 0.0]), "blend": run([night, glass], [1.0, 1.0]),
               "glass": run([night, glass], [0.0, 1.0])}
    assert np.abs(np.asarray(only_night, float) - np.asarray(results["night"], float)).max() <= 1  # weight 0 = gone
    content_layers, style_layers = settings.layers()
    loss = StyleLoss(lite0, content_layers, style_layers, settings.strength, settings.smoothing)
    photo = to_tensor(content)
    for painting, order in ((night, ["night", "blend", "glass"]), (glass, ["glass", "blend", "night"])):
        targets = loss.targets(photo, [_style_tensor(painting, (48, 64), 1.0, "cpu")], [1.0])
        style_loss = {k: float(loss.parts(to_tensor(v), targets)["style"]) for k, v in results.items()}
        assert sorted(style_loss, key=style_loss.get) == order, style_loss


def test_seeded_runs_are_reproducible(lite0, night):
    content = gradient_picture(64, 48)
    settings = lambda seed: StyleSettings(init="noise", seed=seed, **FAST)  # noqa: E731
    a = stylize(content, [night], settings=settings(7), net=lite0)
    b = stylize(content, [night], settings=settings(7), net=lite0)
    c = stylize(content, [night], settings=settings(8), net=lite0)
    assert a.tobytes() == b.tobytes()
    assert a.tobytes() != c.tobytes()


def test_adam_and_init_image(lite0, night):
    content = gradient_picture(64, 48)
    start = gradient_picture(64, 48, seed=9).transpose(Image.FLIP_LEFT_RIGHT)
    result = stylize(content, [night], settings=StyleSettings(optimizer="adam", init="image", **FAST),
                     net=lite0, init_image=start)
    assert result.size == (64, 48)
    with pytest.raises(ValueError, match="starting picture"):
        stylize(content, [night], settings=StyleSettings(init="image", **FAST), net=lite0)


def test_half_precision_runs_and_keeps_gram_matrices_in_float32(lite0, night):
    result = stylize(gradient_picture(64, 48), [night], settings=StyleSettings(precision="half", **FAST), net=lite0)
    assert result.size == (64, 48)
    loss = StyleLoss(lite0, {"block7": 1.0}, {"block2": 1.0}, 0.5, 0.0, half=True)
    inside = []
    hook = lite0.stages[3].register_forward_hook(lambda module, args, out: inside.append(out.dtype))
    try:
        acts = loss.features(to_tensor(gradient_picture(64, 48)))
    finally:
        hook.remove()
    assert inside[0] != torch.float32  # computed in half precision inside the network ...
    assert acts["block2"].dtype == torch.float32 and gram(acts["block2"]).dtype == torch.float32  # ... handed out in float32


def test_cancel_stops_with_the_last_preview(lite0, night):
    cancel = threading.Event()

    def on_progress(p):
        if p.preview is not None:
            cancel.set()
    with pytest.raises(Cancelled) as stopped:
        stylize(gradient_picture(64, 48), [night], settings=StyleSettings(size=64, steps=30, scales=1),
                net=lite0, on_progress=on_progress, cancel=cancel)
    assert stopped.value.partial is not None and stopped.value.partial.size == (64, 48)


@pytest.mark.parametrize("bad, message", [
    (dict(strength=1.5), "strength"), (dict(brush=0), "brush"), (dict(optimizer="sgd"), "optimizer"),
    (dict(init="plasma"), "init"), (dict(steps=0), "steps"),
])
def test_bad_settings_are_refused_plainly(lite0, night, bad, message):
    with pytest.raises(ValueError, match=message):
        stylize(gradient_picture(64, 48), [night], settings=StyleSettings(**{**FAST, **bad}), net=lite0)


def test_bad_style_weights_are_refused(lite0, night):
    with pytest.raises(ValueError, match="weights"):
        stylize(gradient_picture(64, 48), [night, night], [1.0], StyleSettings(**FAST), lite0)
    with pytest.raises(ValueError, match="negative"):
        stylize(gradient_picture(64, 48), [night], [-1.0], StyleSettings(**FAST), lite0)


def test_cli_writes_a_png_of_the_requested_size_with_its_recipe(tmp_path, capsys):
    photo, out = tmp_path / "photo.png", tmp_path / "out.png"
    gradient_picture(120, 90).save(photo)
    styles = f"{STYLES / 'swirling_night.jpg'},great_wave"  # a file and a built-in name
    code = main(["style", str(photo), styles, str(out), "--size", "64", "--steps", "4", "--scales", "1",
                 "--style-weights", "2,1", "--strength", "0.7", "--keep-colors", "--seed", "3"])
    assert code == 0, capsys.readouterr().err
    assert Image.open(out).size == (64, 48)
    recipe = read_recipe(out)
    assert recipe["kind"] == "style" and recipe["style_weights"] == [2.0, 1.0]
    assert recipe["keep_colors"] is True and recipe["seed"] == 3 and recipe["size"] == 64
    assert recipe["style_layers"] == DEFAULT_LAYERS["lite0"]["style"]


@pytest.mark.parametrize("extra, message", [
    (["--style-weights", "1,2"], "2 numbers for 1"), (["--strength", "3"], "must be from 0.0 to 1.0, got 3"),
    (["--style-weights", "a"], "bad --style-weights"), (["--strength", "1e9"], "must be from 0.0 to 1.0"),
    (["--strength", "nan"], "finite number"), (["--style-weights", "nan"], "0 or more"),
    (["--style-layers", "block1,nolayer"], "nolayer"), (["--size", "1e9"], "whole number"),
    (["--brush", "9"], "0.1 to 4.0"), (["--init", "image"], "invalid choice"),
])
def test_cli_refuses_bad_input_with_one_line(tmp_path, capsys, extra, message):
    photo = tmp_path / "photo.png"
    gradient_picture(64, 48).save(photo)
    code = main(["style", str(photo), str(STYLES / "great_wave.jpg"), str(tmp_path / "o.png"), *extra])
    err = capsys.readouterr().err
    assert code == 2 and message in err and err.count("\n") == 1


def test_cli_missing_style_file(tmp_path, capsys):
    photo = tmp_path / "photo.png"
    gradient_picture(64, 48).save(photo)
    code = main(["style", str(photo), str(tmp_path / "nope.jpg"), str(tmp_path / "o.png")])
    assert code == 2 and "No such file" in capsys.readouterr().err
