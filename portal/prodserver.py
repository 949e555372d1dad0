"""`make run-prod`: the production shape on this machine, to try it before a server.

The portal under gunicorn (several processes), a Celery worker and Celery beat running
the periodic jobs, against PostgreSQL (`DATABASE_URL`) and Redis (`REDIS_URL`), with
both stand-ins in place of the payment provider and WeChat. `PORTAL_ENV=production`
refuses the development keys, so the first start generates keys of its own into
`instance/production-secrets.json` and hands each one to the platform and to the
stand-in that must share it. Migrations run first; no demo is seeded (an account is
made with `flask --app portal create-user`). Ctrl-C stops everything.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import sys
import time
from contextlib import suppress
from pathlib import Path
from types import FrameType

from core.crypto import Keyring
from core.http import wait_for
from donations.payments.event_types import subscription

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent

DEFAULT_DATABASE_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/kaiping"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"


def production_secrets(instance: Path) -> dict[str, str]:
    """The keys of this machine's production shape, generated once (mode 0600)."""
    path = instance / "production-secrets.json"
    if path.exists():
        data: dict[str, str] = json.loads(path.read_text())
        return data
    instance.mkdir(parents=True, exist_ok=True)
    data = {
        "SECRET_KEY": secrets.token_urlsafe(48),
        "FIELD_KEYS": Keyring.new_key_spec("k1"),
        "AUDIT_KEY": secrets.token_urlsafe(48),
        "PAYMENT_SECRET_KEY": "sk_live_" + secrets.token_urlsafe(24),
        "PAYMENT_PUBLISHABLE_KEY": "pk_live_" + secrets.token_urlsafe(24),
        "PAYMENT_WEBHOOK_SECRETS": "whsec_" + secrets.token_urlsafe(24),
        "WECHAT_SECRET": secrets.token_hex(16),
    }
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(data, handle)
    return data


def environments(env: dict[str, str]) -> dict[str, dict[str, str]]:
    """Each process's environment: what is set outside wins over the generated keys."""
    instance = Path(env.get("INSTANCE_PATH", ROOT / "instance"))
    keys = production_secrets(instance)
    portal_port = env.get("PORTAL_PORT", "5000")
    pay_port = env.get("SANDBOX_PORT", "12111")
    wechat_port = env.get("WECHAT_PORT", "12112")
    base = {**env, "PYTHONUNBUFFERED": "1"}
    platform = {
        **base,
        **{key: value for key, value in keys.items() if not env.get(key)},
        "PORTAL_ENV": "production",
        "BACKGROUND_JOBS": "celery",
        "DATABASE_URL": env.get("DATABASE_URL") or DEFAULT_DATABASE_URL,
        "REDIS_URL": env.get("REDIS_URL") or DEFAULT_REDIS_URL,
        "PAYMENT_API_BASE": env.get("PAYMENT_API_BASE") or f"http://127.0.0.1:{pay_port}",
        "WECHAT_API_BASE": env.get("WECHAT_API_BASE") or f"http://127.0.0.1:{wechat_port}/",
        "PORTAL_BIND": env.get("PORTAL_BIND") or f"127.0.0.1:{portal_port}",
    }
    payments = {
        **base,
        "SANDBOX_PORT": pay_port,
        "SANDBOX_DB": env.get("SANDBOX_DB") or str(instance / "prod_sandbox_payments.sqlite3"),
        "SANDBOX_SECRET_KEY": platform["PAYMENT_SECRET_KEY"],
        "SANDBOX_PUBLISHABLE_KEY": platform["PAYMENT_PUBLISHABLE_KEY"],
        # The first of the secrets the portal accepts signs the webhooks.
        "SANDBOX_WEBHOOK_SECRET": platform["PAYMENT_WEBHOOK_SECRETS"].split(",")[0],
        "SANDBOX_WEBHOOK_URL": f"http://127.0.0.1:{portal_port}/api/payments/webhook",
        # Only what the platform acts on, as a real endpoint is subscribed.
        "SANDBOX_WEBHOOK_EVENTS": subscription(),
    }
    wechat = {
        **base,
        "WECHAT_PORT": wechat_port,
        "WECHAT_DB": env.get("WECHAT_DB") or str(instance / "prod_sandbox_wechat.sqlite3"),
        "WECHAT_SECRET": platform["WECHAT_SECRET"],
    }
    return {"platform": platform, "payments": payments, "wechat": wechat}


def commands(schedule: Path) -> list[tuple[str, list[str], str]]:
    """(label, command, environment) of every long-running process."""
    return [
        ("payment sandbox", [sys.executable, "-m", "sandboxes.payments"], "payments"),
        ("WeChat sandbox", [sys.executable, "-m", "sandboxes.wechat"], "wechat"),
        (
            "gunicorn",
            [str(BIN / "gunicorn"), "-c", str(ROOT / "gunicorn.conf.py"), "portal:create_app()"],
            "platform",
        ),
        (
            "celery worker",
            [str(BIN / "celery"), "-A", "portal.worker", "worker", "--loglevel", "INFO"],
            "platform",
        ),
        (
            "celery beat",
            [str(BIN / "celery"), "-A", "portal.worker", "beat", "--schedule", str(schedule)],
            "platform",
        ),
    ]


def ensure_database(url: str) -> None:
    """Create the PostgreSQL database of `url` when it does not exist yet."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from portal.config import normalise_database_url

    target = make_url(normalise_database_url(url))
    if not target.drivername.startswith("postgresql") or not target.database:
        return
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            exists = conn.scalar(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": target.database}
            )
            if not exists:
                print(f" * creating the database {target.database}", flush=True)
                conn.execute(text(f'CREATE DATABASE "{target.database}"'))
    finally:
        admin.dispose()


def _stop(_signum: int, _frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def main() -> None:
    envs = environments(dict(os.environ))
    platform = envs["platform"]
    ensure_database(platform["DATABASE_URL"])
    print(f" * migrating {platform['DATABASE_URL'].rsplit('@', 1)[-1]}", flush=True)
    subprocess.run(  # noqa: S603
        [str(BIN / "flask"), "--app", "portal", "db", "upgrade", "-x", "quiet=1"],
        cwd=ROOT,
        env=platform,
        check=True,
    )
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _stop)
    schedule = Path(platform.get("INSTANCE_PATH", ROOT / "instance")) / "celerybeat-schedule"
    processes: list[subprocess.Popen[bytes]] = []
    try:
        for label, command, which in commands(schedule):
            print(f" * starting {label}", flush=True)
            processes.append(
                subprocess.Popen(command, cwd=ROOT, env=envs[which], start_new_session=True)  # noqa: S603
            )
        url = f"http://{platform['PORTAL_BIND']}/"
        if wait_for(url + "healthz"):
            print(f" * ready: {url} (production settings; Ctrl-C stops everything)", flush=True)
            print(" * accounts: flask --app portal create-user, with the same DATABASE_URL")
        while all(process.poll() is None for process in processes):
            time.sleep(1)
        print(" * a process ended by itself: stopping the others", flush=True)
    except KeyboardInterrupt:
        print(" * Ctrl-C: stopping every process", flush=True)
    finally:
        for process in processes:
            with suppress(ProcessLookupError):
                process.terminate()
        deadline = time.monotonic() + 15
        for process in processes:
            try:
                process.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
        print(" * all processes stopped", flush=True)


if __name__ == "__main__":
    main()
