"""Certificate drawing: one sheet for every wing's certificates, in a CJK font or not at all."""

from __future__ import annotations

import io
from datetime import date

import pytest
from PIL import Image, ImageChops

import core.drawing
from core.drawing import FontMissing, draw_certificate, font_path

pytestmark = pytest.mark.usefixtures("ctx")

TITLE_AREA = (200, 80, 1000, 180)
NUMBER_AREA = (200, 185, 1000, 230)
BODY_AREA = (100, 260, 1100, 600)
FOOT_AREA = (600, 630, 1100, 740)


def sheet(**changes: object) -> Image.Image:
    args: dict[str, object] = {
        "title": "结业证书",
        "lines": ["学员A123：", "完成电工技能培训课程。"],
        "number": "TR-2026-000001",
        "issued_on": date(2026, 3, 14),
        "issuer": "开平市技能培训中心",
        **changes,
    }
    image = Image.open(io.BytesIO(draw_certificate(**args)))  # type: ignore[arg-type]
    assert (image.format, image.size) == ("PNG", (1200, 850))
    return image.convert("RGB")


def changed(a: Image.Image, b: Image.Image, area: tuple[int, int, int, int]) -> bool:
    return ImageChops.difference(a.crop(area), b.crop(area)).getbbox() is not None


def test_each_part_is_drawn_in_its_own_place():
    base = sheet()
    cases = {
        TITLE_AREA: sheet(title="志愿服务证书"),
        NUMBER_AREA: sheet(number="TR-2026-000002"),
        BODY_AREA: sheet(lines=["学员B456：", "完成电工技能培训课程。"]),
        FOOT_AREA: sheet(issued_on=date(2026, 3, 15)),
    }
    for area, other in cases.items():
        assert changed(base, other, area), area
        untouched = [a for a in cases if a != area]
        assert not any(changed(base, other, a) for a in untouched), area


def test_without_a_cjk_font_nothing_is_drawn(ctx, monkeypatch):
    monkeypatch.setattr(core.drawing, "FONT_CANDIDATES", ())
    monkeypatch.setitem(ctx.config, "CERTIFICATE_FONT", "/nonexistent/font.ttc")

    with pytest.raises(FontMissing):
        sheet()


def test_the_configured_font_is_used_first(ctx, monkeypatch):
    installed = font_path()
    monkeypatch.setattr(core.drawing, "FONT_CANDIDATES", ())
    monkeypatch.setitem(ctx.config, "CERTIFICATE_FONT", installed)

    assert font_path() == installed
