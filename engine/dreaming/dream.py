"""Deep Dream: amplify what chosen layers see, octave by octave, keeping the photo's detail."""
from __future__ import annotations

import threading
from typing import Optional

import torch
from PIL import Image

from engine.ascent.loop import PixelCanvas, ascend
from engine.images.pictures import fit_side
from engine.images.seamless import make_tileable
from engine.network import fast
from engine.images.tensors import region_mask, resize, to_pil, to_tensor
from engine.network.models import FeatureNet
from engine.ascent.objectives import Objective, guided, layer_energy, scaled
from engine.progress import FIRST_LOOK_AND_STAGE_ENDS, ProgressFn, Reporter
from engine.images.region import Region
from engine.dreaming.settings import DreamSettings, OctaveSchedule, octave_sizes

GUIDE_SIDE = 320  # guide pictures are looked at this size: enough features, cheap to match


def dream_objective(net: FeatureNet, settings: DreamSettings, base: torch.Tensor,
                    guide: Optional[Image.Image] = None) -> Objective:
    """Weighted layer energies (or guide matches). With several layers each is scaled by its
    size on the photo, so the weights alone decide the mix."""
    for layer in settings.layers:
        net.spec.layer(layer)  # a clear error for unknown layers
    if guide is not None:
        terms = {layer: guided(layer, guide_features(net, guide, layer)) for layer in settings.layers}
    else:
        terms = {layer: layer_energy(layer) for layer in settings.layers}
    if len(terms) == 1:
        return next(iter(terms.values()))
    with torch.no_grad():
        acts = net(base, terms.keys())
        reference = {layer: float(terms[layer](acts).abs().mean()) for layer in terms}
    return sum(settings.layers[layer] * scaled(term, reference[layer]) for layer, term in terms.items())


def guide_features(net: FeatureNet, guide: Image.Image, layer: str) -> torch.Tensor:
    """The guide picture's features at ``layer`` as columns [C, M]."""
    w, h = fit_side(guide.size, GUIDE_SIDE)
    with torch.no_grad():
        acts = net(to_tensor(guide.convert("RGB").resize((w, h), Image.LANCZOS), net.device), [layer])[layer]
    return acts[0].flatten(1)


def deep_dream(image: Image.Image, settings: DreamSettings, net: FeatureNet,
               guide: Optional[Image.Image] = None, on_progress: Optional[ProgressFn] = None,
               cancel: Optional[threading.Event] = None, region: Optional[Region] = None) -> Image.Image:
    """Dream on ``image``; returns a picture of the same size. Progress has one stage per
    octave, with a preview at the end of each and a first look after the smallest octave's first
    steps. With a ``region`` the dream happens only inside it; the rest of the photo stays exactly
    as it was. ``settings.seamless``: the photo is first
    made to tile (``engine.images.seamless.make_tileable``), then dreamt as a torus."""
    if settings.seamless:
        image = make_tileable(image)
    base = to_tensor(image, net.device)
    sizes = octave_sizes(base.shape[2], base.shape[3], settings.octaves, settings.octave_scale)
    objective = dream_objective(net, settings, resize(base, sizes[0]), guide)
    reporter = Reporter(on_progress, cancel, "octave", [h * w for h, w in sizes],
                        previews=FIRST_LOOK_AND_STAGE_ENDS)
    return dream_with_objective(image, objective, settings, net, reporter, region=region)


def dream_with_objective(image: Image.Image, objective: Objective, schedule: OctaveSchedule, net,
                         reporter: Optional[Reporter] = None, region: Optional[Region] = None) -> Image.Image:
    """The octave loop: ascend ``objective`` on ``image`` from the smallest octave to full size,
    carrying the detail the dream added from octave to octave. Octave k is reported as stage k
    of ``reporter`` (counted from its ``first_stage``).
    A ``region`` (resized to every octave) limits the dream to its inside. With ``schedule.seamless``
    the network pads circularly and the steps are smoothed across the edges (rolls always wrap)."""
    with fast.circular_padding(net, schedule.seamless):
        return _octave_loop(image, objective, schedule, net, reporter or Reporter(), region)


def _octave_loop(image: Image.Image, objective: Objective, schedule: OctaveSchedule, net, reporter: Reporter,
                 region: Optional[Region]) -> Image.Image:
    generator = torch.Generator().manual_seed(schedule.seed)
    base = to_tensor(image, net.device)
    sizes = octave_sizes(base.shape[2], base.shape[3], schedule.octaves, schedule.octave_scale)
    detail = torch.zeros_like(resize(base, sizes[0]))
    canvas = None
    for index, size in enumerate(sizes):
        octave_base = resize(base, size)
        mask = region_mask(region, *size, device=net.device) if region is not None else None
        canvas = PixelCanvas((octave_base + resize(detail, size)).clamp(0, 1), schedule.step_size,
                             mask=mask, keep=octave_base, smoothness=schedule.smoothness, wrap=schedule.seamless)
        reporter.watch(lambda canvas=canvas: to_pil(canvas.pixels))
        ascend(canvas, net, objective, steps=schedule.steps, generator=generator, jitter=schedule.jitter,
               tile=schedule.tile, on_step=lambda step, index=index: reporter.step(index, step, schedule.steps),
               check_cancel=reporter.check_cancel)
        detail = canvas.pixels - octave_base
    return to_pil(canvas.pixels)
