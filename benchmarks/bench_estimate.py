"""Time estimates against the real jobs on this machine: dream, style, palette, print, zoom and clip.

    .venv/bin/python -m benchmarks.bench_estimate [--kept] [--only dream,zoom]

Measures this machine's step costs first (``engine.calibrate``, kept in the user's cache; ``--kept``
uses the kept ones instead: costs measured at another load make every estimate wrong by that load's
factor, which is the calibration's error, not the estimate's), then runs each job once and prints a table: the estimate
(``engine.estimates``), the real time, their ratio, and whether it is within +-35%. It also prints the
old Motion estimate of the zoom (one bare gradient timed at full size, times the "work") next to the
real time, and what it left out (see ``engine.timing``'s docstring). Run it on a quiet machine: other
work slows the jobs after the calibration, and the table then shows the load, not the estimate.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from PIL import Image

from engine.allocation import restart_with_tunables

if __name__ == "__main__":
    restart_with_tunables()  # measured as the app's worker processes run (engine/allocation.py)

from engine import estimates
from engine.catalog import builtin_style_path
from engine.dreaming.palette.data import PaletteFilter
from engine.dreaming.palette.journey import palette_dream
from engine.dreaming.palette.settings import PaletteSettings
from engine.dreaming.presets import preset_settings
from engine.dreaming.printing import print_dream
from engine.dreaming.dream import deep_dream
from engine.images.pictures import fit_side
from engine.images.shapes import print_size
from engine.motion.animate import dream_video, seconds_per_step, zoom_journey
from engine.motion.settings import VideoSettings, ZoomSettings, estimate_seconds, zoom_work
from engine.calibrate import calibrated
from engine.network.models import load_model
from engine.style.settings import StyleSettings
from engine.style.transfer import stylize
from engine.timing import StepCosts, describe_seconds

SAMPLES = Path(__file__).resolve().parent.parent / "assets" / "samples"
TOLERANCE = 0.35
PALETTE = [PaletteFilter("block6", 12, 1.0), PaletteFilter("block9", 40, 0.7), PaletteFilter("block11", 3, 0.5)]


def photo(name: str, side: int) -> Image.Image:
    image = Image.open(SAMPLES / f"{name}.jpg").convert("RGB")
    return image.resize(fit_side(image.size, side), Image.LANCZOS)


def timed(run) -> float:
    started = time.perf_counter()
    run()
    return time.perf_counter() - started


def clip_frames(image: Image.Image, count: int) -> list[Image.Image]:
    """A short pan across the photo: frames of 80% of its size, moving right."""
    w, h = image.size
    fw, fh = int(w * 0.8), int(h * 0.8)
    return [image.crop((k * (w - fw) // max(1, count - 1), 0, k * (w - fw) // max(1, count - 1) + fw, fh))
            for k in range(count)]


SIX = ("dream", "style", "palette", "print", "zoom", "clip")


def jobs(net, costs: StepCosts, wanted=frozenset(SIX)):
    cat, coffee = photo("cat", 640), photo("coffee", 512)
    dream = preset_settings("classic")
    yield "dream", f"{cat.width}x{cat.height}", estimates.dream_seconds(dream, cat.size, costs), \
        lambda: deep_dream(cat, dream, net)

    style = StyleSettings(size=384, steps=25, scales=3)
    wave = Image.open(builtin_style_path("great_wave")).convert("RGB")
    yield "style", "384 px", estimates.style_seconds(style, coffee.size, 1, costs), \
        lambda: stylize(coffee, [wave], settings=style, net=net)

    palette = PaletteSettings()
    yield "palette", f"{coffee.width}x{coffee.height}", \
        estimates.palette_seconds(palette, "photo", coffee.size, [PALETTE], costs), \
        lambda: palette_dream(coffee, PALETTE, palette, net)

    small = photo("cat", 451)
    size = print_size(small.size, 2048)
    yield "print", f"{size[0]}x{size[1]}", estimates.print_seconds(dream, size, costs), \
        lambda: print_dream(small, dream, net, size)

    zoom = ZoomSettings(legs=[{"block8": 1.0}], frames=36)
    frame = photo("cat", 320)
    yield "zoom", f"36 x {frame.width}x{frame.height}", estimates.zoom_seconds(zoom, frame.size, costs), \
        lambda: zoom_journey(frame, zoom, net)

    if "style-print" in wanted:  # a style wallpaper (engine.dreaming.printing.sized_style): minutes, so asked for
        from engine.dreaming.printing import print_style
        from engine.images.shapes import style_work_side
        fast = StyleSettings(size=384, steps=25, scales=3)
        wall = (1920, 1080)
        yield "style-print", f"{wall[0]}x{wall[1]}", estimates.style_print_seconds(fast, wall, 1, costs), \
            lambda: print_style(coffee.resize(wall), [wave], fast, net, wall, work_side=style_work_side(fast.size))

    video = VideoSettings(layers={"block8": 1.0})
    frames = clip_frames(photo("coffee", 400), 12)
    yield "clip", f"12 x {frames[0].width}x{frames[0].height}", \
        estimates.clip_seconds(video, len(frames), frames[0].size, costs), lambda: dream_video(frames, 12.0, video, net)


def old_zoom_estimate(net) -> tuple[float, float, float]:
    """The old Motion estimate of the 36-frame zoom, the bare gradient it was based on, and the real time."""
    zoom = ZoomSettings(legs=[{"block8": 1.0}], frames=36)
    frame = photo("cat", 320)
    step = seconds_per_step(net, zoom.legs[0], frame.height, frame.width)
    return estimate_seconds(zoom_work(zoom, frame.height, frame.width), step), step, 0.0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kept", action="store_true", help="use the kept step costs (default: measure them now)")
    parser.add_argument("--only", default="", help=f"comma-separated jobs (default: {', '.join(SIX)}; "
                                                   "also style-print, a 1920x1080 style wallpaper)")
    parser.add_argument("--old-motion", action="store_true", help="also time the old Motion estimate's zoom")
    args = parser.parse_args(argv)
    wanted = {name for name in args.only.split(",") if name} or set(SIX)
    load = os.getloadavg()[0]
    net = load_model("lite0")
    measured = {}
    calibration = timed(lambda: measured.setdefault("lite0", calibrated("lite0", net, refresh=not args.kept)))
    # the costs this run measured, not the cache file's: another process (a test, the app's worker) may
    # write that file meanwhile, at another load
    costs = StepCosts(measured)
    rows, ok = [], True
    for name, size, estimate, run in jobs(net, costs, wanted):
        if name not in wanted:
            continue
        actual = timed(run)
        ratio = estimate / actual if estimate else float("nan")
        inside = abs(ratio - 1) <= TOLERANCE
        ok &= inside
        rows.append((name, size, estimate, actual, ratio, inside))
        print(f"  {name}: estimated {estimate:.1f} s ({describe_seconds(estimate)}), took {actual:.1f} s", flush=True)
    lite0 = costs.models["lite0"]
    print("\nstep costs: " + ", ".join(f"{round(p ** 0.5)} px {s:.3f} s" for p, s in zip(lite0.pixels, lite0.seconds))
          + f"; encoding {lite0.encode_start:.2f} s + {lite0.encode_per_mpx:.2f} s/Mpx")
    print(f"calibration {calibration:.1f} s (0 when kept from an earlier run); load average at start {load:.1f}, "
          f"now {os.getloadavg()[0]:.1f}\n")
    print("| job | size | estimate (s) | actual (s) | estimate / actual | within +-35% |")
    print("|---|---|---|---|---|---|")
    for name, size, estimate, actual, ratio, inside in rows:
        print(f"| {name} | {size} | {estimate:.1f} | {actual:.1f} | {ratio:.2f} | {'yes' if inside else 'NO'} |")
    if args.old_motion:
        old, step, _ = old_zoom_estimate(net)
        print(f"\nold Motion estimate of the zoom: {old:.1f} s (a bare full-size gradient: {step:.2f} s)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
