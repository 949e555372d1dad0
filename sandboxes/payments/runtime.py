"""The running sandbox's parts, shared by the views of one app."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from flask import current_app

from .config import SandboxConfig
from .endpoints import ensure_preregistered_endpoint
from .faults import Faults
from .store import Store
from .webhooks import Dispatcher

EXTENSION = "payments_sandbox"

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Sandbox:
    config: SandboxConfig
    store: Store
    faults: Faults
    dispatcher: Dispatcher


def open_sandbox(config: SandboxConfig) -> Sandbox:
    """Create or upgrade the database and register the configured webhook endpoint."""
    store = Store(config.db_path)
    store.migrate()
    if config.webhook_url:
        with store.write() as conn:
            endpoint = ensure_preregistered_endpoint(
                conn, config.webhook_url, config.webhook_secret, list(config.webhook_events)
            )
        logger.info(
            "webhook endpoint %s receives %s at %s",
            endpoint["id"],
            ", ".join(endpoint["enabled_events"]),
            endpoint["url"],
        )
        if not config.webhook_secret:
            # Nobody chose the secret, so whoever runs the sandbox must be told it.
            logger.warning("SANDBOX_WEBHOOK_SECRET is unset; signing with %s", endpoint["secret"])
    faults = Faults()
    return Sandbox(config, store, faults, Dispatcher(store, faults, config))


def current_sandbox() -> Sandbox:
    sandbox = current_app.extensions[EXTENSION]
    assert isinstance(sandbox, Sandbox)
    return sandbox
