"""What happens to a volunteer account, for the wing's higher packages to act on.

Sent inside the use case's transaction, before it commits; handlers must not commit
(as core.signals). Vetting opens a volunteer's vetting record when they register.
"""

from __future__ import annotations

from blinker import Namespace

_accounts = Namespace()

# sender: the Volunteer just registered (flushed, so it has an id; not yet committed).
volunteer_registered = _accounts.signal("volunteer-registered")
