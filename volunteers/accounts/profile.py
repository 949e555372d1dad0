"""What a volunteer's profile may hold: weekly slots, languages, suggested skills.

Pure data, so that the pairing step can use it without the web stack.
"""

from __future__ import annotations

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
PARTS_OF_DAY = ("morning", "afternoon", "evening")
# "mon-morning" ... "sun-evening": 21 slots a week.
SLOTS: tuple[str, ...] = tuple(f"{day}-{part}" for day in WEEKDAYS for part in PARTS_OF_DAY)

WEEKDAY_LABELS = {
    "mon": "周一",
    "tue": "周二",
    "wed": "周三",
    "thu": "周四",
    "fri": "周五",
    "sat": "周六",
    "sun": "周日",
}
PART_LABELS = {"morning": "上午", "afternoon": "下午", "evening": "晚上"}

# Offered as choices; the people's records use the same words (core people, demo data).
LANGUAGES = ("粤语", "普通话", "开平话", "台山话", "客家话", "英语")
SUGGESTED_SKILLS = (
    "心理辅导",
    "法律咨询",
    "就业指导",
    "技能培训",
    "社会工作",
    "医疗",
    "教育辅导",
    "电工",
    "烹饪",
    "电商",
)

MAX_SKILLS = 12
MAX_SKILL_LENGTH = 20


def slot_label(slot: str) -> str:
    day, _, part = slot.partition("-")
    return f"{WEEKDAY_LABELS.get(day, day)}{PART_LABELS.get(part, part)}"


def clean_list(values: list[str], *, allowed: tuple[str, ...] | None = None) -> list[str]:
    """Stripped, deduplicated, in the order given; values outside `allowed` dropped."""
    seen: list[str] = []
    for raw in values:
        value = raw.strip()
        if value and value not in seen and (allowed is None or value in allowed):
            seen.append(value)
    return seen
