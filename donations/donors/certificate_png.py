"""The donation certificate as a PNG, drawn on the server with Pillow in a CJK font.

The font comes from the system (Debian's fonts-noto-cjk, which `make install`
puts in place) or from CERTIFICATE_FONT. Without a CJK font the certificate is
refused rather than drawn as empty boxes.
"""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path

from flask import current_app
from PIL import Image, ImageDraw, ImageFont

from core.money import format_fen
from donations.donors.certificates import Certificate

FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
)
WIDTH, HEIGHT = 1200, 850
RED = (155, 28, 28)
INK = (40, 40, 40)


class FontMissing(RuntimeError):
    """No CJK font: the certificate would show empty boxes, so it is not drawn."""


def font_path() -> str:
    configured = current_app.config.get("CERTIFICATE_FONT") if current_app else None
    for candidate in ([configured] if configured else []) + list(FONT_CANDIDATES):
        if candidate and Path(str(candidate)).exists():
            return str(candidate)
    raise FontMissing("no CJK font installed: run `make install` (installs fonts-noto-cjk)")


@lru_cache(maxsize=16)
def _font(path: str, size: int) -> ImageFont.FreeTypeFont:
    # Index 2 of Noto's collections is Simplified Chinese (SC).
    index = 2 if path.endswith(".ttc") and "Noto" in path else 0
    return ImageFont.truetype(path, size, index=index)


def render_png(cert: Certificate) -> bytes:
    path = font_path()
    image = Image.new("RGB", (WIDTH, HEIGHT), (255, 252, 245))
    draw = ImageDraw.Draw(image)
    draw.rectangle((24, 24, WIDTH - 24, HEIGHT - 24), outline=RED, width=6)
    draw.rectangle((40, 40, WIDTH - 40, HEIGHT - 40), outline=RED, width=2)

    def centred(text: str, y: int, size: int, fill: tuple[int, int, int] = INK) -> None:
        font = _font(path, size)
        width = draw.textlength(text, font=font)
        draw.text(((WIDTH - width) / 2, y), text, font=font, fill=fill)

    centred("捐赠证书", 90, 72, RED)
    centred(f"证书编号：{cert.number}", 190, 26)
    body = _font(path, 34)
    lines = [
        f"{cert.donor_display_name}：",
        f"感谢您向“{cert.project_title}”捐赠善款",
        f"人民币{format_fen(cert.amount_fen).replace('¥', '')}元（大写：{cert.amount_in_words}）。",
        "您的善举将帮助社区矫正对象和刑满释放人员重新融入社会。",
        "特发此证，以资鸣谢。",
    ]
    y = 270
    for line in lines:
        draw.text((110, y), line, font=body, fill=INK)
        y += 62
    right = _font(path, 30)
    for text, yy in ((cert.charity_name, 640), (cert.issued_on.strftime("%Y年%m月%d日"), 690)):
        width = draw.textlength(text, font=right)
        draw.text((WIDTH - 110 - width, yy), text, font=right, fill=INK)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
