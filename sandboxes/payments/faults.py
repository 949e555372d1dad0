"""Fault injection for tests: lost, doubled, late or shuffled webhooks, and a flaky API.

Faults live in memory only: a restarted sandbox starts well-behaved.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Mapping, MutableSequence
from dataclasses import asdict, dataclass
from typing import Any, TypeVar

from .errors import invalid_request

T = TypeVar("T")

_RATES = ("webhook_drop_rate", "webhook_duplicate_rate", "api_error_rate")
_RANGES = ("webhook_delay_ms", "api_latency_ms")
_KNOWN = {*_RATES, *_RANGES, "webhook_reorder", "seed"}


@dataclass(frozen=True)
class FaultSettings:
    webhook_drop_rate: float = 0.0
    webhook_duplicate_rate: float = 0.0
    webhook_reorder: bool = False
    webhook_delay_ms: tuple[int, int] | None = None
    api_error_rate: float = 0.0
    api_latency_ms: tuple[int, int] | None = None
    seed: int | None = None

    @classmethod
    def parse(cls, data: Mapping[str, Any]) -> FaultSettings:
        """Read `POST /_sandbox/faults`; keys left out are off, so `{}` clears every fault."""
        unknown = sorted(set(data) - _KNOWN)
        if unknown:
            raise invalid_request(f"Unknown fault: {', '.join(unknown)}", param=unknown[0])
        reorder = data.get("webhook_reorder", False)
        if not isinstance(reorder, bool):
            raise invalid_request("webhook_reorder must be true or false.", param="webhook_reorder")
        seed = data.get("seed")
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
            raise invalid_request("seed must be an integer.", param="seed")
        return cls(
            webhook_drop_rate=_rate("webhook_drop_rate", data.get("webhook_drop_rate")),
            webhook_duplicate_rate=_rate(
                "webhook_duplicate_rate", data.get("webhook_duplicate_rate")
            ),
            webhook_reorder=reorder,
            webhook_delay_ms=_range_ms("webhook_delay_ms", data.get("webhook_delay_ms")),
            api_error_rate=_rate("api_error_rate", data.get("api_error_rate")),
            api_latency_ms=_range_ms("api_latency_ms", data.get("api_latency_ms")),
            seed=seed,
        )

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        for name in _RANGES:
            if data[name] is not None:
                data[name] = list(data[name])
        return data


class Faults:
    """The current settings and the one random source every fault draws from.

    A seed makes a run repeatable as long as the draws happen in the same order.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._settings = FaultSettings()
        self._random = random.Random()

    @property
    def settings(self) -> FaultSettings:
        with self._lock:
            return self._settings

    def configure(self, settings: FaultSettings) -> None:
        with self._lock:
            self._settings = settings
            self._random = random.Random(settings.seed)

    def api_fails(self) -> bool:
        return self._chance(self.settings.api_error_rate)

    def api_latency_s(self) -> float:
        return self._seconds_in(self.settings.api_latency_ms)

    def webhook_dropped(self) -> bool:
        return self._chance(self.settings.webhook_drop_rate)

    def webhook_duplicated(self) -> bool:
        return self._chance(self.settings.webhook_duplicate_rate)

    def webhook_delay_s(self) -> float:
        return self._seconds_in(self.settings.webhook_delay_ms)

    def maybe_shuffle(self, items: MutableSequence[T]) -> None:
        with self._lock:
            if self._settings.webhook_reorder:
                self._random.shuffle(items)

    def _chance(self, rate: float) -> bool:
        if rate <= 0:
            return False
        with self._lock:
            return self._random.random() < rate

    def _seconds_in(self, bounds: tuple[int, int] | None) -> float:
        if bounds is None:
            return 0.0
        with self._lock:
            return self._random.uniform(*bounds) / 1000.0


def _rate(name: str, value: object) -> float:
    if value is None:
        return 0.0
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise invalid_request(f"{name} must be a number from 0 to 1.", param=name)
    return float(value)


def _range_ms(name: str, value: object) -> tuple[int, int] | None:
    """`[min, max]` milliseconds; a single number means exactly that long."""
    if value is None:
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = [value, value]
    if (
        not isinstance(value, list)
        or len(value) != 2
        or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in value)
        or not 0 <= value[0] <= value[1] <= 600_000
    ):
        raise invalid_request(f"{name} must be [min, max] milliseconds.", param=name)
    return int(value[0]), int(value[1])
