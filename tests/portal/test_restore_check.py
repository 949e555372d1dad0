"""The backup restore check (scripts/restore-check.sh): a pg_dump restores into a scratch
database, and ledger-check and audit-verify pass on it; an edited audit entry fails it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import text

from core import audit
from core.db import db
from tests.conftest import TEST_KEYS, make_app
from tests.factories import make_admin
from tests.live import scratch_database

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "restore-check.sh"

pytestmark = pytest.mark.postgres_only


def _libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


def _restore_check(dump: Path, url: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        **TEST_KEYS,
        "DATABASE_URL": url,
        "FLASK": str(Path(sys.executable).parent / "flask"),
    }
    return subprocess.run(
        ["bash", str(SCRIPT), str(dump)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_a_backup_restores_and_checks_out_and_an_edited_one_does_not(tmp_path):
    with scratch_database("backup") as url:
        app = make_app(SQLALCHEMY_DATABASE_URI=url)
        with app.app_context():
            upgrade()
            make_admin()  # an audited act
            db.session.commit()
            audit.seal_all(TEST_KEYS["AUDIT_KEY"].encode())
            db.session.remove()
            db.engine.dispose()
        good = tmp_path / "good.dump"
        subprocess.run(["pg_dump", "-Fc", "-f", str(good), _libpq(url)], check=True)

        checked = _restore_check(good, url)
        assert checked.returncode == 0, checked.stdout + checked.stderr
        assert "the backup restores and checks out" in checked.stdout

        with app.app_context():
            db.session.execute(text("UPDATE audit_event SET object_id = 'forged'"))
            db.session.commit()
            db.session.remove()
            db.engine.dispose()
        bad = tmp_path / "bad.dump"
        subprocess.run(["pg_dump", "-Fc", "-f", str(bad), _libpq(url)], check=True)
        checked = _restore_check(bad, url)
        assert checked.returncode == 1
        assert "FAILED" in checked.stderr
