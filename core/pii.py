"""The story check: identifying content in a text meant for the public (docs/privacy.md).

A need's story reaches donors. It may not carry an ID number, a mobile or landline
number, or the person's name, however they are disguised. The check normalises
before it matches:

- full-width forms fold to ASCII (NFKC), invisible characters (zero-width spaces,
  joiners, soft hyphens, BOMs: Unicode category Cf) are dropped;
- Chinese digits (〇一二…九, 零, 壹贰…玖, 两) count as digits, so ``138一二三四5678``
  is a mobile number;
- inside a number, any short run of separators (spaces, dashes, dots, commas,
  slashes, brackets, other punctuation and symbols) is ignored;
- names are matched with every separator and invisible character removed, and the
  given name is found after a compound surname (欧阳, 司马, 诸葛, ...) too.

What must still pass: dates (``2023-12-15``), years and year ranges, amounts
written with thousands separators (``1,200,000元``, ``¥3,000.00``) and ages.
A run of seven or more digits that is none of those counts as a landline: a
public story has no reason to carry such a number, so privacy wins over the rare
false alarm. Mobile and ID numbers are flagged whatever their grouping.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

CHINESE_DIGITS = str.maketrans(
    {
        "〇": "0",
        "零": "0",
        "一": "1",
        "壹": "1",
        "二": "2",
        "贰": "2",
        "貳": "2",
        "两": "2",
        "三": "3",
        "叁": "3",
        "參": "3",
        "四": "4",
        "肆": "4",
        "五": "5",
        "伍": "5",
        "六": "6",
        "陆": "6",
        "陸": "6",
        "七": "7",
        "柒": "7",
        "八": "8",
        "捌": "8",
        "九": "9",
        "玖": "9",
    }
)

# Two-character surnames; the given name is what follows them.
COMPOUND_SURNAMES = frozenset(
    "欧阳 司马 诸葛 上官 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 令狐 夏侯 端木 轩辕 呼延 "
    "独孤 南宫 百里 西门 东郭 澹台 公冶 太史 申屠 钟离 闻人 赫连 万俟 濮阳 淳于 单于 仲孙 "
    "羊舌 司空 司寇 拓跋 第五 左丘 谷梁 梁丘 宗政 巫马 公羊 乐正 微生 子车 颛孙 漆雕 壤驷 "
    "公良 亓官 段干 东门 西门 公西 夹谷 鲜于 闾丘 宰父 南门 呼延 归海 羊角".split()
)

# At most this many separator characters between two digit groups of one number.
_MAX_SEPARATOR_RUN = 5
_MOBILE = re.compile(r"(?:86)?1[3-9]\d{9}")
_ID_18 = re.compile(r"\d{17}[\dX]")
_ID_15 = re.compile(r"\d{15}")
_THOUSANDS = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?")
_DECIMAL = re.compile(r"\d+\.\d{1,2}")
_INTEGER = re.compile(r"\d+")
_YEAR = re.compile(r"(?:19|20)\d{2}")
_DATE = re.compile(r"(?:19|20)\d{2}[-/.](?:0?[1-9]|1[0-2])[-/.](?:0?[1-9]|[12]\d|3[01])")
_YEAR_RANGE = re.compile(r"((?:19|20)\d{2})[-~/–—至到]((?:19|20)?\d{2})")
_LANDLINE_DIGITS = 7
# Signs and units that make a grouped number an amount: ¥1,200 / 1,200元 / 3.5万.
MONEY_CONTEXT = frozenset("¥$元块万角分圆")
CURRENCY_SIGNS = frozenset("¥$")


@dataclass(frozen=True)
class PiiFinding:
    kind: str  # "id_number" | "phone" | "name"
    excerpt: str


def _is_separator(char: str) -> bool:
    if char.isspace():
        return True
    category = unicodedata.category(char)
    return category[0] in "PSZ" or category == "Cc"


def _fold(text: str) -> str:
    """Full-width to ASCII, invisible characters out, Chinese digits to ASCII.

    The full-width comma is Chinese punctuation between clauses, never a thousands
    separator: it becomes the enumeration comma (which NFKC keeps), so "¥130，100,000元"
    stays two amounts and is not read as one 11-digit number."""
    folded = unicodedata.normalize("NFKC", text.replace("\uff0c", "\u3001"))
    visible = "".join(c for c in folded if unicodedata.category(c) != "Cf")
    return visible.translate(CHINESE_DIGITS).replace("x", "X")


@dataclass(frozen=True)
class _Group:
    digits: str
    separator_before: str  # what stood between this group and the previous one


@dataclass(frozen=True)
class _Number:
    groups: list[_Group]
    before: str  # the character before the number ("" at the start)
    after: str  # the character after it


def _numbers(folded: str) -> list[_Number]:
    """Digit groups joined by short separator runs: one per number as written."""
    numbers: list[_Number] = []
    start = 0
    current: list[_Group] = []
    i, n = 0, len(folded)
    pending_separator = ""
    while i < n:
        if folded[i].isdigit() or (folded[i] == "X" and current and i > 0):
            if not current:
                start = i
            j = i
            while j < n and (folded[j].isdigit() or folded[j] == "X"):
                j += 1
            current.append(_Group(folded[i:j], pending_separator))
            pending_separator = ""
            i = j
            continue
        j = i
        while j < n and _is_separator(folded[j]) and j - i < _MAX_SEPARATOR_RUN + 1:
            j += 1
        # A currency sign never sits inside a phone or ID number: it starts a new amount.
        joins = not any(c in CURRENCY_SIGNS for c in folded[i:j])
        if current and joins and 0 < j - i <= _MAX_SEPARATOR_RUN and j < n and folded[j].isdigit():
            pending_separator = folded[i:j]
            i = j
            continue
        if current:
            numbers.append(_Number(current, folded[start - 1 : start], folded[i : i + 1]))
        current, pending_separator = [], ""
        i = max(j, i + 1)
    if current:
        numbers.append(_Number(current, folded[start - 1 : start], ""))
    return numbers


def _written(groups: list[_Group]) -> str:
    return "".join(
        (g.separator_before if k else "") + g.digits for k, g in enumerate(groups)
    ).replace(" ", "")


def _is_year_range(written: str) -> bool:
    """2019-2023, 2019-23, 2019~2023: the second year after the first, within 30."""
    match = _YEAR_RANGE.fullmatch(written)
    if match is None:
        return False
    first, second = int(match.group(1)), match.group(2)
    last = int(second) if len(second) == 4 else first // 100 * 100 + int(second)
    return first < last <= first + 30


def _harmless(groups: list[_Group], context: str) -> bool:
    """A date, a year range, or an amount (thousands separators or decimals) written
    beside a currency sign or unit: a landline grouped like an amount stays a landline."""
    written = _written(groups)
    if _DATE.fullmatch(written) or _is_year_range(written):
        return True
    if _YEAR.fullmatch(written) and any(c in "年至到" for c in context):
        return True
    is_amount = any(p.fullmatch(written) for p in (_THOUSANDS, _DECIMAL, _INTEGER))
    return bool(is_amount) and any(c in MONEY_CONTEXT for c in context)


def _looks_like_id(digits: str) -> bool:
    """18 digits (or 17 and X), or the old 15, with a birth date where it belongs; the
    check character is not required: a mistyped number still identifies."""
    if _ID_18.fullmatch(digits):
        born = (digits[6:10], digits[10:12], digits[12:14])
    elif _ID_15.fullmatch(digits):
        born = ("19" + digits[6:8], digits[8:10], digits[10:12])
    else:
        return False
    # Province codes run from 11 to 82; birth years are this century or the last.
    if digits[0] not in "12345678" or born[0][:2] not in ("19", "20"):
        return False
    try:
        date(*(int(part) for part in born))
    except ValueError:
        return False
    return True


def _stretches(count: int) -> list[range]:
    """Every contiguous stretch of groups, longest first."""
    return [
        range(start, start + length)
        for length in range(count, 0, -1)
        for start in range(count - length + 1)
    ]


def _context(number: _Number, span: range) -> str:
    """What is written just before and just after a stretch of a number's groups."""
    groups = number.groups
    before = groups[span.start].separator_before if span.start else number.before
    after = groups[span.stop].separator_before if span.stop < len(groups) else number.after
    return before + after


