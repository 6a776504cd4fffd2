"""How a network runs fast on this machine without changing the picture to the eye.

``prepare(net)`` is applied once when a model is loaded (``models.load_model``):

* batch norm folded into the convolution before it (exact up to rounding; one op less per layer,
  forward and backward), and stride-1 "same" padding done by the convolution itself instead of a
  copy of the activations (exact);
* on the CPU with bfloat16, each convolution and the ReLU6 after it in one oneDNN call, and the
  backward pass of strided depthwise convolutions in float32 (``ConvReLU6``);
* channels-last memory layout on the CPU and CUDA (oneDNN and cuDNN run convolutions about twice
  as fast that way; Apple's MPS keeps the default layout);
* reduced precision where the hardware computes it natively: bfloat16 on CPUs with AVX-512 BF16 or
  AMX (for pictures of at least 160x160 pixels: smaller ones are faster in float32), bfloat16 on
  CUDA GPUs that have it, float16 on older ones. Elsewhere (other CPUs, MPS) everything stays
  float32. Activations handed out are float32 whatever ran inside.

``circular_padding(net)`` (for the duration of a seamless job) makes every convolution pad by
wrapping around, so the network sees the picture as a torus: its left edge next to its right.

``DREAMLAB_PRECISION=float`` turns reduced precision off, ``DREAMLAB_PRECISION=bfloat16`` forces it
(for comparisons). Measured in ``benchmarks/bench_vs_plain.py``; the pictures are compared in
``tests/test_fast.py``.
"""
from __future__ import annotations

import contextlib
import contextvars
import functools
import os
import threading
from typing import Optional

import torch
import torch.nn.functional as F
from torch import nn

PRECISIONS = {"float": None, "bfloat16": torch.bfloat16, "float16": torch.float16}
# Below about 160x160 pixels a CPU computes Lite0's forward+backward faster in float32: the cost
# of converting to bfloat16 outweighs its faster convolutions (``benchmarks/bench_precision.py``,
# with the strided depthwise backward in float32: bfloat16/float32 0.88-1.27 up to 160x160,
# 0.71-0.93 from 192x144 to 512x384, 0.59 at 1024x768; at a load average of 12). Measured again,
# quiet, after the strided convolutions' padding change (which made float32 faster too): on two
# threads 1.04-1.08 at 160x160 and 192x144, 0.87 from 256x192; yet a 384 px style transfer, whose
# middle scale is 192x144, took the same time with the switch at 200x200 (whole command, 6
# interleaved runs each, timed side by side outside the repository's benchmarks), so it stays here.
CPU_REDUCED_MIN_PIXELS = 160 * 160
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
    forced = _forced()
    if forced:
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


def autocast(device: torch.device, dtype: Optional[torch.dtype], pixels: Optional[int] = None):
    """Reduced precision for ``pixels`` (a batch's pixels, all pictures together), where it pays."""
    if dtype is None or _FLOAT_ONLY.get() or not _worth_reducing(device, pixels):
        return contextlib.nullcontext()
    return torch.autocast(device.type, dtype=dtype)


def pixel_count(pictures: torch.Tensor) -> int:
    """Pixels in a batch of pictures [B, C, H, W], all pictures together."""
    return pictures.shape[0] * pictures.shape[-2] * pictures.shape[-1]


def _worth_reducing(device: torch.device, pixels: Optional[int]) -> bool:
    if device.type != "cpu" or pixels is None or _forced():
        return True
    return pixels >= CPU_REDUCED_MIN_PIXELS


def _forced() -> Optional[str]:
    """The precision ``DREAMLAB_PRECISION`` asks for ("float", "bfloat16", "float16"), or None."""
    name = os.environ.get("DREAMLAB_PRECISION", "auto").strip().lower()
    return name if name in PRECISIONS else None


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


def pad_inside_convolutions(model: nn.Module) -> int:
    """EfficientNet-Lite pads each convolution's input itself, TensorFlow style ("same"), which
    copies every activation. For stride 1 and an odd kernel that padding is symmetric, so the
    convolution can pad on its own, without the copy (exact). Returns how many were changed."""
    def symmetric(conv) -> Optional[tuple[int, int, int, int]]:
        if not _pads_symmetrically(conv):
            return None
        kh, kw = conv.kernel_size
        return kh // 2, kh // 2, kw // 2, kw // 2
    return _pad_by_themselves(model, symmetric)


