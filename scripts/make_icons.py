"""Draw the app icons (a yellow star on the app's red) into static/icons/ with Pillow.

Run once after changing the design: `.venv/bin/python scripts/make_icons.py`. The PNGs are committed.
"""
from __future__ import annotations

import math
from pathlib import Path

from PIL import Image, ImageDraw

RED = (183, 28, 28)
GOLD = (255, 214, 0)
OUT = Path(__file__).resolve().parent.parent / "static" / "icons"
SCALE = 4  # draw large, then downsample: smooth edges without an anti-aliasing library


def star(draw: ImageDraw.ImageDraw, cx: float, cy: float, radius: float) -> None:
    points = []
    for i in range(10):
        r = radius if i % 2 == 0 else radius * 0.382
        angle = -math.pi / 2 + i * math.pi / 5
        points.append((cx + r * math.cos(angle), cy + r * math.sin(angle)))
    draw.polygon(points, fill=GOLD)


def icon(size: int, *, maskable: bool = False, rounded: bool = True) -> Image.Image:
    big = size * SCALE
    img = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    if maskable or not rounded:
        draw.rectangle((0, 0, big, big), fill=RED)
    else:
        draw.rounded_rectangle((0, 0, big - 1, big - 1), radius=big // 5, fill=RED)
    # A maskable icon keeps its drawing inside the central 80 % "safe zone" circle.
    star(draw, big / 2, big * 0.53, big * (0.28 if maskable else 0.36))
    img = img.resize((size, size), Image.LANCZOS)
    return img.convert("RGB") if (maskable or not rounded) else img


def save(img: Image.Image, name: str) -> None:
    path = OUT / name
    # A 32-colour palette keeps the files small; the edges stay smooth (alpha survives for rounded icons).
    img.quantize(colors=32, method=Image.Quantize.FASTOCTREE).save(path, optimize=True)
    print(f"{path.relative_to(OUT.parent.parent)}: {path.stat().st_size} bytes")


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    save(icon(192), "icon-192.png")
    save(icon(512), "icon-512.png")
    save(icon(512, maskable=True), "maskable-512.png")
    save(icon(180, rounded=False), "apple-touch-icon.png")  # iOS rounds the corners itself
    save(icon(32), "favicon-32.png")


if __name__ == "__main__":
    main()
