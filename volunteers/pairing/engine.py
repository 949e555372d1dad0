"""Maximum-weight b-matching of volunteers and mentees, as one sparse assignment problem.

Each volunteer becomes as many "places" as it may take mentees (never more
than the mentees it has a positive score with), each mentee one row, and each
mentee also gets a place of its own that stands for "no pair". Every mentee is
then assigned to exactly one place, which is the rectangular assignment problem
that ``scipy.sparse.csgraph.min_weight_full_bipartite_matching`` (LAPJVsp, a
shortest-augmenting-path method) solves exactly on a sparse matrix.

Weights. The solver ignores explicit zeros, so a mentee's own place weighs
``b`` (the smallest positive score) and a real place ``score + b``. Every
mentee takes exactly one place, so the objective is the sum of the chosen
scores plus ``b`` per mentee, a constant: maximising it maximises the total.
With integer scores (at most 1e9, see ``problem``) every weight and every sum
the solver forms is an integer below 2**53, exact in a float, so the total is
exactly optimal; with fractional scores, optimal up to float rounding.

Only positive scores are edges: a pair whose score is 0 or negative adds
nothing (or takes away), so it is never formed, and the optimum over the
remaining pairs is the optimum over all.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
from scipy.sparse import csr_array
from scipy.sparse.csgraph import min_weight_full_bipartite_matching

from volunteers.pairing.problem import PairingInputError, Problem, Score
from volunteers.pairing.result import Result, pair, unpaired

IntArray = npt.NDArray[np.intp]
FloatArray = npt.NDArray[np.float64]

# Edges of the assignment problem: each scored pair once per place of its
# volunteer, plus one per mentee. The benchmark's 720,000 pairs with capacities
# of 1-3 make about 1.4 million; at this limit the solve takes about 0.5 s and
# 400 MB on the 2-core machine.
MAX_EDGES = 12_000_000


class ProblemTooLargeError(PairingInputError):
    """The problem would need more than :data:`MAX_EDGES` edges."""


def _assignment_matrix(
    row: IntArray,
    first_column: IntArray,
    copies: IntArray,
    weight: FloatArray,
    shape: tuple[int, int],
) -> csr_array:
    """The sparse matrix where entry k of the inputs fills ``copies[k]`` consecutive
    columns from ``first_column[k]`` in ``row[k]``, all with ``weight[k]``.

    Built as CSR directly (no COO copy to convert), with 32-bit indices: at the
    edge limit the matrix itself is about 150 MB.
    """
    order = np.argsort(row, kind="stable")
    row, first_column, copies, weight = (
        row[order],
        first_column[order],
        copies[order],
        weight[order],
    )
    indptr = np.zeros(shape[0] + 1, dtype=np.int64)
    np.cumsum(np.bincount(row, weights=copies, minlength=shape[0]).astype(np.int64), out=indptr[1:])
    copies = copies.astype(np.int32)
    data = np.repeat(weight, copies)
    # Column of each edge: its entry's first column plus its rank among the entry's copies.
    indices = np.arange(data.size, dtype=np.int32)
    indices -= np.repeat((np.cumsum(copies, dtype=np.int64) - copies).astype(np.int32), copies)
    indices += np.repeat(first_column.astype(np.int32), copies)
    return csr_array((data, indices, indptr.astype(np.int32)), shape=shape)


def _match(
    volunteer: IntArray, mentee: IntArray, weight: FloatArray, places: IntArray, mentees: int
) -> IntArray:
    """Which of the given pairs (all with positive weight) to form; indexes into them."""
    usable = np.flatnonzero(places[volunteer] > 0)
    if usable.size == 0:
        return usable
    volunteer, mentee, weight = volunteer[usable], mentee[usable], weight[usable]

    active = np.zeros(mentees, dtype=bool)
    active[mentee] = True
    active_mentees = np.flatnonzero(active)
    row_of = np.full(mentees, -1, dtype=np.intp)
    row_of[active_mentees] = np.arange(active_mentees.size)
    rows = active_mentees.size

    first_place = np.cumsum(places) - places
    place_count = int(places.sum())
    copies = places[volunteer]
    edges = int(copies.sum()) + rows
    if edges > MAX_EDGES:
        raise ProblemTooLargeError(
            f"problem too large: {edges:,} edges (each scored pair once per place of its "
            f"volunteer, and one per mentee); the limit is {MAX_EDGES:,}"
        )
    matrix = _assignment_matrix(
        row=np.concatenate([row_of[mentee], np.arange(rows)]),
        first_column=np.concatenate([first_place[volunteer], place_count + np.arange(rows)]),
        copies=np.concatenate([copies, np.ones(rows, dtype=copies.dtype)]),
        # The dummy places weigh `base`; a real place weighs score + base (module docstring).
        weight=np.concatenate([weight, np.zeros(rows)]) + weight.min(),
        shape=(rows, place_count + rows),
    )
    row, column = min_weight_full_bipartite_matching(matrix, maximize=True)
    real = column < place_count
    owner = np.repeat(np.arange(places.size), places)
    chosen_volunteer = owner[column[real]]
    chosen_mentee = active_mentees[row[real]]

    # Back from (volunteer, mentee) to the pair's position among the usable pairs.
    key = volunteer.astype(np.int64) * mentees + mentee
    order = np.argsort(key)
    found = np.searchsorted(key[order], chosen_volunteer.astype(np.int64) * mentees + chosen_mentee)
    chosen: IntArray = usable[order[found]]
    return chosen


def _fill_open_places(
    volunteer: IntArray,
    mentee: IntArray,
    weight: FloatArray,
    capacity: IntArray,
    chosen: IntArray,
    mentees: int,
) -> IntArray:
    """Add any pair still open (mentee unpaired, volunteer with a place left), best first.

    An optimal answer has none, so with integer scores this adds nothing. It is
    here so that "every better volunteer is full", which the reasons state,
    holds even if float rounding misled the solver on fractional scores.
    """
    load = np.bincount(volunteer[chosen], minlength=capacity.size)
    paired = np.zeros(mentees, dtype=bool)
    paired[mentee[chosen]] = True
    added = []
    while True:
        open_ = np.flatnonzero(~paired[mentee] & (load[volunteer] < capacity[volunteer]))
        if open_.size == 0:
            break
        best = int(open_[np.argmax(weight[open_])])
        added.append(best)
        load[volunteer[best]] += 1
        paired[mentee[best]] = True
    if not added:
        return chosen
    return np.concatenate([chosen, np.array(added, dtype=np.intp)])


def _total(scores: list[Score]) -> Score:
    if all(isinstance(score, int) for score in scores):
        return sum(scores)
    return math.fsum(scores)  # correctly rounded, whatever the order


def solve(problem: Problem) -> Result:
    """Pair mentees with volunteers so that the total score is as high as possible.

    Promises: each mentee in at most one pair, each volunteer in at most its
    capacity; only pairs listed in the scores with a positive score are formed;
    the total (the sum of the pairs' scores as given) is the highest possible,
    exactly for integer scores. The same input gives the same answer. Raises
    :class:`ProblemTooLargeError` beyond :data:`MAX_EDGES`.
    """
    scores = problem.scores
    mentees = len(problem.mentees)
    positive = np.flatnonzero(scores.value > 0)
    volunteer = scores.volunteer[positive]
    mentee = scores.mentee[positive]
    weight = scores.value[positive]
    capacity = np.array([v.capacity for v in problem.volunteers], dtype=np.intp)
    # A volunteer never needs more places than mentees it could take.
    places = np.minimum(capacity, np.bincount(volunteer, minlength=capacity.size))

    chosen = _match(volunteer, mentee, weight, places, mentees)
    chosen = _fill_open_places(volunteer, mentee, weight, capacity, chosen, mentees)
    chosen = chosen[np.lexsort((mentee[chosen], volunteer[chosen]))]

    candidates = np.bincount(mentee, minlength=mentees)
    chosen_weight = np.full(mentees, np.inf)
    chosen_weight[mentee[chosen]] = weight[chosen]
    higher = np.bincount(mentee[weight > chosen_weight[mentee]], minlength=mentees)

    given = [scores.given[int(k)] for k in positive[chosen]]
    pairs = tuple(
        pair(
            problem.volunteers[v].id,
            problem.mentees[m].id,
            score,
            rank=int(higher[m]) + 1,
            candidates=int(candidates[m]),
        )
        for v, m, score in zip(
            volunteer[chosen].tolist(), mentee[chosen].tolist(), given, strict=True
        )
    )
    paired = np.zeros(mentees, dtype=bool)
    paired[mentee[chosen]] = True
    left = tuple(
        unpaired(problem.mentees[m].id, int(candidates[m]))
        for m in np.flatnonzero(~paired).tolist()
    )
    return Result(pairs=pairs, total=_total(given), unpaired=left)
