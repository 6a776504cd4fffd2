"""Time estimates: the kept step costs, the arithmetic per job, the live countdown (no timing here:
benchmarks/bench_estimate.py checks estimates against real jobs)."""
from __future__ import annotations

import pytest

from engine import estimates
from engine.dreaming.palette.data import PaletteFilter
from engine.dreaming.palette.settings import PaletteSettings
from engine.dreaming.presets import preset_settings
from engine.motion.settings import VideoSettings, ZoomSettings
from engine.progress import Progress
from engine.style.settings import StyleSettings
from engine.timing import ModelCosts, StepCosts, countdown, describe_seconds, seconds_left, worth_saying


def costs() -> StepCosts:
    lite0 = ModelCosts(pixels=[96 ** 2, 224 ** 2, 384 ** 2, 640 ** 2], seconds=[0.02, 0.08, 0.25, 0.7],
                       depth={"stem": 0.1, "block7": 0.5, "head": 1.0}, update_per_mpx=0.05, fourier_per_mpx=0.3,
                       threads=2)
    return StepCosts({"lite0": lite0})


def test_costs_are_kept_in_the_cache_folder_and_a_damaged_file_is_ignored(tmp_path, monkeypatch):
    monkeypatch.setenv("DREAMLAB_CACHE_DIR", str(tmp_path))
    assert StepCosts.load().models == {}
    path = costs().save()
    assert path.parent == tmp_path
    assert StepCosts.load().models["lite0"].seconds == [0.02, 0.08, 0.25, 0.7]
    path.write_text("{not json")
    assert StepCosts.load().models == {}


def test_gradient_cost_interpolates_and_shallow_layers_cost_less():
    lite0 = costs().models["lite0"]
    assert lite0.gradient(224 ** 2) == pytest.approx(0.08)
    assert 0.08 < lite0.gradient(300 ** 2) < 0.25
    assert lite0.gradient(1024 ** 2) > lite0.gradient(640 ** 2)
    order = [f"block{i}" for i in range(16)]
    assert lite0.share(["block3"], ["stem", *order, "head"]) < lite0.share(["block12"], ["stem", *order, "head"])


def test_no_estimate_before_the_costs_are_measured():
    assert estimates.dream_seconds(preset_settings("classic"), (640, 480), StepCosts()) is None


def test_bigger_jobs_are_estimated_longer():
    dream = preset_settings("classic")
    small = estimates.dream_seconds(dream, (640, 426), costs())
    large = estimates.dream_seconds(dream, (1280, 852), costs())
    a4 = estimates.print_seconds(dream, (3508, 2333), costs())
    poster = estimates.print_seconds(dream, (4096, 2724), costs())
    assert 0 < small < large < a4 < poster
    zoom = ZoomSettings(legs=[{"block8": 1.0}], frames=36)
    assert estimates.zoom_seconds(zoom, (320, 213), costs()) > estimates.zoom_seconds(
        ZoomSettings(legs=[{"block8": 1.0}], frames=12), (320, 213), costs())
    clip = VideoSettings(layers={"block8": 1.0})
    one, twelve, more = (estimates.clip_seconds(clip, n, (320, 240), costs()) for n in (1, 12, 24))
    assert more - twelve == pytest.approx((twelve - one) * 12 / 11)  # later frames cost alike ...
    assert one - estimates.JOB_START > (twelve - one) / 11  # ... and less than the first (new shapes)
    palette = [[PaletteFilter("block6", 1, 1.0)]]
    assert estimates.palette_seconds(PaletteSettings(), "photo", (512, 341), palette, costs()) > 0
    assert estimates.palette_seconds(PaletteSettings(), "noise", (256, 256), palette, costs()) > 0
    assert estimates.style_seconds(StyleSettings(size=768), (640, 480), 1, costs()) > \
        estimates.style_seconds(StyleSettings(size=384), (640, 480), 1, costs())


