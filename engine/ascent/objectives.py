"""What gradient ascent maximises. Objectives are small functions that combine with + and *.

An objective maps the activations ``{layer: [B, C, H, W]}`` to one score per picture ``[B]``.
A Deep Dream is ``layer_energy``; a Filter Gallery tile is ``channel``; a Hybrid Palette is a
weighted sum of channels. Inspired by lucent's ``optvis/objectives.py``.
"""
from __future__ import annotations

from typing import Callable

import torch

Acts = dict[str, torch.Tensor]


class Objective:
    def __init__(self, fn: Callable[[Acts], torch.Tensor], layers: set[str], name: str):
        self.fn = fn
        self.layers = frozenset(layers)
        self.name = name

    def __call__(self, acts: Acts) -> torch.Tensor:
        return self.fn(acts)

    def __add__(self, other: "Objective | float") -> "Objective":
        if isinstance(other, (int, float)):
            if other == 0:
                return self
            return Objective(lambda a: self(a) + other, self.layers, f"{self.name} + {other}")
        return Objective(lambda a: self(a) + other(a), self.layers | other.layers, f"{self.name} + {other.name}")

    __radd__ = __add__  # so that sum([...]) works

    def __mul__(self, factor: float) -> "Objective":
        return Objective(lambda a: factor * self(a), self.layers, f"{factor:g} * {self.name}")

    __rmul__ = __mul__

    def __neg__(self) -> "Objective":
        return -1.0 * self

    def __sub__(self, other: "Objective") -> "Objective":
        return self + (-other)

    def __repr__(self) -> str:
        return f"Objective({self.name})"


def layer_energy(layer: str) -> Objective:
    """Deep Dream: amplify everything the layer sees (mean squared activation)."""
    return Objective(lambda a: a[layer].pow(2).mean(dim=(1, 2, 3)), {layer}, f"energy({layer})")


def channel(layer: str, index: int) -> Objective:
    """One filter: its mean activation over the picture."""
    return Objective(lambda a: a[layer][:, index].mean(dim=(1, 2)), {layer}, f"{layer}:{index}")


def batch_channels(layer: str, indices: list[int]) -> Objective:
    """Picture i of the batch maximises channel ``indices[i]`` (for rendering many filters at once)."""
    def fn(acts: Acts) -> torch.Tensor:
        x = acts[layer]
        picked = x[torch.arange(x.shape[0], device=x.device), torch.as_tensor(indices, device=x.device)]
        return picked.mean(dim=(1, 2))
    return Objective(fn, {layer}, f"{layer}:{indices}")


def guided(layer: str, guide: torch.Tensor) -> Objective:
    """Steer the dream towards a guide picture's features.

    For each position, find the guide feature (a column of ``guide``, [C, M]) that matches the
    picture's feature best and push the picture's feature along it, as in Google's notebook.
    """
    def fn(acts: Acts) -> torch.Tensor:
        x = acts[layer].flatten(2)  # [B, C, N]
        with torch.no_grad():
            best = torch.einsum("bcn,cm->bnm", x, guide).argmax(dim=-1)  # [B, N]
        target = guide[:, best].permute(1, 0, 2)  # [B, C, N]
        return (x * target).sum(dim=1).mean(dim=1)
    return Objective(fn, {layer}, f"guided({layer})")


def scaled(objective: Objective, scale: float) -> Objective:
    """Divide by a reference magnitude so layers of different size mix by their weights alone."""
    return (1.0 / max(scale, 1e-8)) * objective
