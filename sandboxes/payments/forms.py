"""Stripe-style request parameters: bracketed form keys, read through typed getters.

`metadata[donation_id]=7&enabled_events[]=a&types[0]=b` becomes
`{"metadata": {"donation_id": "7"}, "enabled_events": ["a"], "types": {"0": "b"}}`;
Stripe's SDK writes lists with indexes, curl users write `[]`, and `Params.strings`
reads both. JSON bodies are folded into the same shape (scalars become strings) so
every endpoint has one parsing path.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import TypeAlias, cast
from urllib.parse import parse_qsl

from .errors import invalid_request, missing_param, unknown_param

FormValue: TypeAlias = "str | list[FormValue] | dict[str, FormValue]"
FormDict: TypeAlias = dict[str, FormValue]

_KEY = re.compile(r"^([^\[\]]+)((?:\[[^\[\]]*\])*)$")
_SEGMENT = re.compile(r"\[([^\[\]]*)\]")
MAX_AMOUNT = 99_999_999
_TRUE = {"true", "1"}
_FALSE = {"false", "0"}


def parse_form(body: str) -> FormDict:
    return parse_pairs(parse_qsl(body, keep_blank_values=True))


def parse_json(body: bytes) -> FormDict:
    try:
        data = json.loads(body or b"{}")
    except ValueError as exc:
        raise invalid_request("Invalid JSON body.") from exc
    if not isinstance(data, dict):
        raise invalid_request("The JSON body must be an object.")
    return cast(FormDict, _fold(data))


def parse_pairs(pairs: Iterable[tuple[str, str]]) -> FormDict:
    root: FormDict = {}
    for key, value in pairs:
        match = _KEY.match(key)
        if match is None:
            raise invalid_request(f"Invalid parameter name: {key}", param=key)
        path = [match.group(1), *_SEGMENT.findall(match.group(2))]
        _insert(root, path, value, key)
    return root


def _insert(container: FormDict, path: list[str], value: str, key: str) -> None:
    head, rest = path[0], path[1:]
    if not rest:
        if head in container:
            raise invalid_request(f"Parameter {key} was given more than once.", param=key)
        container[head] = value
        return
    if rest == [""]:
        existing = container.setdefault(head, [])
        if not isinstance(existing, list):
            raise invalid_request(f"Invalid array: {key}", param=key)
        existing.append(value)
        return
    if "" in rest:
        raise invalid_request(f"Arrays may only be the last part of a name: {key}", param=key)
    child = container.setdefault(head, {})
    if not isinstance(child, dict):
        raise invalid_request(f"Invalid hash: {key}", param=key)
    _insert(child, rest, value, key)


def _fold(value: object) -> FormValue:
    if isinstance(value, dict):
        return {str(k): _fold(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_fold(v) for v in value]
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    return str(value)


class Params:
    """The parameters of one request; each getter validates and marks its key as read.

    `reject_unknown()` then refuses whatever no getter asked for, as Stripe does.
    """

    def __init__(self, data: FormDict) -> None:
        self.data = data
        self._read: set[str] = {"expand"}

    def string(self, name: str, *, required: bool = False) -> str | None:
        value = self._take(name)
        if value is None or value == "":
            if required:
                raise missing_param(name)
            return None
        if not isinstance(value, str):
            raise invalid_request(
                f"Invalid string: {name}", code="parameter_invalid_string", param=name
            )
        return value

    def required_string(self, name: str) -> str:
        value = self.string(name, required=True)
        assert value is not None
        return value

    def integer(
        self, name: str, *, required: bool = False, minimum: int = 1, maximum: int = MAX_AMOUNT
    ) -> int | None:
        raw = self.string(name, required=required)
        if raw is None:
            return None
        if not re.fullmatch(r"-?\d+", raw):
            raise invalid_request(
                f"Invalid integer: {raw}", code="parameter_invalid_integer", param=name
            )
        number = int(raw)
        if number < minimum:
            raise invalid_request(
                f"This value must be greater than or equal to {minimum}.",
                code="parameter_invalid_integer",
                param=name,
            )
        if number > maximum:
            raise invalid_request(
                f"This value must be less than or equal to {maximum}.",
                code="parameter_invalid_integer",
                param=name,
            )
        return number

    def boolean(self, name: str) -> bool:
        raw = self.string(name)
        if raw is None:
            return False
        if raw.lower() in _TRUE:
            return True
        if raw.lower() in _FALSE:
            return False
        raise invalid_request(f"Invalid boolean: {raw}", param=name)

    def choice(self, name: str, allowed: Iterable[str]) -> str | None:
        value = self.string(name)
        options = sorted(allowed)
        if value is not None and value not in options:
            raise invalid_request(
                f"Invalid {name}: must be one of {', '.join(options)}", param=name
            )
        return value

    def strings(self, name: str) -> list[str] | None:
        """A list given as `name[]=a`, `name[0]=a` (the SDK) or a JSON array."""
        value = self._take(name)
        if value is None:
            return None
        if isinstance(value, dict) and all(key.isdigit() for key in value):
            value = [value[key] for key in sorted(value, key=int)]
        if isinstance(value, str) and value == "":
            return []
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise invalid_request(f"Invalid array: {name}", param=name)
        return [cast(str, item) for item in value]

    def mapping(self, name: str) -> dict[str, FormValue] | None:
        value = self._take(name)
        if value is None:
            return None
        if not isinstance(value, dict):
            raise invalid_request(f"Invalid hash: {name}", param=name)
        return value

    def metadata(self, current: dict[str, str] | None = None) -> dict[str, str] | None:
        """The metadata after this request, or None when it leaves metadata alone.

        As in Stripe, a key with an empty value is unset and `metadata=` clears all.
        """
        value = self._take("metadata")
        if value is None:
            return None
        if value == "":
            return {}
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            raise invalid_request("Invalid hash: metadata", param="metadata")
        merged = dict(current or {})
        for key, item in value.items():
            if item == "":
                merged.pop(key, None)
            else:
                merged[key] = cast(str, item)
        if len(merged) > 50:
            raise invalid_request("Metadata may have at most 50 keys.", param="metadata")
        return merged

    def reject_unknown(self) -> None:
        for name in self.data:
            if name not in self._read:
                raise unknown_param(name)

    def _take(self, name: str) -> FormValue | None:
        self._read.add(name)
        return self.data.get(name)