def test_style_sizes_are_counted_as_style_transfer_makes_them():
    from engine.style.transfer import scale_sizes, steps_per_scale
    for height, width, scales in ((384, 256, 3), (100, 60, 3), (768, 512, 1)):
        sizes = scale_sizes(height, width, scales)
        assert estimates._scale_sizes(height, width, scales) == sizes
        assert estimates._steps_per_scale(40, scales, len(sizes)) == steps_per_scale(40, scales, len(sizes))


def test_the_countdown_starts_from_the_estimate_and_follows_the_pace():
    assert seconds_left(40.0, 0.0, 0.0) == pytest.approx(40.0)
    assert seconds_left(40.0, 0.5, 40.0) == pytest.approx(40.0)  # half done in 40 s: 40 s to go, whatever the estimate
    assert seconds_left(40.0, 1.0, 55.0) == 0.0
    now = [100.0]
    seen = []
    forward = countdown(seen.append, 40.0, clock=lambda: now[0])
    now[0] = 110.0
    forward(Progress("octave", 0, 4, 1, 10, 0.1))
    assert seen[0].seconds_left == pytest.approx(0.6 * 36.0 + 0.4 * 90.0)
    assert countdown(None, 40.0) is None


def test_estimates_are_said_the_way_a_person_says_them():
    assert describe_seconds(41) == "about 40 s"
    assert describe_seconds(200) == "about 3 min"
    assert describe_seconds(2 * 3600) == "about 2.0 h"
    assert not worth_saying(2.5) and worth_saying(4) and not worth_saying(None)


def test_a_style_print_counts_its_transfer_its_tiles_and_nothing_when_colours_are_kept_only():
    style = StyleSettings(size=384, steps=25, scales=3)
    screen = estimates.style_seconds(style, (640, 427), 1, costs())
    a4 = estimates.style_print_seconds(style, (3508, 2339), 1, costs())
    poster = estimates.style_print_seconds(style, (4096, 2731), 1, costs())
    assert screen < a4 < poster
    # keeping the colours only enlarges the tiles: no L-BFGS on them
    kept = estimates.style_print_seconds(StyleSettings(size=384, steps=25, scales=3, keep_colors=True),
                                         (3508, 2339), 1, costs())
    assert kept < a4 / 3
    assert estimates.style_print_seconds(style, (3508, 2339), 1, StepCosts()) is None


def test_a_palette_print_costs_more_than_the_painting_at_its_working_size():
    palette = [PaletteFilter("block6", 12, 1.0)]
    settings = PaletteSettings()
    small = estimates.palette_seconds(settings, "photo", (1024, 683), [palette], costs())
    printed = estimates.palette_print_seconds(settings, (2048, 1366), [palette], costs())
    assert printed > small * 1.5


def test_finishing_tiles_are_counted_as_the_print_cuts_them():
    from engine.dreaming.printing import tile_boxes
    from engine.images.shapes import FINISH_OVERLAP, FINISH_TILE
    from engine.timing import finish_extents
    for width, height in ((2048, 1362), (4096, 2731), (1179, 2556), (700, 300)):
        boxes = tile_boxes(width, height, FINISH_TILE, FINISH_OVERLAP)
        counted = [(h, w) for h in finish_extents(height) for w in finish_extents(width)]
        assert sorted((len(rows), len(cols)) for rows, cols, _ in boxes) == sorted(counted)


def test_a_busy_moment_in_the_calibration_does_not_price_every_larger_size():
    from engine.calibrate import _rising
    # 512 px measured while the machine was busy (1.8 s): 640 px, measured at 0.9 s, bounds it
    assert _rising([0.04, 0.13, 0.16, 0.5, 1.8, 0.9]) == [0.04, 0.13, 0.16, 0.5, 0.9, 0.9]
    assert _rising([0.1, 0.2, 0.3]) == [0.1, 0.2, 0.3]
