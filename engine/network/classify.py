"""What the network sees: the top ImageNet classes of a picture."""
from __future__ import annotations

import torch
from PIL import Image

from engine.images.pictures import fit_side
from engine.images.tensors import to_tensor
from engine.network.models import FeatureNet


def classify(image: Image.Image, net: FeatureNet, top_k: int = 5, size: int = 224) -> list[tuple[str, float]]:
    """What the network sees: the top ImageNet classes with their probabilities."""
    w, h = fit_side(image.size, size * max(image.size) // min(image.size))
    square = image.convert("RGB").resize((w, h), Image.BICUBIC)
    left, top = (w - size) // 2, (h - size) // 2
    square = square.crop((left, top, left + size, top + size))
    with torch.no_grad():
        probs = net.logits(to_tensor(square, net.device)).softmax(dim=1)[0]
    values, indices = probs.topk(top_k)
    labels = imagenet_labels()
    return [(labels[i], float(v)) for v, i in zip(values.tolist(), indices.tolist())]


def imagenet_labels() -> list[str]:
    from torchvision.models import GoogLeNet_Weights
    return GoogLeNet_Weights.IMAGENET1K_V1.meta["categories"]
