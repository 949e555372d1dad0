"""The training-seat allocation engine: who gets a seat on which course, and why.

A pure function over plain data (no database, no Flask), with a JSON command
line::

    python -m jobs_bases.seats < in.json > out.json

``parse(document)`` turns JSON (text, bytes or an already decoded document) into
a checked :class:`Problem`; ``solve(problem)`` returns a :class:`Result`, whose
``to_json()`` is the command's output. Invalid input raises
:class:`SeatsInputError` (a ``ValueError``) naming the first bad field. The
input, output, ranking, reasons and limits are documented in docs/seats.md.

Modules: ``problem`` (the input types and every rule they keep), ``parse``
(JSON to a problem), ``engine`` (``solve``: deferred acceptance), ``result``
(the answer and its JSON form), ``reasons`` (the Chinese and English texts).
Seeded problems for tests and benchmarks are in ``bench/seats_instances.py``.
"""

from jobs_bases.seats.engine import solve
from jobs_bases.seats.parse import parse
from jobs_bases.seats.problem import (
    MAX_APPLICANTS,
    MAX_COURSES,
    MAX_INPUT_BYTES,
    MAX_PREFERENCES,
    Applicant,
    Course,
    Problem,
    SeatsInputError,
)
from jobs_bases.seats.result import (
    ALL_CHOICES_FULL,
    FIRST_CHOICE,
    LATER_CHOICE,
    NO_PREFERENCES,
    Assignment,
    CourseOutcome,
    PassedOver,
    Result,
)

__all__ = [
    "ALL_CHOICES_FULL",
    "FIRST_CHOICE",
    "LATER_CHOICE",
    "MAX_APPLICANTS",
    "MAX_COURSES",
    "MAX_INPUT_BYTES",
    "MAX_PREFERENCES",
    "NO_PREFERENCES",
    "Applicant",
    "Assignment",
    "Course",
    "CourseOutcome",
    "PassedOver",
    "Problem",
    "Result",
    "SeatsInputError",
    "parse",
    "solve",
]
