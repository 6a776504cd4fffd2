"""Before/after pictures of painted regions for the README (docs/regions/*.png).

Each picture is three panels: the photo, the region (a quick start, shown in pink), the result.
With --screenshot it also photographs the painter in the running app (headless Chromium):
Deep Dream, the rocket sample, quick start "Sky", one brush stroke.
    .venv/bin/python docs/make_region_examples.py [--screenshot]
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from engine.dreaming.dream import deep_dream  # noqa: E402
from engine.images.pictures import fit_side  # noqa: E402
from engine.network.models import load_model  # noqa: E402
from engine.dreaming.palette.journey import palette_dream  # noqa: E402
from engine.dreaming.palette.settings import PaletteSettings  # noqa: E402
from engine.dreaming.presets import preset_settings  # noqa: E402
from engine.images.region import Region, auto_region  # noqa: E402
from engine.images.tensors import region_mask  # noqa: E402
from engine.style.transfer import builtin_style_path, stylize
from engine.style.settings import StyleSettings  # noqa: E402

OUT = ROOT / "docs" / "regions"
SIDE = 448
TINT = np.array([255, 64, 129], np.float32)


def sample(name: str) -> Image.Image:
    photo = Image.open(ROOT / "assets" / "samples" / f"{name}.jpg").convert("RGB")
    return photo.resize(fit_side(photo.size, SIDE), Image.LANCZOS)


def overlay(photo: Image.Image, region: Region) -> Image.Image:
    mask = region_mask(region, photo.size[1], photo.size[0])[0, 0].numpy()[..., None] * 0.55
    mixed = np.asarray(photo, np.float32) * (1 - mask) + TINT * mask
    return Image.fromarray(mixed.astype(np.uint8))


def panels(pictures: list[tuple[str, Image.Image]]) -> Image.Image:
    w, h = pictures[0][1].size
    sheet = Image.new("RGB", (len(pictures) * w + (len(pictures) - 1) * 8, h + 28), "white")
    draw = ImageDraw.Draw(sheet)
    for i, (label, picture) in enumerate(pictures):
        x = i * (w + 8)
        sheet.paste(picture.resize((w, h), Image.LANCZOS), (x, 28))
        draw.text((x + 4, 7), label, fill=(30, 30, 30))
    return sheet


def dream_sky(net) -> None:
    photo = sample("rocket")
    region = Region.from_mask(auto_region(photo, "sky").levels, feather=0.02)
    settings = preset_settings("classic", "lite0")
    result = deep_dream(photo, settings, net, region=region)
    panels([("photo", photo), ("region: quick start 'Sky'", overlay(photo, region)),
            ("Deep Dream (Classic) in the sky only", result)]).save(OUT / "dream_sky.jpg", quality=88)


def style_two_paintings(net) -> None:
    photo = sample("coffee")
    region = Region.from_mask(auto_region(photo, "subject").levels, feather=0.02)
    glass = Image.open(builtin_style_path("stained_glass")).convert("RGB")
    wave = Image.open(builtin_style_path("great_wave")).convert("RGB")
    settings = StyleSettings(size=SIDE, steps=30, scales=3, strength=0.6)
    result = stylize(photo, [glass], settings=settings, net=net, region=region, outside_styles=[wave])
    panels([("photo", photo), ("region: quick start 'Subject (centre)'", overlay(photo, region)),
            ("stained glass inside, great wave outside", result)]).save(OUT / "style_two_paintings.jpg", quality=88)


def palette_subject(net) -> None:
    photo = sample("cat")
    region = Region.from_mask(auto_region(photo, "subject").levels, feather=0.05)
    result = palette_dream(photo, [("block8", 12, 1.0), ("block5", 3, 0.6)], PaletteSettings(), net, region=region)
    panels([("photo", photo), ("region: quick start 'Subject (centre)', soft edge", overlay(photo, region)),
            ("Hybrid Palette block8:12 + block5:3 inside only", result)]).save(OUT / "palette_subject.jpg", quality=88)


def painter_screenshot() -> None:
    from playwright.sync_api import sync_playwright

    from benchmarks.load_test import CHROMIUM_ARGS, start_server
    from tests.conftest import wait_for_app

    proc, url = start_server({})
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1100, "height": 1400})
            page.set_default_timeout(120_000)
            page.goto(f"{url}/deep_dream")
            wait_for_app(page)
            page.locator("[data-testid='stSelectbox']").filter(has_text="Sample picture").click()
            page.get_by_role("option", name="rocket.jpg").click()
            wait_for_app(page)
            expander = page.locator("details").filter(has_text="Paint a region (optional)")
            expander.locator("summary").click()
            page.get_by_role("button", name="Sky", exact=True).click()
            wait_for_app(page)
            stage = page.locator(".dl-region .dl-stage")
            box = stage.bounding_box()
            page.mouse.move(box["x"] + box["width"] * 0.45, box["y"] + box["height"] * 0.9)
            page.mouse.down()
            page.mouse.move(box["x"] + box["width"] * 0.55, box["y"] + box["height"] * 0.75, steps=10)
            page.mouse.up()
            wait_for_app(page)
            page.wait_for_timeout(1500)
            expander.screenshot(path=str(OUT / "painter.png"))
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=20)


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    if "--screenshot" in sys.argv:
        painter_screenshot()
        print("wrote painter")
        raise SystemExit
    model = load_model("lite0", device="cpu")
    for make in (dream_sky, style_two_paintings, palette_subject):
        make(model)
        print("wrote", make.__name__)
