"""Generate the sample illustrations used by the Newsroom sample posts.

Writes eight 1200x675 (16:9) abstract JPEG images, without any text, to
static/samples/ (relative to the repository root):

    chip.jpg      semiconductor die with pins        (芯片 / 半导体)
    chart.jpg     rising market chart with bars      (市场 / 盈利)
    skyline.jpg   city skyline at dusk               (房地产 / 宏观)
    turbine.jpg   wind turbines on a hill            (新能源)
    ship.jpg      container ship on the sea          (出口 / 外贸)
    coins.jpg     stacks of coins                    (央行 / 货币)
    cloud.jpg     server racks under a cloud         (云计算 / 人工智能)
    car.jpg       electric car with charging plug    (汽车)

Regenerate with:  .venv/bin/python samples/make_images.py
Output is deterministic (no randomness), so files only change with the code.
"""
import math
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

W, H = 1200, 675
OUT = Path(__file__).resolve().parent.parent / "static" / "samples"


def gradient(top, bottom):
    """Vertical linear gradient between two RGB colours."""
    img = Image.new("RGB", (W, H))
    d = ImageDraw.Draw(img)
    for y in range(H):
        t = y / (H - 1)
        d.line([(0, y), (W, y)], fill=tuple(round(a + (b - a) * t) for a, b in zip(top, bottom)))
    return img


def chip(d):
    cx, cy, s = W // 2, H // 2, 150
    for i in range(-4, 5):  # pins on four sides
        o = i * 32
        d.rectangle([cx + o - 8, cy - s - 50, cx + o + 8, cy - s], fill=(196, 176, 120))
        d.rectangle([cx + o - 8, cy + s, cx + o + 8, cy + s + 50], fill=(196, 176, 120))
        d.rectangle([cx - s - 50, cy + o - 8, cx - s, cy + o + 8], fill=(196, 176, 120))
        d.rectangle([cx + s, cy + o - 8, cx + s + 50, cy + o + 8], fill=(196, 176, 120))
    d.rounded_rectangle([cx - s, cy - s, cx + s, cy + s], 18, fill=(44, 58, 74))
    d.rounded_rectangle([cx - 80, cy - 80, cx + 80, cy + 80], 8, outline=(120, 170, 190), width=4)
    for k in range(-60, 61, 30):  # die traces
        d.line([(cx - 60, cy + k), (cx + 60, cy + k)], fill=(90, 130, 150), width=2)


def chart(d):
    for i, h in enumerate([120, 160, 140, 210, 190, 260, 300, 280, 350, 400]):
        x = 120 + i * 100
        d.rectangle([x, H - 80 - h, x + 56, H - 80], fill=(120, 150, 170))
    pts = [(148 + i * 100, H - 130 - h) for i, h in enumerate([130, 170, 150, 230, 200, 280, 320, 300, 380, 440])]
    d.line(pts, fill=(214, 96, 77), width=7, joint="curve")
    for x, y in pts:
        d.ellipse([x - 9, y - 9, x + 9, y + 9], fill=(214, 96, 77))
    d.line([(90, H - 80), (W - 90, H - 80)], fill=(70, 80, 90), width=3)


def skyline(d):
    d.ellipse([860, 90, 980, 210], fill=(240, 200, 150))
    heights = [220, 300, 180, 380, 260, 330, 420, 240, 310, 200, 350, 270]
    for i, h in enumerate(heights):
        x = i * 100
        d.rectangle([x, H - h, x + 90, H], fill=(52, 60, 82))
        for wy in range(H - h + 20, H - 20, 36):  # lit windows
            for wx in range(x + 14, x + 80, 26):
                if (wx + wy + i) % 3 == 0:
                    d.rectangle([wx, wy, wx + 12, wy + 16], fill=(232, 204, 140))


def turbine(d):
    d.ellipse([-200, 470, 1400, 1000], fill=(120, 150, 110))
    for cx, cy, r, a0 in [(380, 230, 150, 10), (800, 300, 110, 40)]:
        d.polygon([(cx - 8, cy), (cx + 8, cy), (cx + 16, H), (cx - 16, H)], fill=(236, 238, 240))
        for k in range(3):
            a = math.radians(a0 + k * 120)
            tip = (cx + r * math.cos(a), cy + r * math.sin(a))
            side = (cx + 18 * math.cos(a + 1.4), cy + 18 * math.sin(a + 1.4))
            d.polygon([(cx, cy), side, tip], fill=(236, 238, 240))
        d.ellipse([cx - 14, cy - 14, cx + 14, cy + 14], fill=(200, 205, 210))


