"""Filter visualisation: the canvas, the transforms, the leaky fix, and pictures from real lite0 weights."""
import threading

import numpy as np
from PIL import Image
import pytest
import torch

from engine.ascent.loop import ascend
from dreamlab.cli.main import main
from engine.dreaming.filters import FourierCanvas, LeakyNet, RandomTransforms, TransformSettings, picture_generator, render_batch, visualize_filter, visualize_filters
from engine.dreaming.settings import FilterSettings
from engine.images.pictures import read_recipe
from engine.images.tensors import to_tensor
from engine.ascent.objectives import channel
from engine.progress import Cancelled


def as_array(picture):
    return np.asarray(picture, dtype=np.float32)


class Identity:
    """A stand-in network whose only 'layer' is the picture itself."""
    device = torch.device("cpu")

    def __call__(self, pixels, layers):
        return {"rgb": pixels}


# --- canvas and transforms ------------------------------------------------------------------

def test_fourier_canvas_renders_valid_pixels_from_its_seed():
    gens = [picture_generator(0, c) for c in (3, 4)]
    canvas = FourierCanvas.random(gens, 40, 56)
    pixels = canvas.render()
    assert pixels.shape == (2, 3, 40, 56)
    assert pixels.min() > 0 and pixels.max() < 1
    again = FourierCanvas.random([picture_generator(0, 4)], 40, 56).render()
    assert torch.allclose(pixels[1:], again, atol=1e-6)  # a picture's start depends on its own seed only
    assert not torch.allclose(pixels[:1], again, atol=1e-3)


def test_fourier_canvas_from_image_reproduces_the_picture():
    y, x = torch.meshgrid(torch.linspace(0, 1, 48), torch.linspace(0, 1, 64), indexing="ij")
    picture = torch.stack([x, y, 1 - x]).unsqueeze(0)  # a two-way colour gradient
    solid = torch.tensor([0.9, 0.2, 0.4]).view(1, 3, 1, 1).expand(1, 3, 48, 64)
    margin = 0.02
    for target in (picture, solid):
        rendered = FourierCanvas.from_image(target, margin=margin).render()
        assert torch.allclose(rendered, target * (1 - 2 * margin) + margin, atol=1e-4)


def test_fourier_canvas_ascends_an_objective_through_the_shared_loop():
    canvas = FourierCanvas.random([picture_generator(1, 0)], 32, 32, lr=0.1)
    objective = channel("rgb", 0) - channel("rgb", 2)
    before = float(objective({"rgb": canvas.pixels}))
    ascend(canvas, Identity(), objective, steps=30, generator=torch.Generator())
    after = float(objective({"rgb": canvas.pixels}))
    assert abs(before) < 0.05 and after > 0.15  # from grey noise towards red minus blue


def test_random_transforms_are_per_picture_and_can_be_the_identity():
    pixels = torch.rand(3, 3, 32, 32, generator=torch.Generator().manual_seed(0))
    still = RandomTransforms([torch.Generator()] * 3, TransformSettings(jitter=0, scale=0.0, rotate=0.0))
    assert torch.allclose(still(pixels), pixels, atol=1e-5)
    batched = RandomTransforms([picture_generator(0, c) for c in (1, 2, 3)])(pixels)
    alone = RandomTransforms([picture_generator(0, 2)])(pixels[1:2])
    assert torch.allclose(batched[1:2], alone, atol=1e-6)
    assert not torch.allclose(batched, pixels, atol=1e-2)


def test_leaky_net_gives_gradient_to_a_filter_that_never_fires(lite0):
    grey = torch.full((1, 3, 32, 32), 0.5, requires_grad=True)
    real = lite0(grey, ["stem"])["stem"]
    dead = int((real[0].amax(dim=(1, 2)) == 0).nonzero()[0])  # a stem filter that is 0 on grey
    (grad_real,) = torch.autograd.grad(lite0(grey, ["stem"])["stem"][:, dead].mean(), grey)
    assert grad_real.abs().max() == 0  # through the ReLU6: no gradient, the picture would stay grey
    leaky = LeakyNet(lite0, "stem", [dead])
    (grad_leaky,) = torch.autograd.grad(leaky(grey, ["stem"])["stem"][:, dead].mean(), grey)
    if lite0.stages[0][0].weight[dead].abs().sum() > 0:
        assert grad_leaky.abs().max() > 0
    # other filters, and layers without a final ReLU, are untouched
    with torch.no_grad():
        x = torch.rand(1, 3, 32, 32)
        assert torch.equal(leaky(x, ["stem"])["stem"][:, dead + 1:], lite0(x, ["stem"])["stem"][:, dead + 1:])
        assert torch.equal(LeakyNet(lite0, "block3", [0])(x, ["block3"])["block3"], lite0(x, ["block3"])["block3"])


