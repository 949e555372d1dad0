"""The completion rule of a course, as a pure function: enough attendance and, when the
course requires it, a passed exam. The reason is what staff and the partner read."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Judgement:
    completed: bool
    attendance_pct: int  # rounded down: 79.9 % is not 80 %
    reason: str  # in Chinese


def attendance_pct(attended: int, sessions: int) -> int:
    return 0 if sessions <= 0 else attended * 100 // sessions


def judge(
    attended: int,
    sessions: int,
    min_pct: int,
    exam_required: bool,
    exam_passed: bool | None,
) -> Judgement:
    """Completed when attendance (present sessions over all sessions of the course) is at
    least `min_pct` and, if an exam is required, it was passed. Every unmet condition is
    named in the reason."""
    pct = attendance_pct(attended, sessions)
    shortfalls = []
    if pct < min_pct:
        shortfalls.append(f"出勤率 {pct}%（{attended}/{sessions} 次课），低于要求的 {min_pct}%")
    if exam_required and exam_passed is not True:
        shortfalls.append("考核未通过" if exam_passed is False else "未参加考核")
    if shortfalls:
        return Judgement(False, pct, "未达到结业要求：" + "；".join(shortfalls) + "。")
    exam = "，考核合格" if exam_required else ""
    return Judgement(True, pct, f"出勤率 {pct}%（{attended}/{sessions} 次课）{exam}，准予结业。")
