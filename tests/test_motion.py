"""Zoom journeys and dreamed clips on tiny pictures with the real Lite0 (fixed seeds)."""
import threading

import numpy as np
import pytest
from PIL import Image

from engine.motion.animate import Animation, dream_video, flicker, guided_start, optical_flow, seconds_per_step, warp, zoom_into, zoom_journey
from engine.motion.settings import VideoSettings, ZoomSettings, describe_duration, estimate_seconds, video_work, zoom_work
from engine.progress import Cancelled
from tests.conftest import gradient_picture
from tests.make_clips import moving_ball, moving_frames

pytestmark = pytest.mark.usefixtures("one_torch_thread")


def tiny_zoom(**changes) -> ZoomSettings:
    settings = dict(legs=[{"block3": 1.0}], frames=4, steps=1, first_octaves=1, first_steps=2, step_size=0.02,
                    jitter=4, fps=4)
    return ZoomSettings(**{**settings, **changes})


def grey(image):
    return np.asarray(image.convert("RGB"), dtype=np.float32)


def test_zoom_into_magnifies_around_the_centre():
    image = Image.new("RGB", (64, 64), "black")
    image.paste((255, 255, 255), (40, 30, 42, 34))  # a dot 9 px right of the centre
    zoomed = grey(zoom_into(image, 2.0))[..., 0]
    ys, xs = np.nonzero(zoomed > 128)
    assert 48 <= xs.mean() <= 52  # 32 + 2 * 9 = 50
    assert 29 <= ys.mean() <= 33


def test_pan_and_rotation_move_the_picture():
    picture = gradient_picture(64, 48)
    panned = grey(zoom_into(picture, 1.0, pan=(0.125, 0.0)))
    assert np.abs(panned[:, :40] - grey(picture)[:, 8:48]).mean() < 1  # moving right shows what was right
    turned = zoom_into(picture, 1.0, rotate=90)
    assert np.abs(grey(turned) - grey(picture)).mean() > 10


def test_zoom_journey_makes_frames_that_fall_into_the_dream(lite0, small_picture):
    events = []
    journey = zoom_journey(small_picture, tiny_zoom(), lite0, on_progress=events.append)
    assert isinstance(journey, Animation) and len(journey.frames) == 4 and journey.fps == 4
    assert all(frame.size == small_picture.size for frame in journey.frames)
    assert np.abs(grey(journey.frames[0]) - grey(small_picture)).mean() > 1  # the first frame is dreamed
    assert flicker(journey.frames) > 1  # and the camera moves
    previews = [e for e in events if e.preview is not None]
    assert [e.stage_index for e in previews] == [0, 1, 2, 3] and previews[-1].fraction == 1.0
    assert all(e.stage == "frame" and e.stage_count == 4 for e in events)
    again = zoom_journey(small_picture, tiny_zoom(), lite0)
    assert np.array_equal(grey(again.frames[-1]), grey(journey.frames[-1]))  # same seed, same journey
    assert journey.recipe["kind"] == "zoom" and journey.recipe["frames"] == 4


def test_the_layers_change_along_the_way(lite0, small_picture):
    settings = tiny_zoom(legs=[{"block3": 1.0}, {"block8": 1.0}])
    assert [settings.leg_of(i) for i in range(4)] == [0, 0, 1, 1]
    one_leg = zoom_journey(small_picture, tiny_zoom(), lite0)
    two_legs = zoom_journey(small_picture, settings, lite0)
    assert np.array_equal(grey(one_leg.frames[1]), grey(two_legs.frames[1]))
    assert not np.array_equal(grey(one_leg.frames[3]), grey(two_legs.frames[3]))


def test_stop_keeps_the_frames_made_so_far(lite0, small_picture):
    cancel = threading.Event()

    def stop_after_two(progress):
        if progress.preview is not None and progress.stage_index == 1:
            cancel.set()
    with pytest.raises(Cancelled) as stopped:
        zoom_journey(small_picture, tiny_zoom(frames=5), lite0, on_progress=stop_after_two, cancel=cancel)
    partial = stopped.value.partial
    assert isinstance(partial, Animation) and partial.stopped and len(partial.frames) == 2
    assert partial.recipe["frames_made"] == 2


def test_stop_before_any_frame_carries_nothing(lite0, small_picture):
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(Cancelled) as stopped:
        dream_video(moving_frames(3, 64, 48), 3, VideoSettings({"block3": 1.0}, steps=1, octaves=1), lite0,
                    cancel=cancel)
    assert stopped.value.partial is None


