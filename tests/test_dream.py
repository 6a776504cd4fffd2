"""Deep Dream engine: small pictures, fixed seeds, real Lite0 weights."""
import threading

import numpy as np
import pytest
import torch

from engine.ascent.loop import cuts, tile_slices
from engine.network.classify import classify
from engine.dreaming.dream import deep_dream
from engine.dreaming.settings import DreamSettings, octave_sizes
from engine.images.tensors import to_tensor
from engine.progress import Cancelled
from tests.conftest import gradient_picture


def quick(layers=None, **overrides) -> DreamSettings:
    settings = DreamSettings(layers=layers or {"block3": 1.0}, octaves=2, steps=8, step_size=0.02, tile=512)
    for key, value in overrides.items():
        setattr(settings, key, value)
    return settings


def energy(net, image, layer):
    with torch.no_grad():
        return float(net(to_tensor(image), [layer])[layer].pow(2).mean())


def test_octave_sizes_run_small_to_full_and_drop_tiny_octaves():
    assert octave_sizes(300, 400, 3, 2.0) == [(75, 100), (150, 200), (300, 400)]
    assert octave_sizes(100, 100, 5, 2.0) == [(100, 100)]  # 50 px and smaller are too small to dream at


def test_tile_cuts_cover_the_axis_with_as_few_equal_tiles_as_fit():
    for length, tile in [(1000, 256), (700, 512), (513, 512), (1155, 512), (4000, 512)]:
        c = cuts(length, tile)
        assert c[0] == 0 and c[-1] == length and c == sorted(set(c))
        assert len(c) - 1 == -(-length // tile)
        sizes = [b - a for a, b in zip(c, c[1:])]
        assert max(sizes) <= tile and max(sizes) - min(sizes) <= 1


def test_tiles_keep_one_shape_and_the_seams_move_between_steps(lite0):
    assert len({(ys.stop - ys.start, xs.stop - xs.start) for ys, xs in tile_slices(768, 1024, 512)}) == 1
    # the picture moves under the fixed grid, differently for each random state
    from engine.ascent.loop import pixel_gradient
    from engine.ascent.objectives import layer_energy
    pixels = torch.rand(1, 3, 96, 128, generator=torch.Generator().manual_seed(0))
    grads = [pixel_gradient(lite0, layer_energy("block3"), pixels, tile=64,
                            generator=torch.Generator().manual_seed(seed)) for seed in (1, 2)]
    assert all(torch.isfinite(g).all() and (g != 0).float().mean() > 0.99 for g in grads)
    assert not torch.equal(grads[0], grads[1])


def test_dream_keeps_size_and_amplifies_the_layer(lite0, small_picture):
    result = deep_dream(small_picture, quick(), lite0)
    assert result.size == small_picture.size and result.mode == "RGB"
    assert energy(lite0, result, "block3") > 2 * energy(lite0, small_picture, "block3")


def test_same_seed_same_dream_other_seed_other_dream(lite0, small_picture):
    a = np.asarray(deep_dream(small_picture, quick(seed=1), lite0))
    b = np.asarray(deep_dream(small_picture, quick(seed=1), lite0))
    c = np.asarray(deep_dream(small_picture, quick(seed=2), lite0))
    assert np.array_equal(a, b)
    assert not np.array_equal(a, c)


def test_several_layers_with_weights(lite0, small_picture):
    low = deep_dream(small_picture, quick({"block1": 1.0, "block8": 0.0}), lite0)
    high = deep_dream(small_picture, quick({"block1": 0.0, "block8": 1.0}), lite0)
    assert energy(lite0, low, "block1") > energy(lite0, high, "block1")
    assert energy(lite0, high, "block8") > energy(lite0, low, "block8")


def test_tiling_leaves_no_seam(lite0):
    picture = gradient_picture(256, 256, seed=3)
    tiled = np.asarray(deep_dream(picture, quick(octaves=1, steps=10, tile=96, jitter=8), lite0), np.float32)
    # Column-to-column change: a seam would be a column far rougher than its neighbours.
    roughness = np.abs(np.diff(tiled, axis=1)).mean(axis=(0, 2))[8:-8]
    assert roughness.max() < 2.5 * np.median(roughness)
    roughness_rows = np.abs(np.diff(tiled, axis=0)).mean(axis=(1, 2))[8:-8]
    assert roughness_rows.max() < 2.5 * np.median(roughness_rows)


def test_tiled_dream_amplifies_like_untiled(lite0):
    picture = gradient_picture(200, 160, seed=4)
    whole = energy(lite0, deep_dream(picture, quick(octaves=1, steps=6), lite0), "block3")
    tiled = energy(lite0, deep_dream(picture, quick(octaves=1, steps=6, tile=96), lite0), "block3")
    assert 0.5 < tiled / whole < 2.0


def test_progress_reports_every_step_with_a_first_look_and_a_preview_per_octave(lite0, small_picture):
    events = []
    deep_dream(small_picture, quick(octaves=2, steps=3), lite0, on_progress=events.append)
    assert len(events) == 6
    assert [(e.stage_index, e.step) for e in events] == [(0, 1), (0, 2), (0, 3), (1, 1), (1, 2), (1, 3)]
    with_preview = [(e.stage_index, e.step) for e in events if e.preview is not None]
    assert with_preview == [(0, 2), (0, 3), (1, 3)]  # a first look after two steps, then each octave's end
    assert events[-1].fraction == pytest.approx(1.0)
    assert all(a.fraction < b.fraction for a, b in zip(events, events[1:]))


def test_cancel_stops_within_one_step_and_keeps_the_picture(lite0, small_picture):
    cancel = threading.Event()
    steps = []

    def on_progress(p):
        steps.append(p)
        if len(steps) == 3:
            cancel.set()
    with pytest.raises(Cancelled) as stopped:
        deep_dream(small_picture, quick(octaves=2, steps=10), lite0, on_progress=on_progress, cancel=cancel)
    assert len(steps) == 3
    assert stopped.value.partial is not None and stopped.value.partial.mode == "RGB"


def test_guide_image_changes_the_dream(lite0, small_picture, cat_photo):
    plain = np.asarray(deep_dream(small_picture, quick({"block8": 1.0}), lite0), np.float32)
    guided = np.asarray(deep_dream(small_picture, quick({"block8": 1.0}), lite0, guide=cat_photo), np.float32)
    assert np.abs(plain - guided).mean() > 2.0


def test_unknown_layer_is_a_clear_error(lite0, small_picture):
    with pytest.raises(ValueError, match="no layer 'block99'"):
        deep_dream(small_picture, quick({"block99": 1.0}), lite0)


def test_classify_sees_a_cat(lite0, cat_photo):
    top = classify(cat_photo, lite0, top_k=5)
    assert len(top) == 5 and top[0][1] >= top[-1][1]
    assert "cat" in top[0][0].lower() or "tabby" in top[0][0].lower()
    assert 0.99 < sum(p for _, p in classify(cat_photo, lite0, top_k=1000)) < 1.01
