"""The provider's event types the platform acts on.

Everything else the provider sends (`payment_intent.created`, `charge.refunded`) is
acknowledged unread, so a deployment subscribes its webhook endpoint to these only
(Stripe's `enabled_events`; the sandbox's `SANDBOX_WEBHOOK_EVENTS`): half the
deliveries of a donation, and their requests, are saved. Reconciliation reads every
event from the provider's event list whatever the subscription.
"""

from __future__ import annotations

APPLIED_TYPES = frozenset(
    {
        "payment_intent.succeeded",
        "payment_intent.payment_failed",
        "payment_intent.canceled",
        "refund.created",
        "refund.updated",
    }
)


def subscription() -> str:
    """The types as `SANDBOX_WEBHOOK_EVENTS` takes them."""
    return ",".join(sorted(APPLIED_TYPES))
