"""The mentoring-pair engine: which volunteer mentors which mentee.

A pure function over plain data (no database, no Flask), with a JSON command line::

    python -m volunteers.pairing < in.json > out.json

In::

    {"volunteers": [{"id", "capacity"}], "mentees": [{"id"}],
     "scores": [[volunteer id, mentee id, score], ...]}

Out::

    {"pairs": [{"volunteer_id", "mentee_id", "score", "rank", "candidates",
                "reason_code", "reason", "reason_en"}],
     "total",
     "unpaired": [{"mentee_id", "candidates", "reason_code", "reason", "reason_en"}]}

Each mentee is in at most one pair, each volunteer in at most ``capacity``
pairs, only pairs listed in ``scores`` with a score above 0 are formed, and the
total (the sum of the pairs' scores) is as high as possible: a maximum-weight
b-matching, solved exactly (``engine``). Input rules, limits, reasons and the
benchmark are in docs/pairing.md.

The scores themselves come from a separate, documented step, ``scoring``
(skills against needs, languages, towns, availability, and the rules that
exclude a pair); it returns them with a breakdown a coordinator can read.

Python callers: :func:`parse` (JSON text) or :func:`from_data` (decoded JSON)
or :func:`build` (typed volunteers, mentees and score triples) give a
:class:`Problem`; :func:`solve` gives a :class:`Result`, whose ``to_json()`` is
the command's answer. Invalid input raises :class:`PairingInputError` naming the
first bad field.
"""

from volunteers.pairing.engine import MAX_EDGES, ProblemTooLargeError, solve
from volunteers.pairing.problem import (
    MAX_ABS_SCORE,
    MAX_INPUT_BYTES,
    Id,
    Mentee,
    PairingInputError,
    Problem,
    Score,
    Volunteer,
    build,
    from_data,
    parse,
)
from volunteers.pairing.result import (
    BEST_CANDIDATE,
    BETTER_ONES_FULL,
    CANDIDATES_FULL,
    NO_CANDIDATE,
    Pair,
    Result,
    Unpaired,
)

__all__ = [
    "BEST_CANDIDATE",
    "BETTER_ONES_FULL",
    "CANDIDATES_FULL",
    "MAX_ABS_SCORE",
    "MAX_EDGES",
    "MAX_INPUT_BYTES",
    "NO_CANDIDATE",
    "Id",
    "Mentee",
    "Pair",
    "PairingInputError",
    "Problem",
    "ProblemTooLargeError",
    "Result",
    "Score",
    "Unpaired",
    "Volunteer",
    "build",
    "from_data",
    "parse",
    "solve",
]
