"""How long a job will take, without torch: step costs measured on this machine, and arithmetic.

``engine.calibrate`` measures, once per model and machine, what one gradient of the network
costs at a few picture sizes (and how much less a shallower layer costs), and what a step's own work
costs per pixel (the smoothing and the update); ``StepCosts`` keeps them in a small JSON file in the
user's cache folder (``~/.cache/dreamlab/step_costs.json``; ``DREAMLAB_CACHE_DIR`` moves it), never in
the repository. The estimates below count a job's gradients exactly as the engine makes them (octave
sizes, tiles, a print's finishing tiles) and price them with those costs.

Why the old Motion estimate was optimistic (36 zoom frames estimated at 15 s took 25 s): it timed one
bare gradient at full size and multiplied by "work" that scaled smaller octaves by their pixels. That
left out (1) the encoding at the end, MP4 and GIF by ffmpeg, priced at 0.05 s a frame: measured 0.14 s a
frame at 320x213 px and 0.40 s at 512x341 (36 frames: 0.9 s MP4 + 4.0 s GIF, 2.8 s + 11.6 s; on the busy
shared machine, load 17, where a bare gradient at 352x234 took 3.9 s), and (2) the first gradient at each
new picture shape, which costs more (6.5 s against 3.9 s there: the convolution library prepares its
kernels), paid by each of the first frame's octaves and excluded from the timing by its warm-up. A
step's own work (smoothing, update) measured only 3% of a bare gradient at 320x213, and a small octave
cost less than its pixel share (0.09 against 0.20), so those were not the cause.
``benchmarks/bench_estimate.py --old-motion`` prints the old estimate next to the new one.

``countdown(on_progress, estimate)`` fills ``Progress.seconds_left`` as steps complete: the estimate at
first, then more and more the pace actually measured.
"""
from __future__ import annotations

import json
import math
import os
import time
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Optional, Sequence

from engine.progress import Progress, ProgressFn

CACHE_ENV = "DREAMLAB_CACHE_DIR"
COSTS_FILE = "step_costs.json"
# Raised whenever the engine's speed changes (costs kept from before would be wrong): kept costs of
# another format are measured again. 2: strided depthwise backward in float32, bfloat16 from 160x160.
# 3: strided convolutions pad by themselves (2026-12-03).
FORMAT = 3
SAY_ABOVE_S = 3.0  # a job shorter than this gets no estimate: it is done before it is read
DEFAULT_TILE = 512


@dataclass
class ModelCosts:
    """One model's measured costs on this machine."""
    pixels: list[int]  # picture sizes measured (pixels, ascending) ...
    seconds: list[float]  # ... and one forward+backward to the deepest layer at each
    depth: dict[str, float]  # layer -> its gradient's cost as a share of the deepest layer's
    update_per_mpx: float  # a pixel step's own work (smoothing, update), seconds per megapixel
    fourier_per_mpx: float  # a Fourier canvas's render + Adam step, seconds per megapixel
    encode_per_mpx: float = 2.0  # an animation's MP4 + GIF (ffmpeg), seconds per megapixel of each frame ...
    encode_start: float = 0.3  # ... plus this once per animation (ffmpeg's start, twice)
    threads: int = 0
    measured_at: float = 0.0
    load: float = 0.0  # the load average per core while measured (a busy machine measures every cost higher)

    def gradient(self, pixels: float, layer_share: float = 1.0) -> float:
        """Seconds for one forward+backward of a picture of ``pixels`` (linear between the sizes
        measured; beyond them along the last two)."""
        xs, ys = self.pixels, self.seconds
        if len(xs) == 1:
            return ys[0] * pixels / xs[0] * layer_share
        k = 1
        while k < len(xs) - 1 and pixels > xs[k]:
            k += 1
        slope = (ys[k] - ys[k - 1]) / (xs[k] - xs[k - 1])
        value = ys[k - 1] + slope * (pixels - xs[k - 1])
        return max(value, ys[0] * min(1.0, pixels / xs[0])) * layer_share

    def share(self, layers: Sequence[str], order: Sequence[str]) -> float:
        """The cost of reaching the deepest of ``layers`` as a share of the whole network's."""
        deepest = max(order.index(layer) for layer in layers) if layers else len(order) - 1
        known = sorted((order.index(name), value) for name, value in self.depth.items() if name in order)
        if not known:
            return 1.0
        for (i0, v0), (i1, v1) in zip(known, known[1:]):
            if i0 <= deepest <= i1:
                return v0 + (v1 - v0) * (deepest - i0) / max(1, i1 - i0)
        return known[0][1] if deepest < known[0][0] else known[-1][1]


@dataclass
class StepCosts:
    """All models' costs, as kept in the cache file."""
    models: dict[str, ModelCosts] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Optional[Path] = None) -> "StepCosts":
        """The kept costs (empty when none were measured yet, or the file is unreadable)."""
        path = path or costs_path()
        try:
            data = json.loads(path.read_text())
            if data.get("format") != FORMAT:
                return cls()
            return cls({name: ModelCosts(**values) for name, values in data["models"].items()})
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            return cls()

    def save(self, path: Optional[Path] = None) -> Path:
        path = path or costs_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps({"format": FORMAT, "models": {k: asdict(v) for k, v in self.models.items()}},
                                        indent=1, sort_keys=True))
        os.replace(temporary, path)  # another process reading it sees the old file or the new one
        return path