def test_bad_settings_are_refused(lite0, small_picture):
    with pytest.raises(ValueError, match="layer"):
        zoom_journey(small_picture, tiny_zoom(legs=[{}]), lite0)
    with pytest.raises(ValueError, match="same size"):
        dream_video([small_picture, small_picture.resize((64, 48))], 2, VideoSettings({"block3": 1.0}), lite0)


def test_optical_flow_follows_a_moving_camera():
    frames = moving_frames(2, 96, 64, step=(3, 1), noise=0)
    flow = optical_flow(frames[0], frames[1])
    inner = flow[12:-12, 12:-12]
    assert np.median(inner[..., 0]) == pytest.approx(3, abs=0.3)
    assert np.median(inner[..., 1]) == pytest.approx(1, abs=0.3)
    moved = warp(frames[0], flow)
    assert np.abs(grey(moved) - grey(frames[1]))[12:-12, 12:-12].mean() < 3
    assert np.abs(grey(frames[0]) - grey(frames[1]))[12:-12, 12:-12].mean() > 8


def test_a_frame_starts_from_its_photo_blended_with_the_moved_previous_dream():
    photos = moving_frames(2, 64, 48, noise=0)
    assert guided_start(photos[1], photos[0], photos[0], blend=0.0) is photos[1]
    start = guided_start(photos[1], photos[0], photos[0], blend=0.7)  # the "dream" was the photo itself
    assert np.abs(grey(start) - grey(photos[1]))[8:-8, 8:-8].mean() < 2


def test_motion_guided_start_flickers_clearly_less(lite0):
    """Flicker = mean absolute difference between consecutive dreamed frames. A camera on a tripod
    films a ball rolling by (with sensor noise, as real cameras have). Dreaming every frame on its
    own flickers; starting each frame from its photo blended with the previous dream, moved along
    the optical flow, is much steadier. Also measured with the scene's own motion taken out (the
    previous frame moved along the flow before comparing), where blending without following the
    motion is worse than following it."""
    photos = moving_ball(5, 96, 64)
    settings = dict(layers={"block8": 1.0}, octaves=1, steps=2, step_size=0.02, jitter=8)
    alone = dream_video(photos, 5, VideoSettings(**settings, blend=0.0), lite0).frames
    guided = dream_video(photos, 5, VideoSettings(**settings, blend=0.7), lite0).frames
    unmoved = dream_video(photos, 5, VideoSettings(**settings, blend=0.7, follow_motion=False), lite0).frames

    def compensated(frames):
        return float(np.mean([np.abs(grey(warp(frames[i - 1], optical_flow(photos[i - 1], photos[i])))
                                     - grey(frames[i]))[6:-6, 6:-6].mean() for i in range(1, len(frames))]))
    scene = flicker(photos)
    print(f"flicker (grey levels): photos {scene:.2f}, dreamed alone {flicker(alone):.2f}, "
          f"guided {flicker(guided):.2f}; motion taken out: alone {compensated(alone):.2f}, "
          f"guided {compensated(guided):.2f}, blended without following the motion {compensated(unmoved):.2f}")
    assert flicker(guided) < 0.8 * flicker(alone)
    assert flicker(guided) - scene < 0.5 * (flicker(alone) - scene)  # what the dream adds to the scene's change
    assert compensated(guided) < 0.6 * compensated(alone)
    assert compensated(guided) < compensated(unmoved)  # following the motion is what helps
    strength = [np.abs(grey(frames[-1]) - grey(photos[-1])).mean() for frames in (alone, guided)]
    assert strength[1] > 0.8 * strength[0]  # as strong a dream: steadier, not just fainter


def test_the_estimate_counts_every_frame(lite0):
    zoom = tiny_zoom(frames=10, first_octaves=3, first_steps=8, steps=2)
    work = zoom_work(zoom, 96, 128)
    assert len(work) == 10 and work[1:] == [2.0] * 9 and 8 < work[0] < 3 * 8
    clip_work = video_work(VideoSettings({"block3": 1.0}, octaves=1, steps=3), 7, 96, 128)
    assert clip_work == [3.0] * 7
    step = seconds_per_step(lite0, {"block3": 1.0}, 48, 64)
    assert 0 < step < 5
    assert estimate_seconds(work, 0.5) == pytest.approx(0.5 * sum(work) + 0.05 * 10)
    assert describe_duration(12) == "about 10 seconds" and describe_duration(600) == "about 10 minutes"
