"""``dreamlab filter`` and ``dreamlab gallery-build``: one filter's picture, the precomputed gallery."""
from __future__ import annotations

import time
from pathlib import Path

from engine.dreaming.filters import visualize_filter
from engine.dreaming.gallery import build_gallery
from engine.dreaming.gallery_files import GALLERY_DIR
from engine.dreaming.settings import GallerySettings
from engine.images.pictures import save_png
from engine.network.models import MODELS

from dreamlab.cli.common import UserError, model_for, positive_int, progress_bar
from dreamlab.cli.flags import add_flags, build, given
from dreamlab.jobs.convert import filter_settings
from dreamlab.settings.gallery import Filter


def cmd_filter(args) -> None:
    if args.layer is None or args.channel is None:
        raise UserError("give the filter: --layer LAYER --channel NUMBER")
    chosen = build(Filter, given(Filter, args), UserError)  # an unknown layer or filter number: one line
    settings = filter_settings(chosen)
    net = model_for(chosen.model, [chosen.layer])
    picture = visualize_filter(net, chosen.layer, chosen.channel, settings, on_progress=progress_bar())
    save_png(picture, args.out, settings.recipe(chosen.model, chosen.layer, chosen.channel))
    print(args.out)


def cmd_gallery_build(args) -> None:

    net = model_for(args.model, args.layers or [])
    settings = GallerySettings(model=args.model, size=args.size, steps=args.steps, seed=args.seed)
    started = time.monotonic()
    build_gallery(net, args.out, settings, args.layers, batch_size=args.batch_size, force=args.force,
                  log=lambda line: print(line, flush=True), on_progress=progress_bar() if args.progress else None)
    print(f"done in {time.monotonic() - started:.0f} s: {Path(args.out) / args.model}", flush=True)


def add_parser(commands) -> None:
    """Register ``filter`` and ``gallery-build`` with the command line."""

    p = commands.add_parser("filter", help="paint what one filter of one layer detects")
    p.add_argument("out")
    add_flags(p, Filter)  # --layer, --channel, --model, --size, --steps, --seed from the settings
    p.set_defaults(run=cmd_filter)

    gallery = GallerySettings()
    p = commands.add_parser("gallery-build", help="precompute the Filter Gallery's thumbnails")
    p.add_argument("--model", default="lite0", choices=list(MODELS))
    p.add_argument("--out", default=str(GALLERY_DIR), help="folder (the model gets a subfolder)")
    p.add_argument("--layers", type=lambda t: [s for s in t.split(",") if s], help="LAYER,... (default: all but head)")
    p.add_argument("--size", type=positive_int, default=gallery.size)
    p.add_argument("--steps", type=positive_int, default=gallery.steps)
    p.add_argument("--seed", type=int, default=gallery.seed)
    p.add_argument("--batch-size", type=positive_int, default=16)
    p.add_argument("--force", action="store_true", help="rebuild the chosen layers even if already built")
    p.add_argument("--progress", action="store_true", help="show a progress bar per layer")
    p.set_defaults(run=cmd_gallery_build)
