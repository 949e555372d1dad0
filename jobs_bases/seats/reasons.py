"""Reasons a person can be told: Chinese first (the office reads it out), English alongside.

Every reason names the course it admitted to by its place in the person's
preferences and, for each course they preferred, why it did not admit them:
no seats at all, or full with its lowest admitted score next to theirs (and how
a tie on score was decided), and their place on its waitlist.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from jobs_bases.seats.problem import EXACT, Id, Number
from jobs_bases.seats.result import (
    ALL_CHOICES_FULL,
    FIRST_CHOICE,
    LATER_CHOICE,
    NO_PREFERENCES,
    PassedOver,
)


def show(value: Number) -> str:
    """7, 7.5, 100: no exponent, no trailing zeros."""
    if isinstance(value, Decimal):
        return format(value.normalize(EXACT), "f")
    return str(value)


def _zh(p: PassedOver) -> str:
    course = f"第{p.choice}志愿（课程 {p.course_id}）"
    place = f"列候补第 {p.waitlist_position} 位"
    if p.cutoff is None:
        return f"{course}本期名额为 0，{place}"
    yours = f"您 {show(p.score)} 分"
    if p.bonus:
        yours += f"（含该课程加分 {show(p.bonus)} 分）"
    if p.tie_break == "applied_at":
        yours = f"您同为 {show(p.score)} 分，同分者报名在先者优先，您报名较晚"
    elif p.tie_break == "id":
        yours = f"您同为 {show(p.score)} 分且报名时间相同，按申请编号顺序录取，您的编号靠后"
    return f"{course}名额已满，该课程最低录取分 {show(p.cutoff)} 分，{yours}，{place}"


def _en(p: PassedOver) -> str:
    course = f"choice {p.choice} (course {p.course_id})"
    place = f"waitlist position {p.waitlist_position}"
    if p.cutoff is None:
        return f"{course} has no seats, {place}"
    yours = f"yours is {show(p.score)}"
    if p.bonus:
        yours += f" (including this course's bonus of {show(p.bonus)})"
    if p.tie_break == "applied_at":
        yours = f"yours is also {show(p.score)} and on equal scores earlier applications come first: yours was later"
    elif p.tie_break == "id":
        yours = f"yours is also {show(p.score)}, applied at the same time, and on a full tie lower application ids come first"
    return f"{course} is full, its lowest admitted score is {show(p.cutoff)}, {yours}, {place}"


def explain(
    course_id: Id | None, choice: int | None, passed_over: Sequence[PassedOver]
) -> tuple[str, str, str]:
    """``(reason_code, reason, reason_en)`` for one applicant's outcome."""
    zh = "；".join(_zh(p) for p in passed_over)
    en = "; ".join(_en(p) for p in passed_over)
    if course_id is not None and choice is not None:
        got_zh = f"录取第{choice}志愿（课程 {course_id}）"
        got_en = f"Admitted to choice {choice} (course {course_id})"
        if not passed_over:
            return FIRST_CHOICE, f"{got_zh}。", f"{got_en}."
        return LATER_CHOICE, f"{got_zh}：{zh}。", f"{got_en}: {en}."
    if not passed_over:
        return NO_PREFERENCES, "未录取：未填报任何志愿。", "Not admitted: no course was chosen."
    return (
        ALL_CHOICES_FULL,
        f"未录取：所填志愿均无名额可录取。{zh}。",
        f"Not admitted: none of the chosen courses had a seat left. {en[0].upper()}{en[1:]}.",
    )
