#!/usr/bin/env bash
# Restore a backup into a scratch database and check it, then drop the scratch database.
#
#   scripts/restore-check.sh BACKUP.dump
#
# BACKUP.dump is a `pg_dump --format=custom` file. The scratch database is made on the
# server of DATABASE_URL (whose own database is not touched); the portal's keys
# (AUDIT_KEY, FIELD_KEYS, SECRET_KEY) must be those of the deployment that made the
# backup, as in its environment file. Exits 0 only when the dump restores, every
# ledger invariant holds (`flask ledger-check`) and the audit chain verifies
# (`flask audit-verify --no-seal`). docs/deploy.md#backups says when to run it.
set -euo pipefail

dump="${1:?usage: scripts/restore-check.sh BACKUP.dump}"
[ -r "$dump" ] || { echo "restore-check: cannot read $dump" >&2; exit 2; }
cd "$(dirname "$0")/.."
flask="${FLASK:-.venv/bin/flask}"

url="${DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/kaiping}"
# libpq's tools take postgresql://, SQLAlchemy the same with its driver named.
server="${url%/*}"
server="${server/postgresql+psycopg:/postgresql:}"
server="${server/postgres:/postgresql:}"
scratch="restore_check_$(date +%Y%m%d%H%M%S)_$$"

psql -q -v ON_ERROR_STOP=1 "$server/postgres" -c "CREATE DATABASE \"$scratch\" TEMPLATE template0"
cleanup() { psql -q "$server/postgres" -c "DROP DATABASE IF EXISTS \"$scratch\" WITH (FORCE)" >/dev/null; }
trap cleanup EXIT

echo "restore-check: restoring $dump into $scratch"
pg_restore --no-owner --no-privileges --exit-on-error -d "$server/$scratch" "$dump"

status=0
export DATABASE_URL="$server/$scratch" BACKGROUND_JOBS=off
echo "restore-check: flask ledger-check"
"$flask" --app portal ledger-check || status=1
echo "restore-check: flask audit-verify --no-seal"
"$flask" --app portal audit-verify --no-seal || status=1
if [ "$status" = 0 ]; then echo "restore-check: the backup restores and checks out"; else echo "restore-check: FAILED" >&2; fi
exit "$status"
