"""A report's small cells hidden (core.small_cells), and the note that tells the reader
why a figure shows less than they asked for: one wording for every section."""

from __future__ import annotations

from collections.abc import Sequence

from flask_babel import gettext

from core.small_cells import Cell, Disclosed, suppress_small_cells


def towns_merged_note() -> str:
    return str(
        gettext(
            "Towns counting fewer than 3 people are merged into “Other towns”, with"
            " the next smallest town, so that no one can be singled out."
        )
    )


def hide_small_cells(
    cells: Sequence[Cell],
    notes: list[str],
    merged_note: str,
    *,
    disjoint: bool = False,
    total_people: int | None = None,
    other_key: str,
) -> Disclosed:
    """`suppress_small_cells`, with a note added to `notes` when anything was hidden:
    everything (too few people in all), or the small cells merged (`merged_note`)."""
    shown = suppress_small_cells(
        cells, disjoint=disjoint, total_people=total_people, other_key=other_key
    )
    if shown.suppressed:
        notes.append(gettext("Too few people to show without singling someone out."))
    elif shown.merged:
        notes.append(merged_note)
    return shown
