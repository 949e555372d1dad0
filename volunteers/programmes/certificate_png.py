"""The hours certificate as a PNG: its wording, drawn on core's certificate sheet."""

from __future__ import annotations

from core.drawing import draw_certificate
from volunteers.programmes.hours import Certificate, format_hours

ISSUER = "开平市司法局"


def certificate_lines(cert: Certificate) -> list[str]:
    return [
        f"{cert.name}：",
        f"{cert.year}年，您参加开平市社区矫正和安置帮教志愿服务，",
        f"经审核确认的服务时长共 {format_hours(cert.minutes)} 小时。",
        f"服务项目：{'、'.join(cert.programmes)}。",
        "感谢您的付出，特发此证。",
    ]


def render_png(cert: Certificate) -> bytes:
    """Raises core.drawing.FontMissing when no CJK font is installed."""
    return draw_certificate(
        "志愿服务时长证明", certificate_lines(cert), cert.number, cert.issued_on, ISSUER
    )
