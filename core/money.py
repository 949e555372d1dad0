"""Money is integer fen (1 yuan = 100 fen), currency CNY. No floats on the money path."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

CURRENCY = "cny"

_YUAN_RE = re.compile(r"^\d{1,12}(\.\d{1,2})?$")


class MoneyError(ValueError):
    """Not an amount of money as the platform takes it."""


def parse_yuan(text: str) -> int:
    """Parse a yuan amount typed by staff ("1234.5") into fen, refusing anything odd."""
    cleaned = text.strip().replace(",", "").replace("¥", "").replace("￥", "")
    if not _YUAN_RE.match(cleaned):
        raise MoneyError(cleaned)
    try:
        return int((Decimal(cleaned) * 100).to_integral_exact())
    except InvalidOperation as exc:  # pragma: no cover - regex already guards
        raise MoneyError(cleaned) from exc


def format_fen(amount_fen: int) -> str:
    """¥1,234.50 — for display only."""
    sign = "-" if amount_fen < 0 else ""
    yuan, fen = divmod(abs(amount_fen), 100)
    return f"{sign}¥{yuan:,}.{fen:02d}"


def fen_to_yuan_str(amount_fen: int) -> str:
    """1234.50 — for forms and CSV."""
    sign = "-" if amount_fen < 0 else ""
    yuan, fen = divmod(abs(amount_fen), 100)
    return f"{sign}{yuan}.{fen:02d}"


def yuan_text(amount_fen: int) -> str:
    """1,234.50 — for exports people read: exact from fen, grouped, no currency sign."""
    sign = "-" if amount_fen < 0 else ""
    yuan, fen = divmod(abs(amount_fen), 100)
    return f"{sign}{yuan:,}.{fen:02d}"


_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_SMALL_UNITS = ["", "拾", "佰", "仟"]
_BIG_UNITS = ["", "万", "亿", "兆"]


def _four_digits(group: int) -> str:
    out = ""
    zero = False
    for pos in range(3, -1, -1):
        digit = group // 10**pos % 10
        if digit == 0:
            zero = bool(out)
            continue
        if zero:
            out += "零"
            zero = False
        out += _DIGITS[digit] + _SMALL_UNITS[pos]
    return out


def amount_in_words(amount_fen: int) -> str:
    """Chinese capital numerals as on a receipt: 12345 fen -> 壹佰贰拾叁元肆角伍分."""
    if amount_fen < 0:
        raise MoneyError("negative amount")
    yuan, fen = divmod(amount_fen, 100)
    jiao, fen = divmod(fen, 10)
    parts: list[str] = []
    if yuan:
        groups: list[int] = []
        while yuan:
            groups.append(yuan % 10000)
            yuan //= 10000
        text = ""
        need_zero = False
        for index in range(len(groups) - 1, -1, -1):
            group = groups[index]
            if group == 0:
                need_zero = bool(text)
                continue
            if text and (need_zero or group < 1000):
                text += "零"
            text += _four_digits(group) + _BIG_UNITS[index]
            need_zero = False
        parts.append(text + "元")
    if not jiao and not fen:
        return ("".join(parts) or "零元") + "整"
    if jiao:
        parts.append(_DIGITS[jiao] + "角")
    elif parts:
        parts.append("零")
    if fen:
        parts.append(_DIGITS[fen] + "分")
    return "".join(parts)
