"""Load a province's worth of rows into a PostgreSQL database, in bulk (COPY).

100,000 people (with a need for one in two) and 1,000,000 paid donations by default, on top
of the demo. Not through the webhook, which would take hours, but so that what the
platform checks still holds:

- People's identity fields are encrypted by the models' own column type and blind
  indexes made by the same keyring: names, phones and addresses from a small set
  encrypted once and reused, each ID number (unique) encrypted on its own.
- Every donation is a copy of one donation paid through the real booking path
  (`receive_payment`), with its balanced receipt entry, so `flask ledger-check` holds.
- Each person registered has its audit entry, sealed into the chain by the real
  sealing job (`seal_all`), so `flask audit-verify` holds.

The keys are made on the first run and kept in instance/bench-lists-keys.json, so a later
run (and `flask ledger-check` / `flask audit-verify` with those keys) reads the same data.
"""

from __future__ import annotations

import json
import os
import random
import time
import uuid
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import func, select, text

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/kp_lists_bench"
KEYS_FILE = Path("instance") / "bench-lists-keys.json"
NAMES = "张伟 王芳 李娜 刘洋 陈静 杨勇 黄磊 赵敏 周杰 吴霞 徐强 孙丽 马超 朱红 胡斌 郭涛 何平 林峰 罗军 梁燕".split()
STREETS = "幸福路 人民路 中山路 长沙路 水口路 赤坎大道 月山街 沙塘街 苍城路 百合街".split()


def bench_keys() -> dict[str, str]:
    """The bench database's keys, made once and kept beside it."""
    from core.crypto import Keyring

    if KEYS_FILE.exists():
        keys: dict[str, str] = json.loads(KEYS_FILE.read_text())
        return keys
    keys = {
        "SECRET_KEY": uuid.uuid4().hex,
        "FIELD_KEYS": Keyring.new_key_spec("bench1"),
        "AUDIT_KEY": uuid.uuid4().hex,
    }
    KEYS_FILE.parent.mkdir(exist_ok=True)
    KEYS_FILE.write_text(json.dumps(keys))
    return keys


def bench_app(database_url: str | None = None) -> Flask:
    from portal.app import create_app

    return create_app(
        {
            **bench_keys(),
            "SQLALCHEMY_DATABASE_URI": database_url
            or os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL),
            "BACKGROUND_JOBS": "off",
            "WTF_CSRF_ENABLED": False,
        }
    )


def _plain(value: Any) -> Any:
    return json.dumps(value, ensure_ascii=False) if isinstance(value, dict | list) else value


def _copy(table: str, columns: list[str], rows: Iterable[tuple[Any, ...]]) -> int:
    """COPY `rows` into `table`; how many."""
    from core.db import db

    count = 0
    raw = db.session.connection().connection.driver_connection
    names = ", ".join(f'"{c}"' for c in columns)
    with raw.cursor() as cursor:  # type: ignore[union-attr]
        with cursor.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row(tuple(_plain(v) for v in row))
                count += 1
    return count


def _next_ids(table: str, n: int) -> int:
    """Reserve `n` ids of `table`'s sequence; the first of them."""
    from core.db import db

    seq = db.session.scalar(text(f"SELECT pg_get_serial_sequence('{table}', 'id')"))
    last = db.session.scalar(text(f"SELECT setval('{seq}', nextval('{seq}') + {n} - 1)"))
    return int(last) - n + 1


