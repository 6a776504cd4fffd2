"""The jobs the pages ask for, as engine calls. Runs wherever the job runs (thread, worker process,
Ray task); each process loads a model once (``engine.network.models.load_model`` caches it).

Every task is ``task(on_progress, cancel, **params)`` and returns plain, picklable values.
"""
from __future__ import annotations

from typing import Optional, Sequence

from PIL import Image

from engine.dreaming import filters
from engine.dreaming.settings import FilterSettings
from engine.network.classify import classify
from engine.dreaming.dream import deep_dream
from engine.dreaming.gallery import PaintingCache
from engine.network.models import load_model
from engine.motion.animate import Animation, dream_video, seconds_per_step, zoom_journey
from dreamlab.jobs.convert import dream_settings, palette_settings, style_settings, video_settings, zoom_settings
from engine.progress import Cancelled
from engine.images.region import Region, region_recipe
from engine.dreaming.palette.gif import journey_gif
from engine.dreaming.palette.journey import palette_journey, palette_variations
from engine.dreaming.palette.settings import PaletteSettings
from engine.style.settings import StyleSettings
from engine.motion.clips import gif_bytes, mp4_bytes

PRINT_FROM = 1600  # picture sizes above this are prints (dreamlab.settings' print sizes: 3508, 4096 px)


def dream(on_progress, cancel, image: Image.Image, settings,
          guide: Optional[Image.Image] = None, region: Optional[Region] = None,
          estimate_s: Optional[float] = None) -> dict:
    """A dream at the photo's size, or a print / wallpaper (``Dream.print_side``, ``Dream.wallpaper``)."""
    from engine.dreaming.printing import sized_dream
    from engine.timing import countdown
    chosen = settings
    settings = dream_settings(settings)
    net = load_model(settings.model)
    result, recipe = sized_dream(image, settings, net, getattr(chosen, "print_side", 0) or None,
                                 getattr(chosen, "wallpaper", None), getattr(chosen, "fit", "crop"), guide,
                                 countdown(on_progress, estimate_s), cancel, region, getattr(chosen, "centre", None))
    recipe = {**recipe, "guide": guide is not None}
    return {"before": image, "after": result, "recipe": recipe,
            "seen_before": classify(image, net), "seen_after": classify(result, net)}


def style(on_progress, cancel, image: Image.Image, styles: Sequence[Image.Image], weights: Sequence[float],
          settings, extra_recipe: dict, region: Optional[Region] = None,
          outside_styles: Sequence[Image.Image] = (), estimate_s: Optional[float] = None) -> dict:
    """With a ``region``, ``styles`` paint its inside and ``outside_styles`` (or the photo) its outside.
    A print or wallpaper (``Style.print_side``, ``Style.wallpaper``) is finished tile by tile."""
    from engine.dreaming.printing import sized_style
    from engine.estimates import style_work_share
    from engine.images.shapes import result_size
    from engine.timing import countdown
    chosen = settings
    settings = style_settings(settings)
    net = load_model(settings.model)
    side, shape = getattr(chosen, "print_side", 0) or None, getattr(chosen, "wallpaper", None)
    size = result_size(image.size, side, shape)
    result, recipe = sized_style(image, list(styles), settings, net, list(weights), side, shape,
                                 getattr(chosen, "fit", "crop"), getattr(chosen, "centre", None),
                                 countdown(on_progress, estimate_s), cancel, region, list(outside_styles),
                                 style_work_share(settings, size, len(styles)) if size else None)
    return {"before": image, "after": result, "recipe": {**recipe, **extra_recipe}}


