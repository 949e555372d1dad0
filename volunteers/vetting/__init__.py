"""Vetting of volunteers: documents seen, interview, confidentiality pledge, training,
juvenile clearance, and the decisions (approved, rejected, suspended) with reasons.

A suspension is announced by `signals.volunteer_suspended`, in its transaction.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    from volunteers.accounts.signals import volunteer_registered
    from volunteers.vetting import services

    volunteer_registered.connect(services.on_volunteer_registered)