def ship(d):
    d.rectangle([0, 470, W, H], fill=(58, 96, 124))
    d.polygon([(220, 400), (1000, 400), (940, 500), (280, 500)], fill=(60, 64, 72))
    colours = [(196, 92, 72), (82, 126, 150), (214, 170, 90), (110, 140, 100)]
    for row in range(3):
        for col in range(9):
            x, y = 300 + col * 62, 340 - row * 46
            d.rectangle([x, y, x + 58, y + 42], fill=colours[(row + col) % 4])
    d.rectangle([880, 250, 950, 400], fill=(230, 230, 226))
    for y in range(530, H, 40):
        d.line([(0, y), (W, y)], fill=(80, 120, 146), width=3)


def coins(d):
    for sx, n in [(330, 6), (560, 10), (790, 8)]:
        for k in range(n):
            y = 560 - k * 30
            d.ellipse([sx - 90, y - 26, sx + 90, y + 26], fill=(176, 140, 72))
            d.ellipse([sx - 90, y - 34, sx + 90, y + 18], fill=(214, 178, 98), outline=(176, 140, 72), width=3)
    d.ellipse([470, 60, 650, 240], fill=(214, 178, 98), outline=(176, 140, 72), width=6)
    d.rectangle([547, 125, 573, 175], fill=(176, 140, 72))  # square hole, like a traditional coin


def cloud(d):
    for cx, cy, r in [(480, 180, 90), (600, 150, 120), (730, 190, 85)]:
        d.ellipse([cx - r, cy - r, cx + r, cy + r], fill=(236, 240, 246))
    d.rounded_rectangle([380, 170, 820, 272], 50, fill=(236, 240, 246))
    for i in range(4):
        x = 300 + i * 160
        d.rectangle([x, 340, x + 120, 620], fill=(48, 60, 78))
        for y in range(360, 600, 40):
            d.rectangle([x + 12, y, x + 108, y + 26], fill=(70, 86, 108))
            d.ellipse([x + 90, y + 9, x + 100, y + 19], fill=(110, 200, 160))
        d.line([(x + 60, 340), (x + 60, 280)], fill=(160, 176, 196), width=4)


def car(d):
    d.rectangle([0, 540, W, H], fill=(90, 96, 104))
    d.rounded_rectangle([260, 360, 900, 500], 50, fill=(72, 126, 150))
    d.polygon([(380, 370), (470, 270), (700, 270), (800, 370)], fill=(72, 126, 150))
    d.polygon([(410, 365), (485, 290), (580, 290), (580, 365)], fill=(196, 216, 226))
    d.polygon([(600, 365), (600, 290), (690, 290), (760, 365)], fill=(196, 216, 226))
    for x in (390, 770):
        d.ellipse([x - 62, 440, x + 62, 564], fill=(40, 44, 50))
        d.ellipse([x - 28, 474, x + 28, 530], fill=(160, 166, 172))
    d.rectangle([1010, 300, 1070, 540], fill=(230, 232, 228))  # charging post
    d.line([(1040, 380), (980, 420), (900, 420)], fill=(110, 200, 160), width=8)


SCENES = {
    "chip": (chip, (34, 48, 66), (78, 104, 124)),
    "chart": (chart, (236, 232, 222), (206, 212, 214)),
    "skyline": (skyline, (112, 96, 136), (226, 160, 128)),
    "turbine": (turbine, (150, 186, 210), (222, 230, 226)),
    "ship": (ship, (178, 200, 214), (226, 220, 206)),
    "coins": (coins, (60, 70, 84), (112, 110, 104)),
    "cloud": (cloud, (92, 124, 160), (170, 190, 208)),
    "car": (car, (200, 210, 214), (236, 230, 218)),
}


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    for name, (draw, top, bottom) in SCENES.items():
        img = gradient(top, bottom)
        draw(ImageDraw.Draw(img))
        img = img.filter(ImageFilter.SMOOTH)
        path = OUT / f"{name}.jpg"
        img.save(path, "JPEG", quality=75, optimize=True, progressive=True)
        print(f"{path}  {path.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()