def costs_path() -> Path:
    folder = os.environ.get(CACHE_ENV) or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "dreamlab")
    return Path(folder) / COSTS_FILE


# --- counting a job's work ------------------------------------------------------------------

def tiles_of(height: int, width: int, tile: Optional[int]) -> tuple[int, float]:
    """(how many tiles, pixels per tile) as ``engine.ascent.loop.tile_slices`` cuts a picture."""
    if not tile or (height <= tile and width <= tile):
        return 1, float(height * width)
    count = -(-height // tile) * -(-width // tile)
    return count, height * width / count


def step_seconds(costs: ModelCosts, height: int, width: int, share: float, tile: Optional[int] = DEFAULT_TILE,
                 canvas: str = "pixels") -> float:
    """One ascent step on a picture of ``height`` x ``width``: its tiles' gradients and the step's own work."""
    count, per_tile = tiles_of(height, width, tile)
    own = costs.update_per_mpx if canvas == "pixels" else costs.fourier_per_mpx
    return count * costs.gradient(per_tile, share) + own * height * width / 1e6


FIRST_CALL = 0.6  # a picture shape's first gradient costs this much more (the kernels are prepared)


def octave_seconds(costs: ModelCosts, sizes: Sequence[tuple[int, int]], steps: int, share: float,
                   tile: Optional[int] = DEFAULT_TILE, new_shapes: bool = True) -> float:
    """An octave loop: ``steps`` steps at each of ``sizes`` (H, W), each size's first call dearer
    (``new_shapes``: False when the same sizes ran just before, as in an animation's later frames)."""
    total = 0.0
    for h, w in sizes:
        count, per_tile = tiles_of(h, w, tile)
        first = FIRST_CALL * costs.gradient(per_tile, share) if new_shapes else 0.0
        total += steps * step_seconds(costs, h, w, share, tile) + first
    return total


def finish_seconds(costs: ModelCosts, levels: Sequence[tuple[int, int]], share: float,
                   steps: Optional[int] = None) -> float:
    """A print's finish: every tile of every size (W, H), ``steps`` ascent steps each (the print's), on its
    core plus the overlap it reaches into its neighbours; each tile shape's first gradient dearer."""
    from engine.images.shapes import FINISH_STEPS
    steps = FINISH_STEPS if steps is None else steps
    total = 0.0
    for w, h in levels:
        shapes = set()
        for tile_h in finish_extents(h):
            for tile_w in finish_extents(w):
                total += steps * step_seconds(costs, tile_h, tile_w, share, None)
                shapes.add((tile_h, tile_w))
        total += sum(FIRST_CALL * costs.gradient(th * tw, share) for th, tw in shapes)
    return total


def finish_extents(length: int) -> list[int]:
    """The finishing tiles' extents along one side (as ``engine.dreaming.printing.tile_boxes`` cuts it):
    each core, plus the overlap on every side that has a neighbour."""
    from engine.images.shapes import FINISH_OVERLAP, FINISH_TILE
    count = -(-length // FINISH_TILE)
    edges = [round(k * length / count) for k in range(count + 1)]
    return [min(length, b - a + (FINISH_OVERLAP if a > 0 else 0) + (FINISH_OVERLAP if b < length else 0))
            for a, b in zip(edges, edges[1:])]


# --- the live countdown ---------------------------------------------------------------------

def seconds_left(estimate: float, fraction: float, elapsed: float) -> float:
    """What is left of a job ``fraction`` done after ``elapsed`` seconds, first estimated at
    ``estimate``: the estimate's remainder, trusted less and less as the measured pace takes over."""
    fraction = min(max(fraction, 0.0), 1.0)
    planned = estimate * (1 - fraction)
    if fraction <= 0 or elapsed <= 0:
        return planned
    measured = elapsed / fraction * (1 - fraction)
    trust = min(1.0, fraction * 4)  # a quarter of the way in, only the measured pace counts
    return (1 - trust) * planned + trust * measured


def countdown(on_progress: Optional[ProgressFn], estimate: Optional[float],
              clock=time.monotonic) -> Optional[ProgressFn]:
    """``on_progress`` receiving ``Progress.seconds_left`` (from ``estimate`` and the pace so far)."""
    if on_progress is None or estimate is None:
        return on_progress
    started = clock()

    def forward(progress: Progress) -> None:
        on_progress(replace(progress, seconds_left=seconds_left(estimate, progress.fraction, clock() - started)))
    return forward


def describe_seconds(seconds: float) -> str:
    """"about 40 s", "about 3 min", "about 1.5 h": rounded as a person would say it."""
    if seconds < 60:
        return f"about {max(5, int(round(seconds / 5) * 5))} s"
    if seconds < 90 * 60:
        return f"about {max(1, round(seconds / 60))} min"
    return f"about {seconds / 3600:.1f} h"


def worth_saying(seconds: Optional[float]) -> bool:
    return seconds is not None and math.isfinite(seconds) and seconds > SAY_ABOVE_S
