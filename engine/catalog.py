"""What DreamLab offers, as plain facts with no torch: the networks and their layers, the Deep Dream
presets, the style-transfer qualities and paintings. The app's server reads these (it never imports
torch); the engine's torch code (``engine.network.models`` and the jobs) builds on the same facts."""
from __future__ import annotations

import os
from dataclasses import dataclass, field

from engine.paths import ASSETS_DIR


@dataclass(frozen=True)
class Layer:
    name: str
    hint: str  # plain words for the UI: what this layer tends to paint
    channels: int


@dataclass(frozen=True)
class ModelSpec:
    name: str
    title: str
    description: str
    layers: tuple[Layer, ...] = field(repr=False)
    mean: tuple[float, float, float]
    std: tuple[float, float, float]
    offline: bool  # weights ship with DreamLab (a PyPI package); otherwise downloaded on first use

    def layer(self, name: str) -> Layer:
        for layer in self.layers:
            if layer.name == name:
                return layer
        known = ", ".join(l.name for l in self.layers)
        raise ValueError(f"model '{self.name}' has no layer '{name}' (it has: {known})")

    def layer_names(self) -> list[str]:
        return [layer.name for layer in self.layers]


def _hints(names: list[str], words: list[str]) -> list[str]:
    """Spread the plain-language hints evenly from the lowest layer to the highest."""
    return [words[min(len(words) - 1, i * len(words) // len(names))] for i in range(len(names))]


HINTS = ["edges & colours", "strokes & textures", "patterns", "shapes & parts", "eyes & creatures"]

LITE0_CHANNELS = [32, 16, 24, 24, 40, 40, 80, 80, 80, 112, 112, 112, 192, 192, 192, 192, 320, 1280]
LITE0_NAMES = ["stem"] + [f"block{i}" for i in range(16)] + ["head"]
GOOGLENET_NAMES = ["conv1", "conv2", "conv3", "inception3a", "inception3b", "inception4a", "inception4b",
                   "inception4c", "inception4d", "inception4e", "inception5a", "inception5b"]
GOOGLENET_CHANNELS = [64, 64, 192, 256, 480, 512, 512, 512, 528, 832, 832, 1024]
VGG_BLOCKS = {"vgg16": [2, 2, 3, 3, 3], "vgg19": [2, 2, 4, 4, 4]}
VGG_WIDTHS = [64, 128, 256, 512, 512]


def vgg_layer_names(model: str) -> list[tuple[str, int]]:
    return [(f"relu{b + 1}_{i + 1}", VGG_WIDTHS[b]) for b, n in enumerate(VGG_BLOCKS[model]) for i in range(n)]


def _lite0_spec() -> ModelSpec:
    hints = _hints(LITE0_NAMES[:-1], HINTS) + ["whole objects"]
    layers = tuple(Layer(n, h, c) for n, h, c in zip(LITE0_NAMES, hints, LITE0_CHANNELS))
    return ModelSpec("lite0", "EfficientNet-Lite0 (built in, works offline)",
                     "Small and fast; its weights come with DreamLab, so it works offline.",
                     layers, (0.5, 0.5, 0.5), (0.5, 0.5, 0.5), True)


def _googlenet_spec() -> ModelSpec:
    hints = _hints(GOOGLENET_NAMES, HINTS)
    layers = tuple(Layer(n, h, c) for n, h, c in zip(GOOGLENET_NAMES, hints, GOOGLENET_CHANNELS))
    # torchvision's GoogLeNet weights expect (x - 0.5) / 0.5 once its transform_input is folded in.
    return ModelSpec("googlenet", "GoogLeNet (the original Deep Dream network, downloads 50 MB)",
                     "The network of Google's 2015 Deep Dream: dogs, eyes and pagodas.",
                     layers, (0.5, 0.5, 0.5), (0.5, 0.5, 0.5), False)


def _vgg_spec(model: str) -> ModelSpec:
    names = vgg_layer_names(model)
    hints = _hints([n for n, _ in names], HINTS)
    layers = tuple(Layer(n, h, c) for (n, c), h in zip(names, hints))
    size = {"vgg16": 528, "vgg19": 548}[model]
    return ModelSpec(model, f"{model.upper()} (classic for style transfer, downloads {size} MB)",
                     "Large and slow on a CPU; the network of the original style-transfer paper.",
                     layers, (0.485, 0.456, 0.406), (0.229, 0.224, 0.225), False)


MODELS: dict[str, ModelSpec] = {
    "lite0": _lite0_spec(),
    "googlenet": _googlenet_spec(),
    "vgg16": _vgg_spec("vgg16"),
    "vgg19": _vgg_spec("vgg19"),
}
DEFAULT_MODEL = "lite0"


def get_spec(name: str) -> ModelSpec:
    try:
        return MODELS[name]
    except KeyError:
        raise ValueError(f"unknown model '{name}' (choose from: {', '.join(MODELS)})") from None


# --- downloaded weights: where they are kept (torch.hub's cache folder, computed without torch) ---

WEIGHT_URLS = {
    "googlenet": "https://download.pytorch.org/models/googlenet-1378be20.pth",
    "vgg16": "https://download.pytorch.org/models/vgg16-397923af.pth",
    "vgg19": "https://download.pytorch.org/models/vgg19-dcbb9e9d.pth",
}


def hub_dir() -> str:
    """torch.hub.get_dir() without importing torch: $TORCH_HOME/hub, else $XDG_CACHE_HOME/torch/hub."""
    torch_home = os.environ.get("TORCH_HOME") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "torch")
    return os.path.join(os.path.expanduser(torch_home), "hub")


def weights_path(url: str) -> str:
    """Where torch keeps downloaded weights (``$TORCH_HOME/hub/checkpoints``)."""
    return os.path.join(hub_dir(), "checkpoints", os.path.basename(url))


def weights_ready(name: str) -> bool:
    """True when the model needs no download (built in, or already in the cache)."""
    url = WEIGHT_URLS.get(name)
    return url is None or os.path.exists(weights_path(url))


# --- sample photos ---------------------------------------------------------------------------

SAMPLES_DIR = ASSETS_DIR / "samples"  # the pictures the photo pickers offer (assets/samples/README.md)


def sample_names() -> list[str]:
    return sorted(p.name for p in SAMPLES_DIR.glob("*.jpg"))


# --- Deep Dream presets ----------------------------------------------------------------------

@dataclass(frozen=True)
class Preset:
    title: str
    description: str
    layers: dict[str, dict[str, float]]  # model -> {layer: weight}
    steps: int
    step_size: float
    octaves: int = 4
    octave_scale: float = 1.5


PRESETS: dict[str, Preset] = {
    "soft-strokes": Preset(
        "Soft strokes", "Gentle brush strokes and textures over the photo.",
        {"lite0": {"block3": 1.0}, "googlenet": {"conv3": 1.0},
         "vgg16": {"relu3_1": 1.0}, "vgg19": {"relu3_1": 1.0}},
        steps=8, step_size=0.008),
    "classic": Preset(
        "Classic dream", "Swirls, spirals and the first eyes: the Deep Dream look.",
        {"lite0": {"block8": 1.0}, "googlenet": {"inception4c": 1.0},
         "vgg16": {"relu4_3": 1.0}, "vgg19": {"relu4_4": 1.0}},
        steps=8, step_size=0.012),
    "creatures": Preset(
        "Creatures", "Eyes, faces and animals everywhere.",
        {"lite0": {"block10": 1.0, "block12": 0.5}, "googlenet": {"inception4d": 1.0, "inception4e": 0.5},
         "vgg16": {"relu5_2": 1.0}, "vgg19": {"relu5_2": 1.0}},
        steps=8, step_size=0.015),
}
DEFAULT_PRESET = "classic"


# --- Hybrid Palette --------------------------------------------------------------------------

MAX_FILTERS = 32  # filters in one palette: the editor's limit, and a palette file's


# --- style transfer --------------------------------------------------------------------------

# Quality presets a casual user picks from: (longest side, steps at full size, scales).
QUALITIES: dict[str, tuple[int, int, int]] = {
    "fast": (384, 25, 3),
    "balanced": (512, 40, 3),
    "best": (768, 50, 3),
}

# The layers a style transfer matches by default, per network: content (shapes) and style (texture).
STYLE_LAYERS: dict[str, dict[str, dict[str, float]]] = {
    "lite0": {"content": {"block7": 1.0},
              "style": {"stem": 1.0, "block0": 1.0, "block2": 1.0, "block4": 1.0, "block7": 1.0}},
    "vgg16": {"content": {"relu4_2": 1.0},
              "style": {"relu1_1": 1.0, "relu2_1": 1.0, "relu3_1": 1.0, "relu4_1": 1.0, "relu5_1": 1.0}},
    "vgg19": {"content": {"relu4_2": 1.0},
              "style": {"relu1_1": 1.0, "relu2_1": 1.0, "relu3_1": 1.0, "relu4_1": 1.0, "relu5_1": 1.0}},
    "googlenet": {"content": {"inception3b": 1.0},
                  "style": {"conv1": 1.0, "conv3": 1.0, "inception3a": 1.0, "inception4a": 1.0}},
}
# The paintings that come with DreamLab (made by assets/styles/make_styles.py).
STYLES_DIR = str(ASSETS_DIR / "styles")
BUILTIN_STYLES: dict[str, str] = {
    "swirling_night": "Swirling night (after Van Gogh)",
    "stained_glass": "Stained glass",
    "cubist_shards": "Cubist shards (after Braque)",
    "great_wave": "Great wave (after Hokusai)",
    "pointillist_garden": "Pointillist garden (after Seurat)",
}


def builtin_style_path(name: str) -> str:
    if name not in BUILTIN_STYLES:
        raise ValueError(f"unknown built-in style '{name}' (choose from: {', '.join(BUILTIN_STYLES)})")
    return os.path.join(STYLES_DIR, f"{name}.jpg")
