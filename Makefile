# The two commands a newcomer needs: `make run` and `make test` (see README.md).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Our code, for the linter, the formatter and the type checker alike.
PACKAGES := core portal donations jobs_bases volunteers sandboxes bench tests

.PHONY: fonts chromium screenshots install run run-prod test test-sqlite test-postgres lint fmt typecheck migrate seed bench-allocation bench-seats bench-pairing bench-ledger bench-donate bench-burst bench-lists bench translations clean

install: $(STAMP) translations fonts chromium

# Certificates are drawn with a CJK font; Debian's fonts-noto-cjk provides it.
CJK_FONT := /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc
fonts:
	@if [ ! -e $(CJK_FONT) ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing fonts-noto-cjk (certificate font)"; \
	    export DEBIAN_FRONTEND=noninteractive; \
	    apt-get install -y -qq fonts-noto-cjk >/dev/null 2>&1 || \
	    (apt-get update -qq && apt-get install -y -qq fonts-noto-cjk >/dev/null); \
	  else echo "WARNING: fonts-noto-cjk missing; certificate PNGs need it (apt-get install fonts-noto-cjk)"; fi; \
	fi

# The browser tests (tests/browser) drive Debian's Chromium through Playwright; Playwright's
# own browser download is not used.
chromium:
	@if ! command -v chromium >/dev/null; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing chromium (browser tests)"; \
	    export DEBIAN_FRONTEND=noninteractive; \
	    apt-get install -y -qq chromium >/dev/null 2>&1 || \
	    (apt-get update -qq && apt-get install -y -qq chromium >/dev/null); \
	  else echo "WARNING: chromium missing; the browser tests need it (apt-get install chromium)"; fi; \
	fi

# Quiet on purpose: what `make run` prints first is where to go, not pip's progress.
$(STAMP): pyproject.toml
	@echo "installing the project into $(VENV) (a minute or two the first time)"
	@test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	@$(BIN)/pip install --quiet --upgrade pip
	@$(BIN)/pip install --quiet -e '.[dev]'
	@touch $(STAMP)

translations: $(STAMP)
	@$(BIN)/pybabel --quiet compile -d portal/translations

migrate: install
	@$(BIN)/flask --app portal db upgrade -x quiet=1

seed: migrate
	@$(BIN)/flask --app portal seed-demo --quiet

# Installs, migrates, seeds the demo into an empty database, and starts every server.
run: seed
	@$(BIN)/python -m portal.devserver

# The production shape on this machine: gunicorn, a Celery worker and beat, against
# PostgreSQL (DATABASE_URL) and Redis (REDIS_URL), with production keys of its own.
run-prod: install
	@$(BIN)/python -m portal.prodserver

lint: install
	$(BIN)/ruff check $(PACKAGES)
	$(BIN)/ruff format --check $(PACKAGES)
	$(BIN)/lint-imports

fmt: install
	$(BIN)/ruff format $(PACKAGES)
	$(BIN)/ruff check --fix $(PACKAGES)

typecheck: install
	$(BIN)/mypy $(PACKAGES)

test-sqlite: install
	env -u TEST_DATABASE_URL $(BIN)/python -m pytest -q

test-postgres: install
	@if [ -n "$$TEST_DATABASE_URL" ]; then $(BIN)/python -m pytest -q -p no:cacheprovider; \
	else echo "TEST_DATABASE_URL not set: PostgreSQL run skipped"; fi

# The whole suite on SQLite, then again on PostgreSQL when TEST_DATABASE_URL is set.
test: install
	$(BIN)/ruff check $(PACKAGES)
	$(BIN)/lint-imports
	$(BIN)/mypy $(PACKAGES)
	$(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-postgres

bench-allocation: install
	$(BIN)/python -m bench.bench_allocation

# The seat engine's whole command on 20,000 applicants x 40 courses (target: under 2 s).
bench-seats: install
	$(BIN)/python -m bench.bench_seats

# The pairing engine's whole command on 600 volunteers x 1,200 mentees, every pair scored (target: under 5 s).
bench-pairing: install
	$(BIN)/python -m bench.bench_pairing

# Webhook events applied per second, on SQLite and on PostgreSQL.
bench-ledger: install
	$(BIN)/python -m bench.bench_ledger

# The full donor journey at 1, 16 and 64 concurrent donors (or an open loop:
# BENCH_ARGS="--rate 30"), beside a trivial endpoint; exits 1 if a journey failed
# or the ledger check did not pass. BENCH_DATABASE_URL selects PostgreSQL.
bench-donate: install
	$(BIN)/python -m bench.bench_donate $(BENCH_ARGS)

# 10,000 donations with the sandbox's webhook faults on; everything must settle,
# the ledger check pass and reconciliation agree with the provider to the fen.
bench-burst: install
	$(BIN)/python -m bench.bench_burst $(BENCH_ARGS)

# Staff lists and dashboards with 100,000 people and 1,000,000 donations on PostgreSQL
# (loaded once into kp_lists_bench, or BENCH_DATABASE_URL; target: p95 under 150 ms).
bench-lists: install
	$(BIN)/python -m bench.bench_lists

# The README's screenshots (docs/screenshots/), taken in Chromium from the demo in a scratch database.
screenshots: install
	$(BIN)/python -m tests.browser.screenshots

# Every benchmark, one after another (about half an hour on two quiet cores; the first
# bench-lists run loads its province-size database first). Each prints its figures
# beside the machine's load and exits non-zero when its checks fail.
bench: bench-allocation bench-seats bench-pairing bench-ledger bench-donate bench-burst bench-lists

clean:
	rm -rf $(VENV) instance .pytest_cache .mypy_cache .ruff_cache .import_linter_cache .grimp_cache
