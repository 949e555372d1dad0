"""Certificates drawn as PNG on the server, with Pillow in a CJK font.

Every wing's certificate (donations, training, volunteer hours) is the same sheet:
a red double border, a title, its number, lines of text, and the issuer and date at
the foot. The font comes from the system (Debian's fonts-noto-cjk, which `make
install` puts in place) or from CERTIFICATE_FONT. Without a CJK font a certificate
is refused rather than drawn as empty boxes.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date
from functools import lru_cache
from pathlib import Path

from flask import current_app, has_app_context
from PIL import Image, ImageDraw, ImageFont

FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
)
WIDTH, HEIGHT = 1200, 850
RED = (155, 28, 28)
INK = (40, 40, 40)
PAPER = (255, 252, 245)
MARGIN = 110
LINE_HEIGHT = 62


class FontMissing(RuntimeError):
    """No CJK font: the certificate would show empty boxes, so it is not drawn."""


def font_path() -> str:
    """The CJK font to draw with: CERTIFICATE_FONT if set and present, else the system's."""
    configured = current_app.config.get("CERTIFICATE_FONT") if has_app_context() else None
    for candidate in ([configured] if configured else []) + list(FONT_CANDIDATES):
        if candidate and Path(str(candidate)).exists():
            return str(candidate)
    raise FontMissing("no CJK font installed: run `make install` (installs fonts-noto-cjk)")


@lru_cache(maxsize=16)
def _font(path: str, size: int) -> ImageFont.FreeTypeFont:
    # Index 2 of Noto's collections is Simplified Chinese (SC).
    index = 2 if path.endswith(".ttc") and "Noto" in path else 0
    return ImageFont.truetype(path, size, index=index)


def draw_certificate(
    title: str,
    lines: Sequence[str],
    number: str,
    issued_on: date,
    issuer: str,
) -> bytes:
    """A 1200×850 PNG: `title` and `number` centred at the top, `lines` as the body,
    `issuer` and `issued_on` (written 2026年03月14日) at the bottom right.

    Raises FontMissing when no CJK font is installed.
    """
    path = font_path()
    image = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    draw = ImageDraw.Draw(image)
    draw.rectangle((24, 24, WIDTH - 24, HEIGHT - 24), outline=RED, width=6)
    draw.rectangle((40, 40, WIDTH - 40, HEIGHT - 40), outline=RED, width=2)

    def centred(text: str, y: int, size: int, fill: tuple[int, int, int] = INK) -> None:
        font = _font(path, size)
        width = draw.textlength(text, font=font)
        draw.text(((WIDTH - width) / 2, y), text, font=font, fill=fill)

    centred(title, 90, 72, RED)
    centred(f"证书编号：{number}", 190, 26)
    body = _font(path, 34)
    for row, line in enumerate(lines):
        draw.text((MARGIN, 270 + row * LINE_HEIGHT), line, font=body, fill=INK)
    foot = _font(path, 30)
    for text, y in ((issuer, 640), (issued_on.strftime("%Y年%m月%d日"), 690)):
        width = draw.textlength(text, font=foot)
        draw.text((WIDTH - MARGIN - width, y), text, font=foot, fill=INK)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
