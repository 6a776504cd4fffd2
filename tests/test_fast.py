"""The fast path (engine/fast.py: batch norm folded, channels-last, bfloat16 where the CPU has it)
paints the same picture to the eye as plain float32, and falls back cleanly without the hardware."""
from __future__ import annotations

import numpy as np
import pytest
import torch
from PIL import Image

from engine.network import fast
from engine.dreaming.dream import deep_dream
from engine.dreaming.settings import DreamSettings
from engine.images.tensors import to_tensor
from engine.network.models import build_model, get_spec
from engine.style.transfer import StyleLoss, _style_tensor, stylize
from engine.style.settings import StyleSettings

SAMPLE = "assets/samples/cat.jpg"
STYLE = "assets/styles/swirling_night.jpg"


@pytest.fixture(scope="module", autouse=True)
def reduced_precision_at_any_size():
    """These pictures are small enough that the CPU would compute them in float32: compare the
    reduced-precision path itself."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(fast, "CPU_REDUCED_MIN_PIXELS", 0)
        yield


@pytest.fixture(scope="module")
def nets(one_torch_thread):
    """(plain float32 Lite0, the same network prepared the way load_model prepares it)."""
    reference = build_model("lite0")
    prepared = build_model("lite0")
    fast.prepare(prepared)
    return reference, prepared


@pytest.fixture(scope="module")
def photo():
    return Image.open(SAMPLE).convert("RGB").resize((128, 96), Image.LANCZOS)


def change(result: Image.Image, start: Image.Image) -> np.ndarray:
    return (np.asarray(result, np.float32) - np.asarray(start.resize(result.size), np.float32)).ravel() / 255


def correlation(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.corrcoef(a, b)[0, 1])


def test_folding_batch_norm_and_padding_keep_the_activations(nets, photo):
    reference, prepared = nets
    assert not any(isinstance(m, torch.nn.BatchNorm2d) for m in prepared.modules())
    padding_itself = [m for m in prepared.modules() if type(m).__name__ == "Conv2dStaticSamePadding"]
    assert len(padding_itself) == 1 and padding_itself[0].in_channels == 3  # the stem; depthwise ones widened
    widened = [m for m in prepared.modules() if isinstance(m, torch.nn.Conv2d) and m.kernel_size in ((4, 4), (6, 6))]
    assert len(widened) == 4 and all(tuple(m.stride) == (2, 2) for m in widened)
    for size in (photo.size, (131, 97)):  # even and odd sides: the windows land where they did
        x = to_tensor(photo.resize(size))
        with torch.no_grad(), fast.float_only():
            want = reference(x, ["block8"])["block8"]
            got = prepared(x, ["block8"])["block8"]
        assert got.dtype == torch.float32 and got.shape == want.shape
        assert float((got - want).norm() / want.norm()) < 1e-4


def test_widened_strided_convolution_pads_circularly_as_before(photo):
    """Seamless jobs: the widened convolution wraps around exactly as the padding it replaced."""
    reference = build_model("lite0")
    widened = build_model("lite0")
    assert fast.absorb_strided_padding(widened) == 4
    x = to_tensor(photo.resize((131, 97)))
    with torch.no_grad():
        with fast.circular_padding(reference):  # one network at a time: it holds a lock
            want = reference(x, ["block6"])["block6"]
        with fast.circular_padding(widened):
            got = widened(x, ["block6"])["block6"]
    assert float((got - want).norm() / want.norm()) < 1e-5


def test_fast_gradient_points_the_same_way(nets, photo):
    reference, prepared = nets
    grads = []
    for net in (reference, prepared):
        x = to_tensor(photo).requires_grad_(True)
        (g,) = torch.autograd.grad(net(x, ["block10"])["block10"].pow(2).mean(), x)
        grads.append(g.flatten())
    assert float(torch.nn.functional.cosine_similarity(*grads, dim=0)) > 0.9


def test_fast_dream_looks_like_the_float32_dream(nets, photo):
    """Same strength of dream, and closer to the float32 dream than another seed's dream is
    (looked at: /tmp pictures of both are alike to the eye; details differ as with any seed)."""
    reference, prepared = nets
    settings = DreamSettings(layers={"block8": 1.0}, octaves=2, octave_scale=1.4, steps=6, seed=3)
    want, got = (change(deep_dream(photo, settings, net), photo) for net in (reference, prepared))
    settings.seed = 4
    other_seed = change(deep_dream(photo, settings, reference), photo)
    assert 0.8 < np.abs(got).mean() / np.abs(want).mean() < 1.25
    assert correlation(got, want) > correlation(other_seed, want) + 0.05


def test_fast_style_transfer_matches_the_float32_loss(nets, photo):
    reference, prepared = nets
    style = Image.open(STYLE).convert("RGB")
    settings = StyleSettings(size=96, steps=8, scales=2, seed=0)
    results = [stylize(photo, [style], None, settings, net) for net in (reference, prepared)]
    content_layers, style_layers = settings.layers()
    loss = StyleLoss(reference, content_layers, style_layers, settings.strength, settings.smoothing)
    w, h = results[0].size
    targets = loss.targets(to_tensor(photo.resize((w, h), Image.LANCZOS)),
                           [_style_tensor(style, (h, w), 1.0, "cpu")], [1.0])
    with torch.no_grad():
        want, got = (float(loss(to_tensor(r), targets)) for r in results)
    assert got < want * 1.15
    assert correlation(change(results[1], photo), change(results[0], photo)) > 0.8


def test_reduced_precision_only_where_the_hardware_has_it(monkeypatch):
    cpu, mps, cuda = torch.device("cpu"), torch.device("mps"), torch.device("cuda")
    monkeypatch.delenv("DREAMLAB_PRECISION", raising=False)
    monkeypatch.setattr(fast, "cpu_has_native_bf16", lambda: False)
    assert fast.reduced_dtype(cpu) is None
    monkeypatch.setattr(fast, "cpu_has_native_bf16", lambda: True)
    assert fast.reduced_dtype(cpu) == torch.bfloat16
    assert fast.reduced_dtype(mps) is None
    assert not fast.wants_channels_last(mps)
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda *a, **k: False)
    assert fast.reduced_dtype(cuda) == torch.float16
    monkeypatch.setenv("DREAMLAB_PRECISION", "float")
    assert fast.reduced_dtype(cpu) is None and fast.reduced_dtype(cuda) is None


def test_small_pictures_run_in_float32_on_the_cpu(nets, monkeypatch):
    _, prepared = nets
    monkeypatch.setattr(fast, "CPU_REDUCED_MIN_PIXELS", 64 * 64)
    monkeypatch.setattr(prepared, "autocast_dtype", torch.bfloat16)
    monkeypatch.delenv("DREAMLAB_PRECISION", raising=False)
    seen = []
    hook = prepared.stages[1].register_forward_hook(lambda module, args, out: seen.append(out.dtype))
    try:
        with torch.no_grad():
            for side in (32, 64):
                prepared(torch.rand(1, 3, side, side), ["block0"])
            prepared(torch.rand(4, 3, 32, 32), ["block0"])  # a batch counts all its pixels
            monkeypatch.setenv("DREAMLAB_PRECISION", "bfloat16")  # asked for: at any size
            prepared(torch.rand(1, 3, 32, 32), ["block0"])
    finally:
        hook.remove()
    assert seen == [torch.float32, torch.bfloat16, torch.bfloat16, torch.bfloat16]


def test_float16_gradients_are_scaled_and_scaled_back(nets, photo, monkeypatch):
    from engine.ascent.loop import _gradient
    from engine.ascent.objectives import layer_energy
    _, prepared = nets
    x = to_tensor(photo)
    generator = torch.Generator().manual_seed(0)
    with fast.float_only():
        plain = _gradient(prepared, layer_energy("block3"), x, generator, None)
        monkeypatch.setattr(prepared, "autocast_dtype", torch.float16)
        assert fast.grad_scale(prepared) > 1
        scaled = _gradient(prepared, layer_energy("block3"), x, generator, None)
    torch.testing.assert_close(scaled, plain)


def unfused_bf16_lite0():
    """Lite0 prepared as ``fast.prepare`` does, but with each convolution and ReLU6 kept apart."""
    net = build_model("lite0")
    fast.fold_batchnorm(net)
    fast.pad_inside_convolutions(net)
    net.autocast_dtype, net.channels_last = torch.bfloat16, True
    return net.to(memory_format=torch.channels_last)


@pytest.mark.skipif(not fast.cpu_has_native_bf16(), reason="the fused path runs where the CPU has bfloat16")
def test_fused_convolution_and_relu6_take_the_same_gradient(nets, photo):
    _, prepared = nets
    assert sum(isinstance(m, fast.ConvReLU6) for m in prepared.modules()) == 31  # 15 expansions, 16 depthwise
    assert sum(m.float_grad for m in prepared.modules() if isinstance(m, fast.ConvReLU6)) == 4  # strided depthwise
    apart = unfused_bf16_lite0()
    grads = []
    for net in (prepared, apart):
        x = to_tensor(photo).requires_grad_(True)
        (g,) = torch.autograd.grad(net(x, ["block10"])["block10"].pow(2).mean(), x)
        grads.append(g.flatten())
    assert float(torch.nn.functional.cosine_similarity(*grads, dim=0)) > 0.995


@pytest.mark.skipif(not fast.cpu_has_native_bf16(), reason="the fused path runs where the CPU has bfloat16")
def test_fused_convolutions_pad_circularly_in_a_seamless_job(nets, photo):
    """A seamless job pads by wrapping around: the fused modules fall back to the convolution and
    ReLU6 apart, so they see the torus too (the activations of a rolled picture are rolled)."""
    _, prepared = nets
    x = to_tensor(photo)
    with torch.no_grad(), fast.circular_padding(prepared):
        acts = prepared(x, ["block3"])["block3"]
        rolled = prepared(x.roll(32, dims=3), ["block3"])["block3"]
    step = x.shape[3] // acts.shape[3]
    torch.testing.assert_close(rolled, acts.roll(32 // step, dims=3), atol=0.05, rtol=0.05)
