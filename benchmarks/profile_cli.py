"""Where the time of one ``dreamlab`` command goes, phase by phase, in one process.

    .venv/bin/python -m benchmarks.profile_cli dream PHOTO OUT.png --layers block10 --octaves 4 --steps 10
    .venv/bin/python -m benchmarks.profile_cli style PHOTO assets/styles/swirling_night.jpg OUT.png --size 384

Runs the command exactly as ``python -m dreamlab.cli`` would, with a stopwatch around each phase: imports,
reading the photo, loading the model, the network's forward and backward passes, the smoothing
blur, writing the PNG; "everything else" is what is left (tiles, jitter, optimiser updates,
rescaling between octaves, progress). Wall seconds: run it on a quiet machine.
"""
from __future__ import annotations

import sys
import time
from collections import defaultdict
from contextlib import contextmanager

SPENT: dict[str, float] = defaultdict(float)
_depth = [0]


@contextmanager
def phase(name: str):
    """Time a phase; a phase inside another one (a forward inside the model load) counts once."""
    _depth[0] += 1
    start = time.perf_counter()
    try:
        yield
    finally:
        _depth[0] -= 1
        if _depth[0] == 0:
            SPENT[name] += time.perf_counter() - start


def timed(name: str, fn):
    def wrapper(*args, **kwargs):
        with phase(name):
            return fn(*args, **kwargs)
    return wrapper


def patch(module, attribute: str, name: str) -> None:
    setattr(module, attribute, timed(name, getattr(module, attribute)))


def main(argv: list[str]) -> None:
    from engine.allocation import restart_with_tunables
    restart_with_tunables()  # as the ``dreamlab`` command does before anything large is imported
    start = time.perf_counter()
    with phase("import (torch, engine, command line)"):
        import torch
        import dreamlab.cli.common
        import dreamlab.cli.dream
        import dreamlab.cli.main
        import dreamlab.cli.style
        import engine.ascent.loop
        import engine.network.models
    patch(engine.network.models.FeatureNet, "forward", "network forward")
    patch(torch.autograd, "grad", "network backward")
    patch(engine.ascent.loop, "smooth_gradient", "smoothing blur")
    for module in (dreamlab.cli.dream, dreamlab.cli.style):
        patch(module, "save_png", "write PNG")
        patch(module, "open_image", "read photo")
    patch(dreamlab.cli.dream, "model_for", "load model")
    patch(dreamlab.cli.common, "model_for", "load model")  # the style command imports it when it runs
    status = dreamlab.cli.main.main(argv)
    total = time.perf_counter() - start
    print(f"\n{'phase':<40} {'seconds':>8} {'share':>6}")
    for name, seconds in sorted(SPENT.items(), key=lambda item: -item[1]):
        print(f"{name:<40} {seconds:>8.2f} {seconds / total:>6.0%}")
    rest = total - sum(SPENT.values())
    print(f"{'everything else':<40} {rest:>8.2f} {rest / total:>6.0%}")
    print(f"{'whole command':<40} {total:>8.2f}")
    sys.exit(status)


if __name__ == "__main__":
    main(sys.argv[1:])