# --- pictures from the real network ---------------------------------------------------------

def test_same_seed_same_picture_other_seed_other_picture(lite0):
    a = visualize_filter(lite0, "block2", 5, FilterSettings(size=48, steps=6, seed=3))
    b = visualize_filter(lite0, "block2", 5, FilterSettings(size=48, steps=6, seed=3))
    c = visualize_filter(lite0, "block2", 5, FilterSettings(size=48, steps=6, seed=4))
    assert a.size == (48, 48)
    assert np.array_equal(as_array(a), as_array(b))
    assert np.abs(as_array(a) - as_array(c)).mean() > 5


def test_batched_equals_one_by_one(lite0):
    """Each picture has its own random stream and pictures never interact, so batching changes only
    float rounding (convolutions sum in another order for another batch size). Over many steps that
    rounding grows a little; the pictures must stay far closer than pictures from another seed."""
    channels = [2, 7, 11]
    batched = visualize_filters(lite0, "block4", channels, FilterSettings(size=48, steps=16, seed=1), batch_size=3)
    other_seed = visualize_filters(lite0, "block4", channels, FilterSettings(size=48, steps=16, seed=2), batch_size=3)
    for c, picture, other in zip(channels, batched, other_seed):
        alone = as_array(visualize_filter(lite0, "block4", c, FilterSettings(size=48, steps=16, seed=1)))
        same = np.abs(as_array(picture) - alone).mean()
        different = np.abs(as_array(other) - alone).mean()
        correlation = np.corrcoef(as_array(picture).ravel(), alone.ravel())[0, 1]
        assert same < different / 8 and correlation > 0.97, (c, same, different, correlation)


@pytest.mark.parametrize("layer,channels", [("block1", [0, 9, 21]),  # low: strokes and colours
                                            ("block8", [40, 77]),  # middle: patterns
                                            ("block15", [150, 301])])  # high: parts and creatures
def test_each_picture_excites_its_own_filter_most(lite0, layer, channels):
    """Small and short, to stay quick; the benchmark's quality table covers every filter at 128 px."""
    pictures = visualize_filters(lite0, layer, channels, FilterSettings(size=64, steps=32, seed=0))
    with torch.no_grad():
        means = lite0(torch.cat([to_tensor(p) for p in pictures]), [layer])[layer].mean(dim=(2, 3))
    for row, c in enumerate(channels):
        assert int(means[row].argmax()) == c, (layer, c, means[row].topk(3))
        assert as_array(pictures[row]).std() > 20  # visible structure, not flat grey


def test_progress_previews_and_cancel(lite0):
    seen = []
    visualize_filters(lite0, "block0", [0, 1, 2], FilterSettings(size=32, steps=3), batch_size=2,
                      on_progress=seen.append)
    assert [p.stage_index for p in seen] == [0, 0, 0, 1, 1, 1]
    assert seen[-1].fraction == pytest.approx(1.0) and seen[2].fraction == pytest.approx(2 / 3)
    assert seen[2].preview.size == (64, 32) and seen[5].preview.size == (32, 32)  # each batch as a strip
    assert seen[2].preview.info["channels"] == [0, 1] and seen[5].preview.info["channels"] == [2]
    visualize_filters(lite0, "block0", [4, 5], FilterSettings(size=32, steps=8), on_progress=seen.append)
    # thumbnails grow visibly, and the first batch shows itself after two steps (a gallery's first
    # thumbnails within a second of choosing a layer); later batches only every four
    assert [p.step for p in seen[6:] if p.preview is not None] == [2, 4, 8]
    later = []
    visualize_filters(lite0, "block0", [4, 5, 6], FilterSettings(size=32, steps=8), batch_size=2,
                      on_progress=later.append)
    assert [(p.stage_index, p.step) for p in later if p.preview is not None] == [(0, 2), (0, 4), (0, 8), (1, 4), (1, 8)]

    cancel = threading.Event()

    def stop_after_preview(p):
        if p.preview is not None:
            cancel.set()
    with pytest.raises(Cancelled) as stopped:
        visualize_filter(lite0, "block0", 1, FilterSettings(size=32, steps=40), on_progress=stop_after_preview,
                         cancel=cancel)
    assert stopped.value.partial is not None and stopped.value.partial.size == (32, 32)


