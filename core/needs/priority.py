"""The priority of a need, from urgency, hardship and waiting time.

    priority = 20 × urgency (1–5)
             + 12 × hardship (1–5)
             + 1 per full week since submission, at most 26
             + 10 when the deadline is 14 days away or less

Urgency dominates (an urgent medical bill outranks a long-waiting tool kit),
hardship comes next, and waiting time lifts a need by at most about one step
of urgency over half a year, so no need waits for ever behind newer ones.
The result is an integer between 32 and 186.
"""

from __future__ import annotations

from datetime import date

URGENCY_WEIGHT = 20
HARDSHIP_WEIGHT = 12
MAX_WAIT_WEEKS = 26
DEADLINE_BONUS = 10
DEADLINE_WINDOW_DAYS = 14


def compute_priority(
    urgency: int, hardship: int, submitted_on: date | None, deadline: date, today: date
) -> int:
    waited_weeks = 0 if submitted_on is None else max(0, (today - submitted_on).days // 7)
    score = URGENCY_WEIGHT * urgency + HARDSHIP_WEIGHT * hardship
    score += min(waited_weeks, MAX_WAIT_WEEKS)
    if 0 <= (deadline - today).days <= DEADLINE_WINDOW_DAYS:
        score += DEADLINE_BONUS
    return score