def load_people(n: int, rng: random.Random) -> None:
    """`n` people, a need for one in two, and each person's sealed audit entry."""
    from core.audit import AuditEvent
    from core.audit_actions import AuditAction
    from core.crypto import keyring
    from core.db import db
    from core.idcard import make_id_number
    from core.needs.models import Need, NeedStatus
    from core.orgs import OrgUnit, UnitKind
    from core.people.models import Person
    from core.people.services import normalise_name, normalise_phone
    from core.users import Role, User

    ring = keyring()
    cols = Person.__table__.c
    offices = list(
        db.session.execute(select(OrgUnit.id, OrgUnit.town).where(OrgUnit.kind == UnitKind.OFFICE))
    )
    admin = db.session.scalar(select(User).where(User.role == Role.ADMIN).order_by(User.id))
    assert admin is not None and offices, "the demo is loaded first"
    encrypt = {
        name: cols[name].type.process_bind_param  # type: ignore[attr-defined]
        for name in ("name", "id_number", "phone", "address")
    }
    names = [
        (encrypt["name"](name, None), ring.blind_index(normalise_name(name), "person.name"))
        for name in NAMES
    ]
    phones = [
        (encrypt["phone"](p, None), ring.blind_index(p, "person.phone"))
        for p in (normalise_phone(f"139{rng.randrange(10**8):08d}") for _ in range(50))
    ]
    addresses = [encrypt["address"](f"开平市{s}{k}号", None) for s in STREETS for k in (1, 8, 18)]
    first = _next_ids(Person.__tablename__, n)
    now = datetime.now(UTC)
    columns = [
        "id", "office_id", "town", "kind", "correction_type", "term_start", "term_end",
        "release_date", "sex", "birth_date", "skills", "languages", "consent_publication",
        "consent_mentoring", "status", "is_minor", "mentee_alias", "name", "id_number",
        "phone", "address", "name_bidx", "id_number_bidx", "phone_bidx", "created_at",
        "updated_at", "created_by_id",
    ]  # fmt: skip

    def people() -> Iterator[tuple[Any, ...]]:
        for i in range(n):
            office_id, town = offices[i % len(offices)]
            # Unique by the person's id: 400 numbers per birth date, in a region code of
            # their own (440785) so they never meet the demo's people.
            born = date(1950, 1, 1) + timedelta(days=(first + i) // 400)
            id_number = make_id_number("440785", born, 100 + (first + i) % 400 * 2 + 1)
            name, name_bidx = names[i % len(names)]
            phone, phone_bidx = phones[i % len(phones)]
            start = date(2025, 1, 1) + timedelta(days=i % 600)
            correction = i % 3 != 0
            yield (
                first + i, office_id, town or "", "correction" if correction else "resettlement",
                "probation" if correction else None, start if correction else None,
                start + timedelta(days=730) if correction else None,
                None if correction else start, "male" if i % 2 else "female", born, [], [],
                i % 4 == 0, False, "active" if i % 10 else "ended", False, f"B{i:07d}", name,
                encrypt["id_number"](id_number, None), phone, addresses[i % len(addresses)],
                name_bidx, ring.blind_index(id_number, "person.id_number"), phone_bidx,
                now - timedelta(minutes=n - i), now - timedelta(minutes=n - i), admin.id,
            )  # fmt: skip

    _copy(Person.__tablename__, columns, people())
    needs = n // 2
    first_need = _next_ids(Need.__tablename__, needs)
    statuses = [NeedStatus.DRAFT, NeedStatus.SUBMITTED, NeedStatus.APPROVED, NeedStatus.CLOSED]
    _copy(Need.__tablename__,
        ["id", "person_id", "category", "title", "amount_fen", "deadline", "urgency",
         "hardship", "story", "alias", "status", "status_note", "created_by_id", "created_at"],
        (
            (first_need + k, first + 2 * k, "education", "孩子学费", 50_000 + k % 50 * 1_000,
             date(2027, 6, 30), 1 + k % 5, 1 + k % 3, "需要帮助支付学费。", f"N{k:07d}",
             statuses[k % len(statuses)], "", admin.id, now - timedelta(minutes=needs - k))
            for k in range(needs)
        ),
    )  # fmt: skip
    # Each registration's audit entry, unsealed: the sealing job chains them below.
    _copy(AuditEvent.__tablename__,
        ["occurred_at", "actor_id", "actor_label", "action", "object_type", "object_id",
         "office_id", "ip", "detail"],
        (
            (now - timedelta(minutes=n - i), admin.id, admin.username,
             AuditAction.PERSON_CREATE.value, "person", str(first + i),
             offices[i % len(offices)][0], "127.0.0.1", {"bulk": True})
            for i in range(n)
        ),
    )  # fmt: skip
    db.session.commit()


def _template_donation() -> tuple[dict[str, Any], dict[str, Any], list[dict[str, Any]]]:
    """One donation paid through the real booking path; its row, entry and lines."""
    from core.db import db
    from core.timeutil import local_today
    from donations.giving.booking import receive_payment
    from donations.giving.models import Donation, DonationStatus
    from donations.ledger.models import JournalEntry, JournalLine
    from donations.projects.models import Project, ProjectStatus

    project_id = db.session.scalar(
        select(Project.id).where(Project.status == ProjectStatus.ACTIVE).order_by(Project.id)
    )
    assert project_id is not None, "the demo has an active project"
    donation = Donation(
        project_id=project_id,
        amount_fen=10_000,
        currency="cny",
        payment_intent_id=f"pi_bulk_{uuid.uuid4().hex}",
        client_secret=f"bulk_{uuid.uuid4().hex}",
        local_day=local_today(),
    )
    db.session.add(donation)
    db.session.flush()
    assert receive_payment(donation, f"pi:{donation.payment_intent_id}:succeeded")
    assert donation.status == DonationStatus.SUCCEEDED and donation.to_pool_fen == 10_000
    db.session.commit()
    row = dict(
        db.session.execute(select(Donation.__table__).where(Donation.id == donation.id))
        .mappings()
        .one()
    )
    entry = dict(
        db.session.execute(
            select(JournalEntry.__table__).where(JournalEntry.donation_id == donation.id)
        )
        .mappings()
        .one()
    )
    lines = [
        dict(m)
        for m in db.session.execute(
            select(JournalLine.__table__).where(JournalLine.entry_id == entry["id"])
        ).mappings()
    ]
    assert sorted(abs(line["amount_fen"]) for line in lines) == [10_000, 10_000]
    return row, entry, lines


def load_donations(n: int, rng: random.Random, batch: int = 100_000) -> None:
    """`n` paid donations to the pool, copies of one paid through the booking path."""
    from core.db import db
    from core.timeutil import to_local
    from donations.giving.models import Donation
    from donations.ledger.models import JournalEntry, JournalLine

    row, entry, lines = _template_donation()
    now = datetime.now(UTC)
    d_cols, e_cols, l_cols = list(row), list(entry), list(lines[0])
    done = 0
    while done < n:
        size = min(batch, n - done)
        first_entry = _next_ids(JournalEntry.__tablename__, size)
        first_line = _next_ids(JournalLine.__tablename__, 2 * size)
        donations, entries, legs = [], [], []
        for k in range(size):
            i = done + k
            amount = rng.choice((1_000, 2_000, 5_000, 10_000, 20_000, 50_000))
            at = now - timedelta(seconds=30 * (n - i))
            donation_id = str(uuid.uuid4())
            intent = f"pi_bulk_{donation_id.replace('-', '')}"
            donations.append(
                {**row, "id": donation_id, "amount_fen": amount, "to_pool_fen": amount,
                 "payment_intent_id": intent, "client_secret": None, "created_at": at,
                 "paid_at": at, "local_day": to_local(at).date(),
                 "certificate_no": f"BULK{first_entry + k:010d}"}
            )  # fmt: skip
            entry_id = first_entry + k
            entries.append(
                {**entry, "id": entry_id, "source_key": f"pi:{intent}:succeeded",
                 "memo": f"donation {donation_id}", "donation_id": donation_id,
                 "posted_at": at, "business_date": to_local(at).date()}
            )  # fmt: skip
            for j, line in enumerate(lines):
                sign = 1 if line["amount_fen"] > 0 else -1
                legs.append(
                    {
                        **line,
                        "id": first_line + 2 * k + j,
                        "entry_id": entry_id,
                        "amount_fen": sign * amount,
                    }
                )
        _copy(Donation.__tablename__, d_cols, (tuple(d[c] for c in d_cols) for d in donations))
        _copy(JournalEntry.__tablename__, e_cols, (tuple(e[c] for c in e_cols) for e in entries))
        _copy(JournalLine.__tablename__, l_cols, (tuple(x[c] for c in l_cols) for x in legs))
        db.session.commit()
        done += size
        print(f"  donations: {done:,}", flush=True)


def bulk_load(people: int, donations: int, *, seed: int = 7) -> None:
    """Migrate, seed the demo and load what is missing (a loaded database is reused)."""
    from flask_migrate import upgrade

    from core import audit
    from core.db import db
    from core.people.models import Person
    from donations.giving.models import Donation
    from portal.demo import seed_demo

    app = bench_app()
    rng = random.Random(seed)
    with app.app_context():
        upgrade()
        seed_demo()
        db.session.commit()
        have_people = db.session.scalar(select(func.count()).select_from(Person)) or 0
        if have_people < people:
            started = time.perf_counter()
            load_people(people - have_people, rng)
            print(f"people: {people - have_people:,} in {time.perf_counter() - started:.0f} s")
            started = time.perf_counter()
            sealed = audit.seal_all(str(app.config["AUDIT_KEY"]).encode())
            db.session.commit()
            print(f"audit: {sealed:,} entries sealed in {time.perf_counter() - started:.0f} s")
        have = db.session.scalar(select(func.count()).select_from(Donation)) or 0
        if have < donations:
            started = time.perf_counter()
            load_donations(donations - have, rng)
            print(f"donations: {donations - have:,} in {time.perf_counter() - started:.0f} s")
        db.session.commit()
        # Rows copied in bulk are not yet in the visibility map: vacuum, so that counts
        # can read the indexes alone, as they would on a database that lived a while.
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--donations", type=int, default=1_000_000)
    args = parser.parse_args()
    bulk_load(args.people, args.donations)


if __name__ == "__main__":
    main()