def _pads_symmetrically(conv) -> bool:
    kind = type(conv).__name__
    if kind not in ("Conv2dStaticSamePadding", "Conv2dDynamicSamePadding"):
        return False
    if tuple(conv.stride) != (1, 1) or tuple(conv.dilation) != (1, 1) or tuple(conv.padding) != (0, 0):
        return False
    if not all(k % 2 == 1 for k in conv.kernel_size):
        return False
    if kind == "Conv2dDynamicSamePadding":
        return True
    kh, kw = conv.kernel_size
    pad = conv.static_padding
    return (kh, kw) == (1, 1) if type(pad).__name__ == "Identity" else (
        isinstance(pad, nn.ZeroPad2d) and tuple(pad.padding) == (kw // 2, kw // 2, kh // 2, kh // 2))


def absorb_strided_padding(model: nn.Module) -> int:
    """EfficientNet-Lite pads the input of each strided depthwise convolution TensorFlow style: one
    more row and column after than before (0/1 for 3x3, 1/2 for 5x5), as a copy of the whole
    activation whose gradient is a slice of another. The same convolution can pad by itself, with
    no copy: pad ``after`` on both sides and widen the kernel by ``after - before`` zero rows and
    columns in front, so each window starts where it did and the extra taps weigh nothing (exact,
    the same sums; at 1024x768 the forward pass of the widest one fell from 16 ms to 2 ms).
    Returns how many were changed."""
    return _pad_by_themselves(model, _padding_shifts)


def _padding_shifts(conv) -> Optional[tuple[int, int, int, int]]:
    """(before, after) for rows and then columns, if ``conv`` is a strided depthwise convolution
    behind a zero padding with no more before than after; None otherwise."""
    if type(conv).__name__ != "Conv2dStaticSamePadding" or not isinstance(conv.static_padding, nn.ZeroPad2d):
        return None
    if conv.groups != conv.in_channels or tuple(conv.stride) == (1, 1) or tuple(conv.padding) != (0, 0):
        return None
    left, right, top, bottom = conv.static_padding.padding
    if tuple(conv.dilation) != (1, 1) or right < left or bottom < top:
        return None
    return top, bottom, left, right


def _pad_by_themselves(model: nn.Module, padding_of) -> int:
    """Put a plain convolution that pads by itself (``_padding_itself``) in place of each module for
    which ``padding_of`` gives (top, bottom, left, right); returns how many."""
    changed = 0
    for module in list(model.modules()):
        for name, child in list(module.named_children()):
            padding = padding_of(child)
            if padding is not None:
                setattr(module, name, _padding_itself(child, *padding))
                changed += 1
    return changed


def _padding_itself(conv: nn.Conv2d, top: int, bottom: int, left: int, right: int) -> nn.Conv2d:
    """``conv`` behind a zero padding of (top, bottom, left, right), as one convolution padding
    (bottom, right) on both sides with its kernel widened by zero taps in front where the padding
    before is smaller: each window starts where it did. Symmetric padding widens nothing."""
    kh, kw = conv.kernel_size
    plain = nn.Conv2d(conv.in_channels, conv.out_channels, (kh + bottom - top, kw + right - left),
                      stride=conv.stride, padding=(bottom, right), groups=conv.groups, bias=conv.bias is not None)
    plain.to(device=conv.weight.device, dtype=conv.weight.dtype)
    with torch.no_grad():
        plain.weight.zero_()
        plain.weight[:, :, bottom - top:, right - left:] = conv.weight
        if conv.bias is not None:
            plain.bias.copy_(conv.bias)
    return plain.train(conv.training)


def _bf16_autocast_on_cpu() -> bool:
    return torch.is_autocast_enabled("cpu") and torch.get_autocast_dtype("cpu") == torch.bfloat16


class _ConvReLU6(torch.autograd.Function):
    """relu6(conv(x)) in one oneDNN call (the clamp written into the convolution's output, not a
    second pass over a large activation); backward: the gradient masked where 0 < y < 6, then the
    convolution's input gradient, in float32 when ``float_grad`` (see ``ConvReLU6``)."""

    @staticmethod
    def forward(ctx, x, weight, bias, stride, padding, groups, float_grad):
        w = weight.to(x.dtype)
        b = None if bias is None else bias.to(x.dtype)
        y = torch.ops.mkldnn._convolution_pointwise(x, w, b, padding, stride, [1, 1], groups, "hardtanh",
                                                    [0.0, 6.0], "")
        # The float32 gradient needs only the input's shape: the (padded) input itself is not kept.
        ctx.save_for_backward(None if float_grad else x, y, weight)
        ctx.stride, ctx.padding, ctx.groups, ctx.float_grad = stride, padding, groups, float_grad
        ctx.input_shape, ctx.dtype = x.shape, x.dtype
        return y

    @staticmethod
    def backward(ctx, grad):
        x, y, weight = ctx.saved_tensors
        grad = torch.ops.aten.hardtanh_backward(grad, y, 0.0, 6.0)
        if ctx.float_grad:
            grad = grad.float().contiguous(memory_format=torch.channels_last)
            like = torch.empty(ctx.input_shape, dtype=torch.float32, memory_format=torch.channels_last)
            weight = weight.float()
        else:
            like, weight = x, weight.to(ctx.dtype)
        grad_x = torch.ops.aten.convolution_backward(grad, like, weight, None, ctx.stride, ctx.padding, [1, 1],
                                                     False, [0, 0], ctx.groups, [True, False, False])[0]
        return grad_x.to(ctx.dtype), None, None, None, None, None, None


class ConvReLU6(nn.Module):
    """A convolution and the ReLU6 after it as one module (``fuse_relu6`` puts it in place).

    Under bfloat16 autocast on the CPU both run as one oneDNN call (``_ConvReLU6``); strided
    depthwise convolutions also take their input gradient in float32, where oneDNN has no fast
    bfloat16 kernel (in bfloat16 those 4 convolutions took more time than the rest of Lite0's
    backward). Elsewhere (float32, CUDA, MPS, a seamless job's circular padding) it is the
    convolution followed by ReLU6, exactly as before. Measured in ``benchmarks/bench_vs_plain.py --network``."""

    def __init__(self, conv: nn.Conv2d):
        super().__init__()
        self.conv = conv
        self.float_grad = conv.groups > 1 and tuple(conv.stride) != (1, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        conv = self.conv
        if not (_bf16_autocast_on_cpu() and conv.padding_mode == "zeros" and not isinstance(conv.padding, str)):
            return F.relu6(conv(x))
        padding = getattr(conv, "static_padding", None)
        if padding is not None:
            x = padding(x)
        with torch.autocast("cpu", enabled=False):
            return _ConvReLU6.apply(x.to(torch.bfloat16), conv.weight, conv.bias, list(conv.stride),
                                    list(conv.padding), conv.groups, self.float_grad)


def fuse_relu6(model: nn.Module) -> int:
    """Put ``ConvReLU6`` in place of each convolution that a ReLU6 follows in an EfficientNet-Lite
    block: its expansion and depthwise convolutions (the block's one ReLU6 module then does
    nothing). The stem and head stay as they are: the Filter Gallery's ``LeakyNet`` reads their
    activation before the ReLU6, and they are a small part of the work. Returns how many."""
    fused = 0
    for module in list(model.modules()):
        if type(module).__name__ == "MBConvBlock" and not module.has_se and isinstance(module._swish, nn.ReLU6):
            names = ["_depthwise_conv"] + (["_expand_conv"] if module._block_args.expand_ratio != 1 else [])
            if all(isinstance(module._bn0 if n == "_expand_conv" else module._bn1, nn.Identity) for n in names):
                for name in names:
                    setattr(module, name, ConvReLU6(getattr(module, name)))
                    fused += 1
                module._swish = nn.Identity()
    return fused


def prepare(net) -> None:
    """Make a loaded ``FeatureNet`` fast on its device (see the module's docstring)."""
    fold_batchnorm(net)
    pad_inside_convolutions(net)
    absorb_strided_padding(net)
    for p in net.parameters():
        p.requires_grad_(False)
    net.autocast_dtype = reduced_dtype(net.device)
    if net.device.type == "cpu" and net.autocast_dtype == torch.bfloat16:
        fuse_relu6(net)
    net.channels_last = wants_channels_last(net.device)
    if net.channels_last:
        net.to(memory_format=torch.channels_last)


# --- seamless: the picture as a torus ---------------------------------------------------------

class CircularPad(nn.Module):
    """``nn.ZeroPad2d``'s job done by wrapping around: what leaves on the right comes back on the left."""

    def __init__(self, padding: tuple[int, int, int, int]):
        super().__init__()
        self.padding = tuple(padding)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.pad(x, self.padding, mode="circular")


_PADDING_LOCK = threading.Lock()  # one seamless job at a time changes a shared network's padding


@contextlib.contextmanager
def circular_padding(net: nn.Module, enabled: bool = True):
    """Within this block ``net`` pads circularly: convolutions that pad by themselves switch to
    ``padding_mode="circular"`` and the padding layers in front of strided convolutions (EfficientNet's
    ``ZeroPad2d``) become ``CircularPad``; everything is put back on leaving. The network is shared
    within a process, so this holds a lock for the block: a worker runs one job at a time anyway.
    Pooling layers that pad (GoogLeNet's max pools) keep their padding: a max over a few extra
    -inf is harmless."""
    if not enabled:
        yield net
        return
    with _PADDING_LOCK:
        undo = _wrap_padding(net)
        try:
            yield net
        finally:
            for restore in reversed(undo):
                restore()


def _wrap_padding(net: nn.Module) -> list:
    undo = []
    for module in list(net.modules()):
        if isinstance(module, nn.Conv2d) and module.padding_mode == "zeros" and _pads(module):
            module.padding_mode = "circular"
            undo.append(lambda module=module: setattr(module, "padding_mode", "zeros"))
        for name, child in list(module.named_children()):
            if isinstance(child, nn.ZeroPad2d):
                setattr(module, name, CircularPad(child.padding))
                undo.append(lambda module=module, name=name, child=child: setattr(module, name, child))
    return undo


def _pads(conv: nn.Conv2d) -> bool:
    return conv.padding == "same" or (not isinstance(conv.padding, str) and any(conv.padding))