def _harmless_pieces(number: _Number) -> list[range]:
    """Dates, year ranges and amounts in a number, read left to right, longest first."""
    pieces: list[range] = []
    count, start = len(number.groups), 0
    while start < count:
        for stop in range(count, start, -1):
            span = range(start, stop)
            if _harmless([number.groups[k] for k in span], _context(number, span)):
                pieces.append(span)
                start = stop
                break
        else:
            start += 1
    return pieces


def _may_join(number: _Number, span: range, pieces: list[range], *, birth_date: bool) -> bool:
    """A phone or ID number never cuts a date or an amount in two, and never takes one
    in with other digits, except a date inside an ID number (its birth date)."""
    taken_in = 0
    for piece in pieces:
        overlap = set(piece) & set(span)
        if not overlap or piece == span:
            continue
        if len(overlap) < len(piece):
            return False
        written = _written([number.groups[k] for k in piece])
        if not (birth_date and _DATE.fullmatch(written)):
            return False
        taken_in += 1
    return taken_in <= 1


def _number_findings(number: _Number) -> list[PiiFinding]:
    groups = number.groups
    pieces = _harmless_pieces(number)
    findings: list[PiiFinding] = []
    flagged: set[int] = set()
    # Mobile and ID numbers are flagged however they are grouped.
    for span in _stretches(len(groups)):
        if flagged.intersection(span):
            continue
        joined = "".join(groups[k].digits for k in span)
        if _looks_like_id(joined) and _may_join(number, span, pieces, birth_date=True):
            findings.append(PiiFinding("id_number", joined))
            flagged.update(span)
        elif _MOBILE.fullmatch(joined) and _may_join(number, span, pieces, birth_date=False):
            findings.append(PiiFinding("phone", joined))
            flagged.update(span)
    # ... and when glued to other digits in one group.
    for k, group in enumerate(groups):
        if k in flagged:
            continue
        inside = [m.group() for m in _ID_18.finditer(group.digits) if _looks_like_id(m.group())]
        if inside:
            findings.append(PiiFinding("id_number", inside[0]))
            flagged.add(k)
        elif match := _MOBILE.search(group.digits):
            findings.append(PiiFinding("phone", match.group()))
            flagged.add(k)
    # Once dates, amounts and counts are set aside, what is left is a landline if the
    # number runs to seven digits: glued to a date or an amount it hides no better.
    harmless = {k for piece in pieces for k in piece}
    left = [k for k in range(len(groups)) if k not in flagged | harmless]
    last = groups[-1]
    if (
        left == [len(groups) - 1]
        and len(last.digits) <= 3
        and number.after.isalpha()
        and any(c in "，,、;；。" for c in last.separator_before)
    ):
        left = []  # a count after a list: ¥300，3人 / 2023-12-15，35岁
    digits = sum(len(g.digits) for k, g in enumerate(groups) if k not in flagged)
    if left and digits >= _LANDLINE_DIGITS:
        findings.append(PiiFinding("phone", "".join(groups[k].digits for k in left)))
    return findings


def _letters_only(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text)
    return "".join(c for c in folded if unicodedata.category(c) != "Cf" and not _is_separator(c))


def given_name(name: str) -> str:
    """The name after the surname, compound surnames (欧阳, 司马, ...) included."""
    if len(name) > 2 and name[:2] in COMPOUND_SURNAMES:
        return name[2:]
    return name[1:]


def find_pii(text: str, names: list[str] | None = None) -> list[PiiFinding]:
    """Identifying content in a text meant for the public; empty when it is clean."""
    findings: list[PiiFinding] = []
    for number in _numbers(_fold(text)):
        for finding in _number_findings(number):
            if finding not in findings:
                findings.append(finding)
    letters = _letters_only(text)
    for raw in names or []:
        name = _letters_only(raw)
        if len(name) >= 2 and name in letters:
            findings.append(PiiFinding("name", name))
            continue
        # A given name of two characters or more identifies on its own (张三明 -> 三明).
        given = given_name(name)
        if len(given) >= 2 and given in letters:
            findings.append(PiiFinding("name", given))
    return findings
