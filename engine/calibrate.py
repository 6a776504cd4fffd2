"""Measuring what a step costs on this machine, once per model (``engine.timing`` keeps and uses it).

A few forward+backward passes at picture sizes from 96x96 to 640x640 px to the network's deepest
layer, one at 256x256 px to each of a few shallower layers (their share of the cost), and a pixel
step's and a Fourier step's own work at 512x512 px. Each is timed after one untimed warm-up; the
fastest of three (two for the rest) counts (a busy moment is noise, not cost). About 50 small passes:
seconds on a quiet CPU, plus MP4s and GIFs of 4 and 16 frames.
"""
from __future__ import annotations

import os
import time
from typing import Optional

import torch

from engine.ascent.loop import PixelCanvas, pixel_gradient
from engine.ascent.objectives import layer_energy
from engine.dreaming.filters import FourierCanvas
from engine.network.models import load_model
from engine.timing import ModelCosts, StepCosts

# Square pictures measured (a step's tiles are at most 512 + overlap). 144 and 176 sit either side of
# fast.CPU_REDUCED_MIN_PIXELS, where the network switches to bfloat16: the cost jumps there.
SIDES = (96, 144, 176, 304, 448, 512, 640)  # 512: a tile, where most of a big picture's work is
DEPTH_SIDE = 256  # large enough that the layers' work, not the per-call cost, decides their shares
DEPTH_POINTS = 5  # layers measured for the depth shares, evenly spread
OWN_SIDE = 512


def _timed(run, repeats: int = 2) -> float:
    run()  # warm-up: the convolution library prepares its kernels for this shape
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - started)
    return best


def measure(model: str = "lite0", net=None) -> ModelCosts:
    """This machine's costs for ``model`` (loads it unless ``net`` is given)."""
    net = net or load_model(model)
    names = net.stage_names
    generator = torch.Generator().manual_seed(0)

    def gradient(side: int, layer: str) -> float:
        pixels = torch.rand(1, 3, side, side, generator=generator).to(net.device)
        objective = layer_energy(layer)
        return _timed(lambda: pixel_gradient(net, objective, pixels, tile=None, generator=generator), repeats=3)

    deepest = names[-1]
    seconds = _rising([gradient(side, deepest) for side in SIDES])
    picks = sorted({round(k * (len(names) - 1) / (DEPTH_POINTS - 1)) for k in range(DEPTH_POINTS)})
    reach = _rising([gradient(DEPTH_SIDE, names[i]) for i in picks])
    depth = {names[i]: value / reach[-1] for i, value in zip(picks, reach)}
    encode_start, encode_per_mpx = _encoding()
    return ModelCosts(pixels=[s * s for s in SIDES], seconds=seconds, depth=depth,
                      update_per_mpx=_pixel_step(net) / (OWN_SIDE * OWN_SIDE / 1e6),
                      fourier_per_mpx=_fourier_step(net) / (OWN_SIDE * OWN_SIDE / 1e6),
                      encode_start=encode_start, encode_per_mpx=encode_per_mpx,
                      threads=torch.get_num_threads(), measured_at=time.time(), load=load_per_core())


def _rising(values: list[float]) -> list[float]:
    """Costs that never fall as the work grows. Other work on the machine only ever adds time, so a
    larger job's measured cost bounds every smaller one's: each value is the least of itself and those
    after it. (Raising each to the largest before it let one busy moment, 1.8 s measured at 512 px
    where 0.5 s was true, price every larger size too: a print estimated at 5x its time.)"""
    return [min(values[k:]) for k in range(len(values))]


def _pixel_step(net) -> float:
    pixels = torch.rand(1, 3, OWN_SIDE, OWN_SIDE).to(net.device)
    canvas = PixelCanvas(pixels, 0.01, smoothness=1.5)
    grad = torch.randn_like(pixels)
    return _timed(lambda: canvas.update(canvas.render(), grad))


def _fourier_step(net) -> float:
    canvas = FourierCanvas.random([torch.Generator().manual_seed(0)], OWN_SIDE, OWN_SIDE, device=net.device)
    grad = torch.randn(1, 3, OWN_SIDE, OWN_SIDE).to(net.device)
    return _timed(lambda: canvas.update(canvas.render(), grad))


ENCODE_FRAMES, ENCODE_SIZE = (4, 16), (320, 213)


def _encoding() -> tuple[float, float]:
    """An animation's MP4 + GIF (ffmpeg): (seconds per job, seconds per megapixel of frame), from two
    lengths of clip. One length alone priced ffmpeg's start (twice, MP4 and GIF) as frames: 8 frames
    made every frame of a 36-frame zoom look several times dearer than it is. The defaults where ffmpeg
    is missing."""
    from PIL import Image
    from engine.motion.clips import gif_bytes, mp4_bytes
    frames = [Image.effect_noise(ENCODE_SIZE, 40 + k).convert("RGB") for k in range(max(ENCODE_FRAMES))]
    try:
        few, many = (_timed(lambda n=n: (mp4_bytes(frames[:n], 12.0), gif_bytes(frames[:n], 12.0)), repeats=2)
                     for n in ENCODE_FRAMES)
    except Exception:  # no ffmpeg here: animations cannot be made either
        return ModelCosts.encode_start, ModelCosts.encode_per_mpx
    per_frame = max(0.0, many - few) / (ENCODE_FRAMES[1] - ENCODE_FRAMES[0])
    return max(0.0, few - per_frame * ENCODE_FRAMES[0]), per_frame / (ENCODE_SIZE[0] * ENCODE_SIZE[1] / 1e6)


BUSY = 1.0  # load average per core above which a measurement counts the other work too


def load_per_core() -> float:
    try:
        return os.getloadavg()[0] / max(1, os.cpu_count() or 1)
    except OSError:  # no load average on this system
        return 0.0


def measured_when_busy(costs: ModelCosts) -> bool:
    """True when ``costs`` were measured on a busy machine that is much quieter now: every estimate made
    from them would be too long (kept costs measured at load 17 made a 5 s dream "about 15 s")."""
    return costs.load > BUSY and load_per_core() < costs.load / 2


def calibrated(model: str = "lite0", net=None, refresh: bool = False) -> ModelCosts:
    """The kept costs for ``model``, measured (and kept) the first time they are asked for, and again
    when they were measured on a busy machine that is quiet now."""
    costs = StepCosts.load()
    if (refresh or model not in costs.models or costs.models[model].threads != torch.get_num_threads()
            or measured_when_busy(costs.models[model])):
        costs.models[model] = measure(model, net)
        costs.save()
    return costs.models[model]


def calibrate_all(models: Optional[list[str]] = None) -> StepCosts:
    """Measure every model asked for (the app's workers do ``lite0`` at start)."""
    for model in models or ["lite0"]:
        calibrated(model)
    return StepCosts.load()
