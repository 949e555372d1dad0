"""What vetting decides, for the wing's other packages to act on in the same transaction.

`volunteer_suspended` is sent inside `vetting.services.decide` when a volunteer is
suspended, after their vetting row says so and before the commit. Handlers must not
commit: what they change commits or rolls back with the suspension. A handler that
raises undoes the suspension (the coordinator sees the error).

Receivers:
- programmes: cancels the volunteer's sign-ups for shifts that have not started
  (places go to the waitlist, the volunteer is told).
- mentoring: ends the volunteer's active pairs, so their access to a mentee's alias
  ends at once.

Keyword arguments: `volunteer_id` (int), `reason` (str), `actor` (core.audit.Actor).
The sender is the Vetting row. Connect with `volunteer_suspended.connect(handler)` in
the package's `init_app`; the handler takes `(sender, **kwargs)`.
"""

from __future__ import annotations

from blinker import Namespace

_vetting = Namespace()

volunteer_suspended = _vetting.signal("volunteer-suspended")
