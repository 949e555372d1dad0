"""Small-cell suppression: figures shown outside casework never single out a person.

Public disclosure and the figures finance, coordinators and partners see are tables of
cells (a town, a category), each counting some people and carrying additive figures
(needs, amounts in fen). A cell that counts fewer than `minimum` people (3) could point
at someone in a small town, so it is never shown on its own:

- every small cell is merged into one "other" cell;
- an "other" cell still below the minimum also takes the smallest cell that was large
  enough, so that it reaches the minimum and cannot be recovered by subtracting the
  shown cells from the total;
- when even everything together counts fewer than the minimum, nothing is shown and the
  total is marked suppressed.

So every shown cell counts 0 or at least `minimum` people, and the shown cells always
add up to the total shown. Cells with no people (a category nobody needed) stay: a zero
singles out nobody.

People may sit in several cells (one person with needs in two categories). Then a merged
cell's people cannot be added up: `disjoint=False` (the default, the safe reading)
counts a merged cell as only as many people as its largest member, and `total_people`
gives the true number of distinct people behind the whole table. Cells that split the
people (each person in one town) are `disjoint=True`, and merged counts add up.

Pure: no database, no Flask. Tested with generated tables (tests/core/test_small_cells.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

MINIMUM_PEOPLE = 3
OTHER = "other"


@dataclass(frozen=True)
class Cell:
    """One row of a table: its key, the people it counts, and its additive figures.

    `more_people` are further counts of people the row shows, each a subset or another
    group (those funded among those with needs): the rule holds for every one of them.
    """

    key: str
    people: int
    values: tuple[int, ...] = ()
    more_people: tuple[int, ...] = ()

    @property
    def counts(self) -> tuple[int, ...]:
        return (self.people, *self.more_people)


@dataclass(frozen=True)
class Disclosed:
    """What may be shown of a table."""

    cells: tuple[Cell, ...]
    # Keys merged into the OTHER cell (empty when nothing was merged).
    merged: tuple[str, ...]
    # The sum of every cell's values; None when the whole table is suppressed.
    total: tuple[int, ...] | None
    total_people: int | None

    @property
    def suppressed(self) -> bool:
        return self.total is None


def _add(a: tuple[int, ...], b: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(x + y for x, y in zip(a, b, strict=True))


def _small(counts: tuple[int, ...], minimum: int) -> bool:
    return any(0 < count < minimum for count in counts)


def _combine(cells: Sequence[Cell], width: int, disjoint: bool) -> tuple[int, ...]:
    """People of merged cells: added up when they split the people, else only as many as
    the largest member counts (a lower bound: the same person may be in several)."""
    combined = (0,) * width
    for cell in cells:
        combined = (
            _add(combined, cell.counts)
            if disjoint
            else tuple(max(a, b) for a, b in zip(combined, cell.counts, strict=True))
        )
    return combined


def suppress_small_cells(
    cells: Sequence[Cell],
    *,
    minimum: int = MINIMUM_PEOPLE,
    disjoint: bool = False,
    total_people: int | None = None,
    other_key: str = OTHER,
) -> Disclosed:
    """The cells as they may be shown: none counting 1 to `minimum - 1` people.

    The order of the cells is kept; the merged cell (key `other_key`) comes last.
    `total_people` is the number of distinct people behind the whole table, when the
    caller knows it (needed for overlapping cells, where counts cannot be added).
    """
    if any(count < 0 for cell in cells for count in cell.counts):
        raise ValueError("a cell cannot count fewer than zero people")
    if len({len(cell.values) for cell in cells}) > 1 or len({len(c.counts) for c in cells}) > 1:
        raise ValueError("every cell carries the same figures and counts")
    width = len(cells[0].values) if cells else 0
    groups = len(cells[0].counts) if cells else 1
    total = (0,) * width
    for cell in cells:
        total = _add(total, cell.values)
    everyone = _combine(cells, groups, disjoint)
    if total_people is not None:
        everyone = (total_people, *everyone[1:])
    if _small(everyone, minimum):
        return Disclosed((), (), None, None)

    merged = [cell for cell in cells if _small(cell.counts, minimum)]
    if not merged:
        return Disclosed(tuple(cells), (), total, everyone[0])
    large = sorted(
        (cell for cell in cells if not _small(cell.counts, minimum)),
        key=lambda c: (c.counts, c.key),
    )
    counts = _combine(merged, groups, disjoint)
    while _small(counts, minimum):
        short = [i for i, count in enumerate(counts) if 0 < count < minimum]
        helper = next((c for c in large if any(c.counts[i] >= minimum for i in short)), None)
        if helper is None:
            break
        large.remove(helper)
        merged.append(helper)
        counts = _combine(merged, groups, disjoint)
    if not any(any(cell.counts) for cell in large):
        # Everyone is in the other cell: it is the whole table, whose people are known.
        counts = everyone
    if _small(counts, minimum):
        # Nothing large enough to hide the small cells behind: show nothing.
        return Disclosed((), (), None, None)
    merged_keys = {cell.key for cell in merged}
    values = (0,) * width
    for cell in merged:
        values = _add(values, cell.values)
    kept = tuple(cell for cell in cells if cell.key not in merged_keys)
    return Disclosed(
        (*kept, Cell(other_key, counts[0], values, counts[1:])),
        tuple(cell.key for cell in cells if cell.key in merged_keys),
        total,
        everyone[0],
    )


def hide_small(count: int, *, minimum: int = MINIMUM_PEOPLE) -> int | None:
    """A count of people as it may be shown on its own: None (not shown) when it is 1 to
    `minimum - 1`. For figures that are not cells of one table (the steps of a funnel, a
    line of a feed), where nothing can be merged."""
    return None if 0 < count < minimum else count


__all__ = [
    "MINIMUM_PEOPLE",
    "OTHER",
    "Cell",
    "Disclosed",
    "hide_small",
    "suppress_small_cells",
]
