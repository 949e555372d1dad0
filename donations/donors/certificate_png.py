"""The donation certificate as a PNG: its wording, drawn by core's certificate sheet."""

from __future__ import annotations

from core.drawing import draw_certificate
from core.money import format_fen
from donations.donors.certificates import Certificate


def certificate_lines(cert: Certificate) -> list[str]:
    """What the donation certificate says to the donor, line by line."""
    return [
        f"{cert.donor_display_name}：",
        f"感谢您向“{cert.project_title}”捐赠善款",
        f"人民币{format_fen(cert.amount_fen).replace('¥', '')}元（大写：{cert.amount_in_words}）。",
        "您的善举将帮助社区矫正对象和刑满释放人员重新融入社会。",
        "特发此证，以资鸣谢。",
    ]


def render_png(cert: Certificate) -> bytes:
    """Raises core.drawing.FontMissing when no CJK font is installed."""
    return draw_certificate(
        "捐赠证书", certificate_lines(cert), cert.number, cert.issued_on, cert.charity_name
    )