def test_a_large_picture_grown_from_its_thumbnail_keeps_its_look(lite0):
    thumb = visualize_filter(lite0, "block3", 2, FilterSettings(size=32, steps=12))
    grown = visualize_filter(lite0, "block3", 2, FilterSettings(size=64, steps=3), start=thumb)
    from_noise = visualize_filter(lite0, "block3", 2, FilterSettings(size=64, steps=3))
    assert grown.size == (64, 64)
    target = np.asarray(thumb.resize((64, 64)), dtype=np.float32)
    def distance(picture):
        return np.abs(np.asarray(picture, dtype=np.float32) - target).mean()
    assert distance(grown) < distance(from_noise) / 2


def test_first_layer_filters_are_drawn_as_the_grating_that_excites_them_most(lite0):
    """Lite0's stem is one 3x3 convolution on the pixels: its pictures are drawn, magnified 4x; at
    the network's own scale each excites its filter more than a grey picture, a photo-like picture
    or (for an edge filter) the same grating turned by 90°."""
    from tests.conftest import gradient_picture
    channels = [0, 5, 7, 20]
    pictures = visualize_filters(lite0, "stem", channels, FilterSettings(size=64))
    assert [p.size for p in pictures] == [(64, 64)] * 4
    with torch.no_grad():
        def response(picture, c):
            return lite0(to_tensor(picture), ["stem"])["stem"][0, c].mean().item()

        def before_relu(picture, c):
            pixels = (to_tensor(picture) - lite0.mean) / lite0.std
            return lite0.stages[0][:-1](pixels.contiguous(memory_format=torch.channels_last))[0, c].float().mean().item()
        for c, shown in zip(channels, pictures):
            picture = shown.resize((16, 16), Image.NEAREST)  # what was drawn, before magnifying
            assert shown == picture.resize((64, 64), Image.NEAREST)
            own = response(picture, c)
            assert own > response(gradient_picture(16, 16), c)
            assert own > response(Image.new("RGB", (16, 16), (128, 128, 128)), c)
            if c in (0, 5):  # edge filters, so strong that ReLU6 clips both: compared before it
                assert before_relu(picture, c) > before_relu(picture.rotate(90), c) + 1.0
    big = visualize_filter(lite0, "stem", 5, FilterSettings(size=128))
    pixels = np.asarray(big, dtype=np.float32)
    assert big.size == (128, 128) and pixels.std() > 20  # clear stripes, not a flat blotch
    assert visualize_filter(lite0, "stem", 16, FilterSettings(size=32)).getextrema() == ((128, 128),) * 3  # unused


def test_bad_channel_is_refused(lite0):
    with pytest.raises(ValueError, match="filters 0 to 15"):
        render_batch(lite0, "block0", [16], FilterSettings(steps=1))


