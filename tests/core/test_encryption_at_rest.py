"""No plaintext name, ID number or phone anywhere in the database: not in the person table,
not in the audit log, not in the SQLite file (or its write-ahead log), committed for real."""

from __future__ import annotations

from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import inspect, text

from core.db import db
from core.users import Role
from tests.conftest import is_postgres, make_app
from tests.factories import make_person, make_unit, make_user
from tests.live import scratch_database

NAME, PHONE = "欧阳明珠", "13911112222"


def test_identity_never_reaches_the_database_in_the_clear():
    with scratch_database("atrest") as url:
        app = make_app(SQLALCHEMY_DATABASE_URI=url)
        with app.app_context():
            upgrade()
            office = make_unit()
            town = office.town or ""
            officer = make_user(Role.OFFICER, office)
            person = make_person(officer, office, name=NAME, phone=PHONE)
            id_number = person.id_number or ""
            from core.people.services import PersonFilter, reveal_field, search_people

            reveal_field(officer, person.id, "id_number")  # a reveal writes an audit event
            assert search_people(officer, PersonFilter(q=NAME)).total == 1
            secrets = [NAME, PHONE, id_number]
            if is_postgres():
                for table in inspect(db.engine).get_table_names():
                    # Table names come from the database's own catalogue, not from input.
                    query = text(f'SELECT t::text FROM "{table}" t')  # noqa: S608
                    rows = db.session.execute(query).scalars()
                    dump = "\n".join(rows)
                    assert not [s for s in secrets if s in dump], table
            db.session.remove()
            db.engine.dispose()
        if not is_postgres():
            path = Path(url.removeprefix("sqlite:///"))
            raw = b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists())
            for secret in secrets:
                assert secret.encode() not in raw, secret
            # The scan is real: the same file does hold text we wrote in the clear.
            assert town.encode() in raw
