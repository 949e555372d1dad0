"""Lifecycle signals: the ground floor tells the wings what happened to a need or a person.

`core/` imports no wing, so a wing that keeps something hanging from a need or a person
(a listing on the map, a placement, a mentoring pair) connects a handler here in its
`init_app`. Signals are sent inside the use case's transaction, before it commits, and
handlers must not commit: what they change commits or rolls back with the use case.
Blinker is what Flask's own signals use.
"""

from __future__ import annotations

from blinker import Namespace

_lifecycle = Namespace()

# sender: the Need, already cancelled (status set, not yet committed).
need_cancelled = _lifecycle.signal("need-cancelled")
# sender: the Need just published (not yet committed); keyword `destination`, where the
# publishing officer chose to show it (a wing's id, e.g. a fundraising project), and
# `actor`. The wing that owns the destination shows it there in the same transaction.
need_published = _lifecycle.signal("need-published")
# sender: the Need about to take a new amount; keyword `amount_fen`. A handler that
# holds money for the need raises a DomainError to refuse an amount below it.
need_amount_changing = _lifecycle.signal("need-amount-changing")
# sender: the Person whose case ended.
person_ended = _lifecycle.signal("person-ended")
# sender: the Person, now in their new office; keyword `from_office_id`.
person_transferred = _lifecycle.signal("person-transferred")
# sender: the Person, just stripped of identity (anonymise-ended).
person_anonymised = _lifecycle.signal("person-anonymised")
