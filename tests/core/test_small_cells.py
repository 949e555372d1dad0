"""Small-cell suppression (core/small_cells.py): no shown cell counts 1 or 2 people, and the
shown cells always add up to the total shown, whatever the table."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.small_cells import MINIMUM_PEOPLE, OTHER, Cell, suppress_small_cells

WIDTH = 2


@st.composite
def tables(draw: st.DrawFn, groups: int = 1) -> list[Cell]:
    n = draw(st.integers(min_value=0, max_value=12))
    counts = st.integers(min_value=0, max_value=8)
    return [
        Cell(
            f"town{i}",
            draw(counts),
            tuple(draw(st.integers(min_value=0, max_value=10**9)) for _ in range(WIDTH)),
            tuple(draw(counts) for _ in range(groups - 1)),
        )
        for i in range(n)
    ]


def _sum(cells: tuple[Cell, ...] | list[Cell]) -> tuple[int, ...]:
    if not cells:
        return ()
    return tuple(sum(cell.values[i] for cell in cells) for i in range(WIDTH))


@given(tables(), st.booleans())
def test_no_shown_cell_counts_fewer_than_three_people(cells, disjoint):
    shown = suppress_small_cells(cells, disjoint=disjoint)

    assert all(cell.people == 0 or cell.people >= MINIMUM_PEOPLE for cell in shown.cells)


@given(tables(), st.booleans())
def test_shown_cells_add_up_to_the_total_or_the_total_is_suppressed(cells, disjoint):
    shown = suppress_small_cells(cells, disjoint=disjoint)

    if shown.suppressed:
        assert shown.cells == ()
        assert shown.total_people is None
    else:
        assert shown.total == _sum(cells)
        assert _sum(shown.cells) == shown.total


@given(tables(groups=3), st.booleans())
def test_every_count_of_people_a_row_shows_is_held_to_the_rule(cells, disjoint):
    """A town row shows people registered, people with needs and people funded: none of
    the three may be 1 or 2 in any shown row."""
    shown = suppress_small_cells(cells, disjoint=disjoint)

    for cell in shown.cells:
        assert all(count == 0 or count >= MINIMUM_PEOPLE for count in cell.counts)
    if not shown.suppressed:
        assert _sum(shown.cells) == shown.total == _sum(cells)


@given(tables(groups=2))
def test_a_disjoint_table_keeps_its_counts(cells):
    shown = suppress_small_cells(cells, disjoint=True)

    if not shown.suppressed and cells:
        for group in range(2):
            assert sum(c.counts[group] for c in shown.cells) == sum(c.counts[group] for c in cells)


@given(tables())
def test_a_disjoint_table_keeps_its_people(cells):
    shown = suppress_small_cells(cells, disjoint=True)

    if not shown.suppressed:
        assert sum(cell.people for cell in shown.cells) == sum(cell.people for cell in cells)


@given(tables(), st.booleans())
def test_a_lone_small_cell_cannot_be_recovered_by_subtraction(cells, disjoint):
    """Whatever was merged is never one small cell alone: the other cell is as large as
    the minimum, so the total minus the shown cells gives no one's figures away."""
    shown = suppress_small_cells(cells, disjoint=disjoint)

    others = [cell for cell in shown.cells if cell.key == OTHER]
    if others:
        assert others[0].people >= MINIMUM_PEOPLE
        assert set(shown.merged) == {c.key for c in cells} - {
            c.key for c in shown.cells if c.key != OTHER
        }


@given(tables())
def test_large_cells_untouched_when_no_cell_is_small(cells):
    large = [cell for cell in cells if cell.people == 0 or cell.people >= MINIMUM_PEOPLE]

    shown = suppress_small_cells(large, disjoint=True)

    assert list(shown.cells) == large
    assert shown.merged == ()


def test_two_small_towns_merge_with_the_smallest_large_one():
    cells = [Cell("a", 1, (100,)), Cell("b", 5, (500,)), Cell("c", 4, (400,)), Cell("d", 1, (9,))]

    shown = suppress_small_cells(cells, disjoint=True)

    assert [c.key for c in shown.cells] == ["b", OTHER]
    assert shown.cells[-1] == Cell(OTHER, 6, (509,))
    assert shown.merged == ("a", "c", "d")
    assert shown.total == (1009,)


def test_everyone_together_below_three_hides_the_table():
    shown = suppress_small_cells([Cell("a", 1, (1,)), Cell("b", 1, (2,))], disjoint=True)

    assert shown.suppressed and shown.cells == ()


def test_overlapping_cells_never_add_up_people():
    """One person with needs in three categories is not three people."""
    cells = [Cell("medical", 1, (1,)), Cell("housing", 1, (1,)), Cell("legal", 1, (1,))]

    assert suppress_small_cells(cells).suppressed
    assert suppress_small_cells(cells, total_people=1).suppressed
    shown = suppress_small_cells(cells, total_people=3)
    assert shown.cells == (Cell(OTHER, 3, (3,)),)


def test_a_row_with_two_funded_people_is_merged_though_its_town_has_many():
    cells = [
        Cell("a", 10, (100,), (2,)),
        Cell("b", 12, (300,), (5,)),
        Cell("c", 9, (0,), (0,)),
        Cell("d", 20, (700,), (7,)),
    ]

    shown = suppress_small_cells(cells, disjoint=True)

    assert [c.key for c in shown.cells] == ["c", "d", OTHER]
    assert shown.cells[-1] == Cell(OTHER, 22, (400,), (7,))


def test_negative_people_are_refused():
    with pytest.raises(ValueError):
        suppress_small_cells([Cell("a", -1)])
