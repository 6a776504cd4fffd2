"""How a network runs fast on this machine without changing the picture to the eye.

``prepare(net)`` is applied once when a model is loaded (``models.load_model``):

* batch norm folded into the convolution before it (exact up to rounding; one op less per layer,
  forward and backward);
* channels-last memory layout on the CPU and CUDA (oneDNN and cuDNN run convolutions about twice
  as fast that way; Apple's MPS keeps the default layout);
* reduced precision where the hardware computes it natively: bfloat16 on CPUs with AVX-512 BF16 or
  AMX, bfloat16 on CUDA GPUs that have it, float16 on older ones. Elsewhere (other CPUs, MPS)
  everything stays float32. Activations handed out are float32 whatever ran inside.

``DREAMLAB_PRECISION=float`` turns reduced precision off, ``DREAMLAB_PRECISION=bfloat16`` forces it
(for comparisons). Measured in ``benchmarks/bench_vs_plain.py``; the pictures are compared in
``tests/test_fast.py``.
"""
from __future__ import annotations

import contextlib
import contextvars
import functools
import os
from typing import Optional

import torch
from torch import nn

PRECISIONS = {"float": None, "bfloat16": torch.bfloat16, "float16": torch.float16}
# Pairs (convolution, batch norm) that follow each other inside a module's forward, by attribute
# name: EfficientNet-Lite's blocks and torchvision's BasicConv2d (GoogLeNet).
CONV_BN_PAIRS = (("_expand_conv", "_bn0"), ("_depthwise_conv", "_bn1"), ("_project_conv", "_bn2"),
                 ("_conv_stem", "_bn0"), ("_conv_head", "_bn1"), ("conv", "bn"))


@functools.lru_cache(maxsize=None)
def cpu_has_native_bf16() -> bool:
    """AVX-512 BF16 or AMX: bfloat16 convolutions are faster than float32 only with these."""
    checks = ("_is_avx512_bf16_supported", "_is_amx_tile_supported")
    try:
        return any(getattr(torch.cpu, name, lambda: False)() for name in checks)
    except Exception:  # an unusual build or CPU: stay with float32
        return False


def reduced_dtype(device: torch.device) -> Optional[torch.dtype]:
    """The autocast dtype for ``device``, or None for float32."""
    forced = os.environ.get("DREAMLAB_PRECISION", "auto").strip().lower()
    if forced in PRECISIONS:
        return PRECISIONS[forced]
    if device.type == "cpu":
        return torch.bfloat16 if cpu_has_native_bf16() else None
    if device.type == "cuda":
        return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
    return None  # MPS and anything else: float32


def grad_scale(net) -> float:
    """What a score is multiplied by before backward (and the gradient divided by after): float16's
    small range would round the tiny gradients of a mean over a large picture to zero."""
    return 1024.0 if getattr(net, "autocast_dtype", None) == torch.float16 else 1.0


def wants_channels_last(device: torch.device) -> bool:
    return device.type in ("cpu", "cuda")


_FLOAT_ONLY = contextvars.ContextVar("dreamlab_float_only", default=False)


@contextlib.contextmanager
def float_only():
    """Within this block prepared networks compute in float32 (e.g. a job that asks for it)."""
    token = _FLOAT_ONLY.set(True)
    try:
        yield
    finally:
        _FLOAT_ONLY.reset(token)


def autocast(device: torch.device, dtype: Optional[torch.dtype]):
    if dtype is None or _FLOAT_ONLY.get():
        return contextlib.nullcontext()
    return torch.autocast(device.type, dtype=dtype)


def fold_batchnorm(model: nn.Module) -> int:
    """Fold every eval-mode BatchNorm2d into the convolution that feeds it; returns how many."""
    folded = 0
    for module in list(model.modules()):
        if isinstance(module, nn.Sequential):
            folded += _fold_sequential(module)
        for conv_name, bn_name in CONV_BN_PAIRS:
            conv, bn = getattr(module, conv_name, None), getattr(module, bn_name, None)
            if _foldable(conv, bn):
                setattr(module, conv_name, _fused(conv, bn))
                setattr(module, bn_name, nn.Identity())
                folded += 1
    return folded


def _fold_sequential(seq: nn.Sequential) -> int:
    folded = 0
    names = list(seq._modules)
    for first, second in zip(names, names[1:]):
        conv, bn = seq._modules[first], seq._modules[second]
        if _foldable(conv, bn):
            seq._modules[first] = _fused(conv, bn)
            seq._modules[second] = nn.Identity()
            folded += 1
    return folded


def _foldable(conv, bn) -> bool:
    return (isinstance(conv, nn.Conv2d) and isinstance(bn, nn.BatchNorm2d) and not bn.training
            and bn.track_running_stats and bn.num_features == conv.out_channels)


def _fused(conv: nn.Conv2d, bn: nn.BatchNorm2d) -> nn.Conv2d:
    return torch.nn.utils.fusion.fuse_conv_bn_eval(conv, bn)


def prepare(net) -> None:
    """Make a loaded ``FeatureNet`` fast on its device (see the module's docstring)."""
    if fold_batchnorm(net):
        for p in net.parameters():
            p.requires_grad_(False)
    net.autocast_dtype = reduced_dtype(net.device)
    net.channels_last = wants_channels_last(net.device)
    if net.channels_last:
        net.to(memory_format=torch.channels_last)
