"""Bases (教育基地, 公益基地, 就业基地): the bases themselves, the people placed at them for a
period, and the sessions they log there, approved or declined."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    from jobs_bases.bases import lifecycle
    from jobs_bases.lifecycle import follow_person
    from jobs_bases.partners.access import register_horizon

    register_horizon(lifecycle.placements_end)
    follow_person(
        ended=lifecycle.on_person_ended,
        transferred=lifecycle.on_person_transferred,
        anonymised=lifecycle.on_person_anonymised,
    )
