"""Model wiring. GoogLeNet and VGG use random weights: their real ones cannot be downloaded here."""
import urllib.error
import urllib.request

import pytest
import torch

from engine.network import models, weights
from engine.network.models import MODELS, load_model
from engine.network.weights import ModelUnavailable

FAST = ["lite0", "googlenet"]


@pytest.mark.parametrize("name", list(MODELS))
def test_every_layer_exists_with_its_channel_count(name):
    net = load_model(name, pretrained=False, device="cpu")
    spec = MODELS[name]
    assert net.stage_names == spec.layer_names()
    if name in FAST:  # the VGGs are slow on 2 cores; their structure is checked by the names above
        acts = net(torch.rand(1, 3, 64, 64), spec.layer_names())
        assert [a.shape[1] for a in acts.values()] == [layer.channels for layer in spec.layers]
    assert all(layer.hint for layer in spec.layers)


@pytest.mark.parametrize("name", ["googlenet", "vgg16"])
def test_classifier_gives_1000_classes(name):
    net = load_model(name, pretrained=False, device="cpu")
    assert net.logits(torch.rand(1, 3, 64, 64)).shape == (1, 1000)


def test_runs_only_as_deep_as_needed():
    net = load_model("lite0", device="cpu")
    called = []
    hooks = [stage.register_forward_hook(lambda m, i, o, n=n: called.append(n))
             for n, stage in zip(net.stage_names, net.stages)]
    try:
        net(torch.rand(1, 3, 64, 64), ["block2"])
    finally:
        for h in hooks:
            h.remove()
    assert called == ["stem", "block0", "block1", "block2"]


def test_download_urls_are_torchvisions():
    from torchvision.models import GoogLeNet_Weights, VGG16_Weights, VGG19_Weights
    assert models.WEIGHT_URLS == {"googlenet": GoogLeNet_Weights.IMAGENET1K_V1.url,
                                  "vgg16": VGG16_Weights.IMAGENET1K_V1.url,
                                  "vgg19": VGG19_Weights.IMAGENET1K_V1.url}


def test_offline_download_says_to_use_lite0(tmp_path, monkeypatch):
    monkeypatch.setenv("TORCH_HOME", str(tmp_path))

    def offline(*args, **kwargs):
        raise urllib.error.URLError("no network")
    monkeypatch.setattr(urllib.request, "urlopen", offline)
    assert not models.weights_ready("googlenet") and models.weights_ready("lite0")
    with pytest.raises(ModelUnavailable, match="Lite0"):
        weights.ensure_weights("googlenet")
    assert not list(tmp_path.rglob("*.pth")) and not list(tmp_path.rglob("*.part"))


def test_download_reports_progress_and_checks_the_hash(tmp_path, monkeypatch):
    import hashlib
    import io
    payload = b"x" * 3000
    digest = hashlib.sha256(payload).hexdigest()[:8]

    class Response(io.BytesIO):
        headers = {"Content-Length": str(len(payload))}
    monkeypatch.setattr(urllib.request, "urlopen", lambda *a, **k: Response(payload))
    seen = []
    target = tmp_path / f"net-{digest}.pth"
    weights._download(f"https://example.invalid/net-{digest}.pth", str(target), lambda d, t: seen.append((d, t)),
                     chunk=1000)
    assert target.read_bytes() == payload and seen[-1] == (3000, 3000) and len(seen) == 3
    with pytest.raises(OSError, match="checksum"):
        weights._download("https://example.invalid/net-deadbeef.pth", str(tmp_path / "net-deadbeef.pth"))
    assert not (tmp_path / "net-deadbeef.pth").exists()