def instant_style(on_progress, cancel, image: Image.Image, styles: Sequence[Image.Image], weights: Sequence[float],
                  settings, extra_recipe: dict, region: Optional[Region] = None,
                  outside_styles: Sequence[Image.Image] = (), builtin=None) -> dict:
    """Instant style (``engine.style.instant``, ``settings`` an ``InstantSettings``): the paintings'
    style vectors, or ``builtin`` (a built-in style's name, or {name: weight}) instead of paintings."""
    from engine.style import instant
    if not isinstance(settings, instant.InstantSettings):  # the page's Style model (quality Instant)
        settings = instant.InstantSettings(size=settings.size, strength=settings.strength,
                                           keep_colors=settings.keep_colors)
    if builtin is not None:
        result = instant.paint_builtin(image, builtin, settings, region=region)
    else:
        result = instant.paint(image, list(styles), list(weights), settings, region=region, outside=list(outside_styles))
    recipe = {**settings.recipe(), **extra_recipe, **region_recipe(region)}
    return {"before": image, "after": result, "recipe": recipe}


def refine_style(on_progress, cancel, image: Image.Image, styles: Sequence[Image.Image], weights: Sequence[float],
                 instant_result: Image.Image, settings: StyleSettings, extra_recipe: dict,
                 region: Optional[Region] = None, outside_styles: Sequence[Image.Image] = ()) -> dict:
    """Gatys started from an instant result (``engine.style.instant.refine``)."""
    from engine.style import instant
    settings = style_settings(settings)
    net = load_model(settings.model)
    result = instant.refine(image, list(styles), instant_result, list(weights), settings, net=net,
                            on_progress=on_progress, cancel=cancel, region=region, outside_styles=list(outside_styles))
    return {"before": image, "after": result,
            "recipe": {**settings.recipe(), **extra_recipe, "refined_from": "instant", **region_recipe(region)}}


def instant_thumbnails(on_progress, cancel, side: int = 160) -> dict:
    """{name: PNG path} of the 26 built-in instant styles (made once, cached outside the repository)."""
    from engine.style import instant
    return {name: str(path) for name, path in instant.builtin_thumbnails(side).items()}


def _before(start) -> Optional[Image.Image]:
    return start if isinstance(start, Image.Image) else None


def palette(on_progress, cancel, start, palettes: list, settings: PaletteSettings,
            region: Optional[Region] = None, estimate_s: Optional[float] = None) -> dict:
    from engine.timing import countdown
    on_progress = countdown(on_progress, estimate_s)
    chosen = settings
    settings = palette_settings(settings)
    side = getattr(chosen, "pixels", 0)
    if isinstance(start, Image.Image) and side > PRINT_FROM:  # a print: painted small, finished tile by tile
        from engine.dreaming.printing import print_palette
        from engine.images.shapes import print_size
        from engine.estimates import palette_work_share
        size = print_size(start.size, side)
        done = print_palette(start, palettes, settings, load_model(settings.model), size, on_progress, cancel,
                             region=region, work_share=palette_work_share(settings, size, palettes))
        return {"before": start, "after": done.image, "recipe": done.recipe, "gif": None}
    journey = len(palettes) > 1
    done = palette_journey(start, palettes, settings, load_model(settings.model), on_progress, cancel,
                           keep_frames=journey, region=region)
    return {"before": _before(start), "after": done.image, "recipe": done.recipe,
            "gif": journey_gif(done.frames) if journey else None}


def variations(on_progress, cancel, start, palettes: list, settings: PaletteSettings,
               numbers: Sequence[int], region: Optional[Region] = None) -> list[dict]:
    settings = palette_settings(settings)
    done = palette_variations(start, palettes, settings, load_model(settings.model), list(numbers),
                              on_progress, cancel, region=region)
    return [{"before": _before(start), "after": j.image, "recipe": j.recipe, "gif": None} for j in done]


_PAINTED = PaintingCache(max_pixels=20_000_000)  # this worker's filter pictures, for the next visitor


