"""The engine's answer, its reasons (Chinese first, English alongside) and its JSON form."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from volunteers.pairing.problem import Id, Score

# reason_code values of a pair.
BEST_CANDIDATE = "best_candidate"  # no volunteer scores this mentee higher
BETTER_ONES_FULL = "better_ones_full"  # some score higher, but each of them is full
# reason_code values of a mentee left unpaired.
NO_CANDIDATE = "no_candidate"  # no volunteer has a positive score with the mentee
CANDIDATES_FULL = "candidates_full"  # some have, but none has a place left


@dataclass(frozen=True, slots=True)
class Pair:
    volunteer_id: Id
    mentee_id: Id
    score: Score  # exactly as given in the input
    rank: int  # 1 + how many volunteers score this mentee strictly higher
    candidates: int  # volunteers with a positive score for this mentee
    reason_code: str
    reason: str  # Chinese, for the coordinator
    reason_en: str  # the same facts in English


@dataclass(frozen=True, slots=True)
class Unpaired:
    mentee_id: Id
    candidates: int
    reason_code: str
    reason: str
    reason_en: str


@dataclass(frozen=True, slots=True)
class Result:
    pairs: tuple[Pair, ...]  # by volunteer, then mentee, in input order
    total: Score  # the sum of the pairs' scores: an int when they are all ints
    unpaired: tuple[Unpaired, ...]  # every mentee without a pair, in input order

    def to_json(self) -> dict[str, Any]:
        return {
            "pairs": [
                {
                    "volunteer_id": pair.volunteer_id,
                    "mentee_id": pair.mentee_id,
                    "score": pair.score,
                    "rank": pair.rank,
                    "candidates": pair.candidates,
                    "reason_code": pair.reason_code,
                    "reason": pair.reason,
                    "reason_en": pair.reason_en,
                }
                for pair in self.pairs
            ],
            "total": self.total,
            "unpaired": [
                {
                    "mentee_id": item.mentee_id,
                    "candidates": item.candidates,
                    "reason_code": item.reason_code,
                    "reason": item.reason,
                    "reason_en": item.reason_en,
                }
                for item in self.unpaired
            ],
        }


def pair(volunteer_id: Id, mentee_id: Id, score: Score, rank: int, candidates: int) -> Pair:
    """A formed pair and why: whether a better-scoring volunteer existed, and why not them.

    When one did, it was full: with a place left, moving the mentee there would
    have raised the total, which the engine never leaves undone.
    """
    if candidates == 1:
        code = BEST_CANDIDATE
        zh = f"评分 {score}：唯一可与该帮教对象结对的志愿者。"
        en = f"Score {score}: the only volunteer who could take this mentee."
    elif rank == 1:
        code = BEST_CANDIDATE
        zh = f"评分 {score}：在可结对的 {candidates} 名志愿者中，没有人对该帮教对象评分更高。"
        en = f"Score {score}: none of the {candidates} volunteers who could take this mentee scores higher."
    else:
        higher = rank - 1
        code = BETTER_ONES_FULL
        zh = (
            f"评分 {score}：可结对的 {candidates} 名志愿者中有 {higher} 名评分更高，"
            "但他们的名额已满，换人不会提高总分。"
        )
        en = (
            f"Score {score}: {higher} of the {candidates} volunteers who could take this mentee "
            "score higher, but each of them is full and no exchange would raise the total."
        )
    return Pair(volunteer_id, mentee_id, score, rank, candidates, code, zh, en)


def unpaired(mentee_id: Id, candidates: int) -> Unpaired:
    """A mentee left without a pair, and why."""
    if candidates == 0:
        return Unpaired(
            mentee_id,
            0,
            NO_CANDIDATE,
            "未结对：没有志愿者与该帮教对象的评分为正（没有可结对的志愿者）。",
            "Not paired: no volunteer has a positive score with this mentee.",
        )
    return Unpaired(
        mentee_id,
        candidates,
        CANDIDATES_FULL,
        f"未结对：{candidates} 名可结对的志愿者名额均已满，换人不会提高总分。",
        f"Not paired: none of the {candidates} volunteers who could take this mentee has a "
        "place left, and no exchange would raise the total.",
    )
