"""Paint DreamLab's built-in style pictures with numpy and Pillow (no downloaded images).

Run ``python assets/styles/make_styles.py`` to (re)create the JPEGs next to this file.
Every picture is seeded, so the output is the same on every machine with the same Pillow.
Each is painted at twice its size and scaled down, which antialiases the strokes.
"""
from __future__ import annotations

import math
import os

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

HERE = os.path.dirname(os.path.abspath(__file__))
W, H = 512, 512  # final size
SS = 2  # supersampling factor


def _rgb(hex_colour: str) -> np.ndarray:
    return np.array([int(hex_colour[i:i + 2], 16) for i in (1, 3, 5)], dtype=np.float64)


def _clip(colour) -> tuple[int, int, int]:
    return tuple(int(v) for v in np.clip(colour, 0, 255))


def _smooth_noise(rng: np.random.Generator, h: int, w: int, cell: int) -> np.ndarray:
    """Value noise in [-1, 1]: random values on a coarse grid, scaled up smoothly."""
    coarse = rng.uniform(-1, 1, (h // cell + 2, w // cell + 2)).astype(np.float32)
    im = Image.fromarray(coarse, mode="F").resize((w + 2 * cell, h + 2 * cell), Image.BICUBIC)
    return np.asarray(im)[cell:cell + h, cell:cell + w]


def _paper(rng: np.random.Generator, h: int, w: int, base: str, grain: float = 10.0) -> np.ndarray:
    """A paper/canvas ground: a base colour with soft blotches and fine grain."""
    ground = np.ones((h, w, 3)) * _rgb(base)
    ground += grain * _smooth_noise(rng, h, w, 64)[..., None]
    ground += grain * 0.6 * rng.normal(0, 1, (h, w, 1))
    return ground


def _finish(canvas: Image.Image, name: str) -> Image.Image:
    picture = canvas.resize((W, H), Image.LANCZOS)
    path = os.path.join(HERE, f"{name}.jpg")
    picture.save(path, quality=88, optimize=True)
    return picture


# --- 1. Swirling night: brush strokes along a vortex flow field (after Van Gogh) ---------------

def swirling_night(seed: int = 1) -> Image.Image:
    rng = np.random.default_rng(seed)
    w, h = W * SS, H * SS
    # Vortices: (x, y, radius, strength) in final-size pixels.
    vortices = [(170, 170, 110, 1.0), (360, 120, 70, -0.8), (420, 260, 60, 0.9), (60, 300, 60, -0.7)]
    orbs = [(430, 80, 42), (110, 70, 24), (280, 40, 16), (230, 250, 14), (40, 170, 14)]
    hills = lambda x: 390 + 25 * math.sin(x / 70.0) + 12 * math.sin(x / 23.0 + 1.0)

    def flow(x: float, y: float) -> tuple[float, float]:
        vx, vy = 1.0, 0.15 * math.sin(x / 60.0)  # a gentle wind to the right
        for cx, cy, r, s in vortices:
            dx, dy = x - cx, y - cy
            d = math.hypot(dx, dy) + 1e-6
            k = s * 2.5 * math.exp(-((d - r * 0.6) / r) ** 2)
            vx, vy = vx - k * dy / d, vy + k * dx / d
        for cx, cy, r in orbs:  # strokes circle the bright stars
            dx, dy = x - cx, y - cy
            d = math.hypot(dx, dy) + 1e-6
            k = 3.0 * math.exp(-((d - r * 1.4) / (r * 0.8)) ** 2)
            vx, vy = vx - k * dy / d, vy + k * dx / d
        if y > hills(x) - 10:  # the hills: slow, rolling strokes
            vx, vy = 1.0, 0.4 * math.sin(x / 40.0 + y / 30.0)
        n = math.hypot(vx, vy) + 1e-6
        return vx / n, vy / n

    palette_sky = [_rgb(c) for c in ("#0d2a6b", "#1b4aa0", "#2f6bc4", "#4c8fd6", "#7fb2e5", "#a9cfe9")]
    yellow = [_rgb(c) for c in ("#f7d23e", "#f2e27a", "#fff6c2", "#e8a92c")]
    earth = [_rgb(c) for c in ("#0e1f1a", "#1d3b2c", "#2b4a3a", "#3d5f6b", "#14305a")]

    def colour(x: float, y: float) -> np.ndarray:
        for cx, cy, r in orbs:
            d = math.hypot(x - cx, y - cy)
            if d < r * 2.2:
                ring = d / (r * 2.2)
                return yellow[int(rng.integers(0, 3))] * (1 - 0.5 * ring) + palette_sky[4] * 0.5 * ring
        if y > hills(x):
            return earth[int(rng.integers(0, len(earth)))]
        band = 0.0
        for cx, cy, r, _ in vortices:
            d = math.hypot(x - cx, y - cy)
            band += math.exp(-((d - r * 0.6) / (r * 0.35)) ** 2) * (0.5 + 0.5 * math.sin(d / 6.0))
        idx = min(len(palette_sky) - 1, int(1.5 + 3.5 * band + rng.normal(0, 0.9) + (y - 200) / 250))
        c = palette_sky[max(0, idx)]
        if band > 0.6 and rng.random() < 0.25:
            c = yellow[1] * 0.7 + c * 0.3
        return c

    canvas = Image.new("RGB", (w, h), _clip(palette_sky[1]))
    draw = ImageDraw.Draw(canvas)
    # Underpainting: big soft strokes, then many small ones on top.
    for width, count, length in ((14, 2500, 9), (9, 7000, 7), (6, 9000, 5)):
        for _ in range(count):
            x, y = rng.uniform(-10, W + 10), rng.uniform(-10, H + 10)
            c = colour(x, y)
            points = [(x * SS, y * SS)]
            for _ in range(length):
                fx, fy = flow(x, y)
                x, y = x + fx * 3.2, y + fy * 3.2
                points.append((x * SS, y * SS))
            shade = rng.uniform(0.8, 1.15)
            draw.line(points, fill=_clip(c * shade * 0.7), width=(width + 2) * SS // 2, joint="curve")
            draw.line(points, fill=_clip(c * shade), width=width * SS // 2, joint="curve")
    # A dark cypress flame on the left, made of upward strokes.
    for _ in range(900):
        t = rng.uniform(0, 1)
        y = 470 - t * 330
        half = 28 * (1 - t) ** 0.8 + 3
        x = 95 + rng.uniform(-half, half) + 10 * math.sin(t * 9)
        c = earth[int(rng.integers(0, 3))] * rng.uniform(0.8, 1.6)
        length = rng.uniform(10, 22)
        bend = rng.uniform(-6, 6)
        pts = [((x + bend * s * s) * SS, (y - length * s) * SS) for s in np.linspace(0, 1, 5)]
        draw.line(pts, fill=_clip(c), width=4 * SS, joint="curve")
    return _finish(canvas, "swirling_night")


# --- 2. Stained glass: a Voronoi mosaic of jewel colours held by dark lead --------------------

def stained_glass(seed: int = 2) -> Image.Image:
    rng = np.random.default_rng(seed)
    w, h = W * SS, H * SS
    # Seeds: a rosette in the middle (rings of cells) plus scattered cells around it.
    seeds = []
    cx, cy = w / 2, h / 2
    for ring, count in ((0, 1), (90, 8), (190, 14), (300, 22)):
        for k in range(count):
            a = 2 * math.pi * k / count + ring * 0.01
            seeds.append((cx + ring * SS * math.cos(a) / 2, cy + ring * SS * math.sin(a) / 2))
    while len(seeds) < 190:
        x, y = rng.uniform(0, w), rng.uniform(0, h)
        if math.hypot(x - cx, y - cy) > 330 * SS / 2:
            seeds.append((x, y))
    seeds = np.array(seeds)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    # Slightly wavy distances so cells are not perfectly straight-edged.
    warp_x = 9 * SS * _smooth_noise(rng, h, w, 48 * SS)
    warp_y = 9 * SS * _smooth_noise(rng, h, w, 48 * SS)
    px, py = xx + warp_x, yy + warp_y
    best = np.full((h, w), np.inf, dtype=np.float32)
    label = np.zeros((h, w), dtype=np.int32)
    for i, (sx, sy) in enumerate(seeds):
        d = (px - sx) ** 2 + (py - sy) ** 2
        closer = d < best
        best[closer] = d[closer]
        label[closer] = i
    jewels = [_rgb(c) for c in ("#b3122e", "#1a3f9e", "#0f7a4a", "#e3a21a", "#6a2a8c", "#d4561c",
                                "#2a8fbf", "#c9b458", "#8c1d5a", "#3c9a3a")]
    colours = np.array([jewels[int(rng.integers(0, len(jewels)))] for _ in seeds])
    # The rosette gets symmetric colours ring by ring.
    colours[0] = _rgb("#e3a21a")
    colours[1:9] = _rgb("#b3122e")
    colours[9:23:2], colours[10:23:2] = _rgb("#1a3f9e"), _rgb("#2a8fbf")
    colours[23:45:2], colours[24:45:2] = _rgb("#0f7a4a"), _rgb("#c9b458")
    picture = colours[label]
    # Light through glass: brighter near each cell's centre, mottled, with fine streaks.
    dist = np.sqrt(best) / (40 * SS)
    glow = 1.25 - 0.45 * np.clip(dist, 0, 1.2)
    mottle = 1 + 0.18 * _smooth_noise(rng, h, w, 10 * SS) + 0.06 * rng.normal(0, 1, (h, w))
    picture = picture * (glow * mottle)[..., None]
    # Lead lines where neighbours differ, thickened.
    edge = np.zeros((h, w), dtype=bool)
    edge[:, 1:] |= label[:, 1:] != label[:, :-1]
    edge[1:, :] |= label[1:, :] != label[:-1, :]
    lead = Image.fromarray((edge * 255).astype(np.uint8)).filter(ImageFilter.MaxFilter(7))
    lead = np.asarray(lead.filter(ImageFilter.GaussianBlur(1.5)), dtype=np.float64)[..., None] / 255
    picture = picture * (1 - lead) + np.array([28, 24, 26]) * lead
    return _finish(Image.fromarray(np.clip(picture, 0, 255).astype(np.uint8)), "stained_glass")


# --- 3. Cubist shards: overlapping shaded facets, outlines and hatching (after Braque) ---------

def cubist_shards(seed: int = 3) -> Image.Image:
    rng = np.random.default_rng(seed)
    w, h = W * SS, H * SS
    palette = [_rgb(c) for c in ("#c8a15a", "#8a6a3e", "#5b4a3a", "#3d4a5c", "#6f7d6a",
                                 "#d9c9a0", "#a0522d", "#2f2a28", "#9aa3a8", "#c46a3a")]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32) / SS
    # The picture plane cut by straight lines into facets; each facet is one shaded plane.
    cuts = []
    for _ in range(16):
        a = rng.uniform(0, math.pi)
        nx, ny = math.cos(a), math.sin(a)
        d = nx * rng.uniform(0.15, 0.85) * W + ny * rng.uniform(0.15, 0.85) * H
        cuts.append((nx, ny, d))
    code = np.zeros((h, w), dtype=np.int64)
    for i, (nx, ny, d) in enumerate(cuts):
        code |= ((xx * nx + yy * ny) > d).astype(np.int64) << i
    _, facet = np.unique(code, return_inverse=True)
    facet = facet.reshape(h, w)
    n = int(facet.max()) + 1
    base = np.array([palette[int(rng.integers(0, len(palette)))] for _ in range(n)])
    angle = rng.uniform(0, 2 * math.pi, n)
    gx, gy = np.cos(angle)[facet], np.sin(angle)[facet]
    t = ((xx - W / 2) * gx + (yy - H / 2) * gy) / (W * 0.35)
    shade = np.clip(1.0 + 0.45 * t + 0.2 * rng.uniform(-1, 1, n)[facet], 0.45, 1.55)
    picture = base[facet] * shade[..., None]
    picture += 9 * _smooth_noise(rng, h, w, 6 * SS)[..., None] + 5 * rng.normal(0, 1, (h, w, 1))
    canvas = Image.fromarray(np.clip(picture, 0, 255).astype(np.uint8))
    draw = ImageDraw.Draw(canvas)
    for _ in range(70):
        # Overlapping shards: translucent thin triangles with one bold edge.
        x, y = rng.uniform(-20, W + 20), rng.uniform(-20, H + 20)
        size = rng.uniform(30, 110)
        a0 = rng.uniform(0, 2 * math.pi)
        pts = [((x + size * math.cos(a0 + da) * r) * SS, (y + size * math.sin(a0 + da) * r) * SS)
               for da, r in ((0, 1.0), (rng.uniform(2.2, 2.8), 0.6), (rng.uniform(3.5, 4.2), 0.7))]
        c = palette[int(rng.integers(0, len(palette)))]
        mask = Image.new("L", (w, h), 0)
        ImageDraw.Draw(mask).polygon(pts, fill=int(rng.uniform(120, 210)))
        canvas.paste(_clip(c * rng.uniform(0.8, 1.2)), mask=mask)
        draw = ImageDraw.Draw(canvas)
        if rng.random() < 0.6:
            draw.line(pts[:2] + pts[2:3], fill=(34, 28, 24), width=int(rng.uniform(2, 4) * SS), joint="curve")
        if rng.random() < 0.4:  # short parallel hatching
            hx, hy = math.cos(a0 + 1.2), math.sin(a0 + 1.2)
            for s in range(-4, 5):
                ox, oy = x + s * 5 * -hy, y + s * 5 * hx
                draw.line([((ox - 12 * hx) * SS, (oy - 12 * hy) * SS), ((ox + 12 * hx) * SS, (oy + 12 * hy) * SS)],
                          fill=_clip(c * 0.5), width=2 * SS)
    # The cuts themselves, drawn as dark lines in places.
    for nx, ny, d in cuts:
        if rng.random() < 0.6:
            px, py = nx * d, ny * d
            s0, s1 = sorted(rng.uniform(-600, 600, 2))
            draw.line([((px - ny * s0) * SS, (py + nx * s0) * SS), ((px - ny * s1) * SS, (py + nx * s1) * SS)],
                      fill=(40, 32, 26), width=2 * SS)
    return _finish(canvas.filter(ImageFilter.GaussianBlur(0.6 * SS)), "cubist_shards")


# --- 4. Great wave: Prussian-blue crests with clawed foam on rice paper (after Hokusai) -------

def great_wave(seed: int = 4) -> Image.Image:
    rng = np.random.default_rng(seed)
    w, h = W * SS, H * SS
    ground = _paper(rng, h, w, "#e9dcc0", grain=7)
    canvas = Image.fromarray(np.clip(ground, 0, 255).astype(np.uint8))
    draw = ImageDraw.Draw(canvas)
    # A pale sun and the distant mountain.
    for k in range(7):  # bands of cloud in the sky
        y = 20 + k * 22 + rng.uniform(-5, 5)
        draw.rectangle([(0, y * SS), (w, (y + rng.uniform(4, 10)) * SS)], fill=(214, 200, 176))
    draw.ellipse([(380 * SS, 40 * SS), (440 * SS, 100 * SS)], fill=(214, 104, 72))
    draw.polygon([(250 * SS, 190 * SS), (320 * SS, 125 * SS), (345 * SS, 122 * SS), (420 * SS, 190 * SS)],
                 fill=(52, 70, 112))
    draw.polygon([(300 * SS, 143 * SS), (320 * SS, 126 * SS), (345 * SS, 124 * SS), (365 * SS, 142 * SS),
                  (345 * SS, 136 * SS), (332 * SS, 145 * SS), (318 * SS, 136 * SS)], fill=(240, 236, 226))
    blues = [_rgb(c) for c in ("#0b2a5b", "#17407a", "#2d5f96", "#5c88b3", "#9dbad3")]
    foam = (246, 242, 230)
    # Rows of waves from back to front; each is a filled crest with stripes and foam claws.
    rows = [(190, 14, 60, 0.6), (235, 24, 90, 0.8), (295, 40, 130, 1.0), (370, 55, 170, 1.1),
            (455, 70, 210, 1.2), (540, 80, 240, 1.3)]
    for row, (base_y, amp, wavelength, scale) in enumerate(rows):
        phase = rng.uniform(0, 2 * math.pi)
        xs = np.arange(-40, W + 41, 2)
        # A crest leans forward: skewed sine with a hook at the top.
        t = 2 * math.pi * xs / wavelength + phase
        crest = base_y - amp * (0.55 * np.sin(t) + 0.45 * np.sin(t) ** 8 + 0.15 * np.sin(2 * t + 0.5))
        body = [(x * SS, y * SS) for x, y in zip(xs, crest)] + [((W + 41) * SS, h), (-40 * SS, h)]
        draw.polygon(body, fill=_clip(blues[min(row, 2)] if row % 2 == 0 else blues[1]))
        # Stripes that follow the crest: alternating blues, the signature of the print.
        for k in range(1, 9):
            offset = k * 7 * scale
            c = blues[1 + (k % 3)] if k % 2 else blues[0]
            line = [(x * SS, (y + offset) * SS) for x, y in zip(xs, crest)]
            draw.line(line, fill=_clip(c), width=int(2.2 * SS * scale), joint="curve")
        # Dark outline and white foam along the crest top.
        draw.line([(x * SS, y * SS) for x, y in zip(xs, crest)], fill=(12, 22, 44), width=int(2 * SS * scale))
        peaks = np.where((crest[1:-1] < crest[:-2]) & (crest[1:-1] <= crest[2:]))[0] + 1
        for p in peaks:
            px, py = xs[p], crest[p]
            # Foam claws: small curling circles fanning forward from the peak.
            for j in range(12):
                a = -math.pi / 2 + j * 0.28
                r = (6 + 9 * j / 12) * scale
                fx = px + r * 1.3 * math.cos(a) + j * 3 * scale
                fy = py + r * math.sin(a) + j * 1.6 * scale
                rad = (5 - j * 0.25) * scale
                draw.ellipse([((fx - rad) * SS, (fy - rad) * SS), ((fx + rad) * SS, (fy + rad) * SS)],
                             fill=foam, outline=(12, 22, 44), width=SS)
        # Spray: white dots above the crests.
        for _ in range(int(60 * scale)):
            i = int(rng.integers(0, len(xs)))
            fx, fy = xs[i] + rng.normal(0, 8), crest[i] - abs(rng.normal(0, 12 * scale))
            rad = rng.uniform(1, 3) * scale
            draw.ellipse([((fx - rad) * SS, (fy - rad) * SS), ((fx + rad) * SS, (fy + rad) * SS)], fill=foam)
    # Faint woodblock texture: the grain of the block printed into the blues.
    picture = np.asarray(canvas, dtype=np.float64)
    grain = _smooth_noise(rng, h, w, 3 * SS) * 10 + np.sin(np.arange(h)[:, None] / (2.1 * SS)) * 4
    picture = picture + grain[..., None]
    return _finish(Image.fromarray(np.clip(picture, 0, 255).astype(np.uint8)), "great_wave")


# --- 5. Pointillist garden: dabs of pure colour side by side (after Seurat) -------------------

def pointillist_garden(seed: int = 5) -> Image.Image:
    rng = np.random.default_rng(seed)
    w, h = W * SS, H * SS
    canvas = Image.new("RGB", (w, h), (236, 230, 210))
    draw = ImageDraw.Draw(canvas)
    # The scene the dots describe: sky, river, a bank of trees, grass.
    sky = [_rgb(c) for c in ("#8fb8e0", "#f1e6a8", "#f2b8c6")]
    river = [_rgb(c) for c in ("#2f6fb0", "#5ea1d6", "#e8e0b0")]
    trees = [_rgb(c) for c in ("#1f5a3a", "#2f7d3a", "#6a8f2e", "#3a3a8a")]
    grass = [_rgb(c) for c in ("#6fae3c", "#c9d14a", "#e39a3a", "#3f8a4a")]

    def region(x: float, y: float) -> list[np.ndarray]:
        shore = 300 + 18 * math.sin(x / 55.0)
        treeline = 200 + 35 * math.sin(x / 37.0) + 20 * math.sin(x / 13.0)
        if y > shore + 60:
            return grass
        if y > shore - 40 and x > 150 + 0.3 * (y - 260):
            return river
        if y > treeline:
            return trees
        return sky

    for radius, count in ((5.0, 6000), (3.6, 14000), (2.6, 14000)):
        for _ in range(count):
            x, y = rng.uniform(0, W), rng.uniform(0, H)
            options = region(x, y)
            c = options[int(rng.integers(0, len(options)))] * rng.uniform(0.85, 1.12)
            if rng.random() < 0.07:  # complementary accents
                c = 255 - c * 0.6
            rx, ry = radius * rng.uniform(0.8, 1.2), radius * rng.uniform(0.7, 1.0)
            draw.ellipse([((x - rx) * SS, (y - ry) * SS), ((x + rx) * SS, (y + ry) * SS)], fill=_clip(c))
    return _finish(canvas, "pointillist_garden")


STYLES = {
    "swirling_night": swirling_night,
    "stained_glass": stained_glass,
    "cubist_shards": cubist_shards,
    "great_wave": great_wave,
    "pointillist_garden": pointillist_garden,
}


if __name__ == "__main__":
    import sys

    for name in sys.argv[1:] or STYLES:
        STYLES[name]()
        path = os.path.join(HERE, f"{name}.jpg")
        print(f"{path}  {os.path.getsize(path) // 1024} KB")