def thumbnails(on_progress, cancel, model: str, by_layer: dict, settings: FilterSettings) -> dict:
    """Filter pictures keyed like the gallery's render cache: (model, layer, channel, size, steps, seed)."""
    net = load_model(model)
    found = {}
    for layer, channels in by_layer.items():
        pictures = _PAINTED.render(net, layer, channels, settings, on_progress=on_progress, cancel=cancel)
        found.update({(model, layer, c, settings.size, settings.steps, settings.seed): p
                      for c, p in pictures.items()})
    return found


def large_filter(on_progress, cancel, model: str, layer: str, channel: int, settings: FilterSettings,
                 start: Optional[Image.Image] = None) -> dict:
    """One filter large (grown from ``start``, its thumbnail, when given) and its top classes, keyed
    for the gallery's render cache."""
    net = load_model(model)
    big = filters.visualize_filter(net, layer, channel, settings, on_progress=on_progress, cancel=cancel,
                                   start=start)
    key = (model, layer, channel, settings.size, settings.steps, settings.seed)
    return {key: big, ("top",) + key: classify(big, net, 3)}


def _encoded(animation: Animation) -> dict:
    return {"mp4": mp4_bytes(animation.frames, animation.fps, animation.audio),
            "gif": gif_bytes(animation.frames, animation.fps), "frames": len(animation.frames),
            "last": animation.frames[-1], "recipe": animation.recipe, "stopped": animation.stopped}


def _animation(make) -> dict:
    """Run ``make()`` and encode the MP4 and GIF; a stopped job still encodes the frames made so far."""
    try:
        return _encoded(make())
    except Cancelled as stopped:
        raise Cancelled(_encoded(stopped.partial) if isinstance(stopped.partial, Animation) else None) from None


def zoom(on_progress, cancel, image: Image.Image, settings) -> dict:
    settings = zoom_settings(settings)
    return _animation(lambda: zoom_journey(image, settings, load_model(settings.model), on_progress, cancel))


def video(on_progress, cancel, frames: Sequence[Image.Image], fps: float, settings,
          audio: Optional[bytes] = None) -> dict:
    settings = video_settings(settings)
    return _animation(lambda: dream_video(list(frames), fps, settings, load_model(settings.model),
                                          on_progress, cancel, audio))


def step_seconds(on_progress, cancel, model: str, layers: dict, height: int, width: int) -> float:
    """One Deep Dream step at this size, timed where the jobs run (for the Motion page's estimate)."""
    return seconds_per_step(load_model(model), dict(layers), height, width)


def warm_up(on_progress, cancel, model: str = "lite0") -> bool:
    """Load a model into this process's cache (workers do this before their first job), measure
    this machine's step costs once (kept in the user's cache: later starts only read them), and
    warm the kernels a press needs."""
    from engine.calibrate import calibrated
    net = load_model(model)
    calibrated(model, net)
    warm_kernels(net, cancel)
    return True


WARM_PICTURE = (800, 600)  # a Medium dream of a 4:3 photo: its octaves, tiles and buffers


def warm_kernels(net, cancel=None) -> None:
    """A one-step dream with the Deep Dream page's own first settings, and a few steps of a filter
    picture. The first call of each path prepares its kernels and buffers, and the first dream job
    imports the page's settings (0.4 s): measured, the first Medium dream after a start took 8.4 s
    and the next ones 4.7 s. Calibration does not do it: after the first start it only reads its costs."""
    from dreamlab.settings.jobs import Dream  # what every dream job's settings unpickle into
    first = Dream()
    if first.model == net.spec.name:
        photo = Image.radial_gradient("L").resize(WARM_PICTURE).convert("RGB")  # any picture will do
        dream(None, cancel, photo, first.model_copy(update={"steps": 1}))
    filters.visualize_filters(net, net.stage_names[-1], [0], FilterSettings(size=64, steps=2), cancel=cancel)


TASKS = {f.__name__: f for f in (dream, style, palette, variations, thumbnails, large_filter, zoom, video,
                                  step_seconds, warm_up, instant_style, refine_style,
                                  instant_thumbnails)}