def test_cli_filter_writes_png_with_recipe(tmp_path, capsys):
    out = tmp_path / "f.png"
    assert main(["filter", str(out), "--layer", "block3", "--channel", "4", "--size", "48", "--steps", "3",
                 "--seed", "7"]) == 0
    recipe = read_recipe(str(out))
    assert recipe["kind"] == "filter"
    assert (recipe["layer"], recipe["channel"], recipe["size"], recipe["steps"], recipe["seed"]) == \
        ("block3", 4, 48, 3, 7)
    assert main(["filter", str(out), "--layer", "block3", "--channel", "99"]) == 2
    assert main(["filter", str(out), "--layer", "nope", "--channel", "1"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("error: ") and len(err[-1]) < 300


# --- the gallery: build, read back, cache ---------------------------------------------------

def test_gallery_build_writes_a_sheet_and_manifest_and_resumes(lite0, tmp_path):
    from engine.dreaming.gallery import build_gallery
    from engine.dreaming.gallery_files import filter_info, thumbnail
    from engine.dreaming.settings import GallerySettings
    settings = GallerySettings(size=32, steps=2, columns=8)
    lines = []
    manifest = build_gallery(lite0, tmp_path, settings, layers=["block0"], batch_size=8, log=lines.append)
    entry = manifest["layers"]["block0"]
    assert entry["channels"] == 16 and len(entry["filters"]) == 16
    sheet = tmp_path / "lite0" / "block0.webp"
    from PIL import Image
    assert Image.open(sheet).size == (8 * 32, 2 * 32)
    picture = thumbnail("lite0", "block0", 11, root=str(tmp_path))
    assert picture.size == (32, 32)
    info = filter_info("lite0", "block0", 11, root=str(tmp_path))
    assert info["channel"] == 11 and len(info["top"]) == 3 and not info["dead"] and info["contrast"] > 0
    assert thumbnail("lite0", "block1", 0, root=str(tmp_path)) is None  # not built: the page paints it
    build_gallery(lite0, tmp_path, settings, layers=["block0"], log=lines.append)
    assert lines[-1] == "block0: already built, skipped"


def test_render_cache_keeps_the_most_recent_pictures_within_its_budget():
    from PIL import Image
    from engine.dreaming.gallery_files import RenderCache
    cache = RenderCache(max_pixels=3 * 16 * 16)
    for i in range(3):
        cache.put(("m", "l", i), Image.new("RGB", (16, 16)))
    cache.get(("m", "l", 0))  # used again: kept
    cache.put(("m", "l", 3), Image.new("RGB", (16, 16)))
    assert cache.get(("m", "l", 1)) is None
    assert all(cache.get(("m", "l", i)) is not None for i in (0, 2, 3))


def test_shipped_lite0_gallery_is_complete_and_never_flat():
    """The precomputed gallery: every filter of stem..block15, measured on the shipped pictures."""
    import json
    from PIL import Image
    from engine.dreaming.gallery_files import GALLERY_DIR
    from engine.network.models import get_spec
    folder = GALLERY_DIR / "lite0"
    manifest = json.loads((folder / "manifest.json").read_text())
    spec = get_spec("lite0")
    assert list(manifest["layers"]) == [l.name for l in spec.layers if l.name != "head"]
    total = (folder / "manifest.json").stat().st_size
    for layer, entry in manifest["layers"].items():
        count = spec.layer(layer).channels
        assert entry["channels"] == count == len(entry["filters"])
        sheet = np.asarray(Image.open(folder / entry["sheet"]).convert("L"), dtype=np.float32)
        size, columns = entry["size"], entry["columns"]
        assert sheet.shape == (-(-count // columns) * size, columns * size)
        total += (folder / entry["sheet"]).stat().st_size
        live = [f for f in entry["filters"] if not f["dead"]]
        for f in live:
            c = f["channel"]
            tile = sheet[(c // columns) * size:(c // columns + 1) * size, (c % columns) * size:(c % columns + 1) * size]
            edges = np.abs(np.diff(tile, axis=0)).mean() + np.abs(np.diff(tile, axis=1)).mean()
            if layer == "stem":  # drawn colour gratings, magnified 4x: some stripes are wide, smooth, of one brightness
                rgb = np.asarray(Image.open(folder / entry["sheet"]).convert("RGB"), dtype=np.float32)
                tile = rgb[(c // columns) * size:(c // columns + 1) * size, (c % columns) * size:(c % columns + 1) * size]
                assert tile.std(axis=(0, 1)).max() > 10 and edges > 1, (layer, c, tile.std(axis=(0, 1)), edges)
            else:
                assert tile.std() > 10 and edges > 8, (layer, c, tile.std(), edges)  # visible structure
            assert len(f["top"]) == 3
        if layer != "stem":  # stem filters saturate (ReLU6) and tie; see the benchmark's table
            assert sum(f["rank"] == 0 for f in live) >= 0.95 * len(live), layer
            assert len(live) == count  # only the stem has dead (all-zero) filters
    assert total < 10_000_000  # 9.1 MB as built (WebP quality 60)


@pytest.mark.parametrize("args, message", [
    (["--layer", "block3"], "--layer LAYER --channel NUMBER"), (["--layer", "block3", "--channel", "-1"], "0 to 4095"),
    (["--layer", "block3", "--channel", "1", "--size", "1e9"], "whole number"),
    (["--layer", "block3", "--channel", "1", "--steps", "0"], "1 to 2000"),
    (["--layer", "block3", "--channel", "99"], "there is no filter 99"),
])
def test_cli_filter_flags_from_the_settings_model_refuse_bad_values(tmp_path, capsys, args, message):
    assert main(["filter", str(tmp_path / "f.png"), *args]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and message in err[0], err
