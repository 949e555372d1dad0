"""What volunteers are shown, checked over a whole run for the identity of the people helped.

Volunteers never see a person's name, ID number or phone (only a mentee's alias, after
vetting and pairing). Every answer under `/v/` in any test is recorded (Flask's
`request_finished` signal, whatever app or client made it), and so are the words of
every file and message made for a volunteer: the hours certificate's text as it is
drawn, and each message handed to a delivery. At the end of a whole run
(tests/session_checks.py) all of it is scanned for an ID-card number and for the
names, phones and ID numbers of every person the factories registered
(`tests.factories.PEOPLE`). A volunteer's own email and phone may appear on their
own pages (the registration form shows what they typed), so a bare mobile number is
not a finding: a person's phone is.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, quote_plus

from flask import Flask, Response, request, request_finished

import volunteers.accounts.messages as messages
import volunteers.programmes.certificate_png as certificate_png
from tests.factories import PEOPLE
from tests.session_checks import Verdict, session_check

ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
# Random ids (UUIDs) may hold digit runs; they carry nothing about a person.
OPAQUE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@dataclass(frozen=True)
class Seen:
    what: str  # "page", "certificate", "message"
    where: str
    text: str


SEEN: list[Seen] = []


def findings_in(
    text: str, people: Iterable[tuple[str | None, str | None, str | None]] | None = None
) -> list[str]:
    """Identity of a person in `text`: an ID-card number, or a known person's name,
    ID number or phone (`people`: (name, id number, phone); the factories' by default)."""
    text = OPAQUE.sub(" ", text)
    found = [f"ID number {m}" for m in ID_NUMBER.findall(text)]
    if people is None:
        names, ids, phones = PEOPLE.names, PEOPLE.id_numbers, PEOPLE.phones
    else:
        rows = list(people)
        names = {n for n, _i, _p in rows if n}
        ids = {i for _n, i, _p in rows if i}
        phones = {p for _n, _i, p in rows if p}
    found += [f"name {n}" for n in sorted(names) if n in text]
    found += [f"ID {i}" for i in sorted(ids) if i in text]
    found += [f"phone {p}" for p in sorted(phones) if p in text]
    return found


def _on_response(_app: Flask, response: Response, **_kw: Any) -> None:
    if not request.path.startswith("/v/") or response.direct_passthrough:
        return
    if (response.mimetype or "").startswith("image/"):
        return  # its words are recorded as drawn (below)
    if 300 <= response.status_code < 400:
        return  # a redirect's body only names where to go (the fuzzer's own path, say)
    # What the client itself sent (a path the route fuzzer made up) is no leak.
    text = response.get_data(as_text=True)
    # (also the path and query as a link of the page's layout carries them: the language
    # switch's `next`, quoted the way Werkzeug builds a query string)
    in_a_link = quote_plus(request.full_path, safe="!$'()*,/:;?@")
    for sent in {request.full_path, request.path, quote(request.path, safe=""), in_a_link}:
        text = text.replace(sent, " ")
    SEEN.append(Seen("page", f"{request.method} {request.path} {response.status_code}", text))


def watch_volunteer_surface() -> None:
    """Record, for the rest of the session, everything made for volunteers to see."""
    if getattr(watch_volunteer_surface, "watching", False):
        return
    watch_volunteer_surface.watching = True  # type: ignore[attr-defined]
    request_finished.connect(_on_response, weak=False)

    drawn = certificate_png.draw_certificate  # type: ignore[attr-defined]

    @functools.wraps(drawn)
    def draw(title: str, lines: Any, number: str, issued_on: Any, issuer: str) -> bytes:
        SEEN.append(Seen("certificate", number, "\n".join([title, *lines, number, issuer])))
        return drawn(title, lines, number, issued_on, issuer)

    certificate_png.draw_certificate = draw  # type: ignore[attr-defined]

    for delivery in (messages.MemoryDelivery, messages.FileDelivery):
        original = delivery.deliver

        def deliver(
            self: Any, channel: str, address: str, text: messages.Text, _original: Any = original
        ) -> None:
            SEEN.append(Seen("message", channel, f"{text.subject}\n{text.body}"))
            _original(self, channel, address, text)

        delivery.deliver = deliver  # type: ignore[method-assign]


@session_check("volunteer-facing pages and files show no identity")
def nothing_shown_to_volunteers_names_a_person() -> Verdict:
    problems = []
    kinds = {seen.what for seen in SEEN}
    if not PEOPLE.names:
        problems.append("no person was registered during the run: nothing to look for")
    for kind in ("page", "certificate", "message"):
        if kind not in kinds:
            problems.append(f"no volunteer {kind} was recorded (tests/volunteers)")
    for seen in SEEN:
        for finding in findings_in(seen.text):
            problems.append(f"{seen.what} {seen.where}: {finding}")
    counts = ", ".join(
        f"{sum(s.what == k for s in SEEN)} {k}s" for k in ("page", "certificate", "message")
    )
    return Verdict(f"{counts} scanned for {len(PEOPLE.names)} people", problems)
