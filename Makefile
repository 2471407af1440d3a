# The two commands a newcomer needs: `make run` and `make test` (see README.md).
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
BIN := $(VENV)/bin
PYTHON := $(BIN)/python
PORT ?= 8000
HOST ?= 127.0.0.1
# Settings for `make run`: local development on the embedded SQLite database.
RUN_ENV := DEBUG=$${DEBUG-1}

.PHONY: help run test lint format venv system-run system-test migrate dataset editor collectstatic messages clean backup restore loadtest faulttest bench

help:
	@echo "make run    set up and serve the app on http://$(HOST):$(PORT)/ (SQLite, shipped dataset)"
	@echo "make test   run the whole test suite (lint, unit, views, admin, browser), in parallel"
	@echo "make lint   ruff (lint, format check) and the templates; make format rewrites the code"
	@echo "make backup / make restore FILE=backups/...   back up / put back the database"
	@echo "make loadtest   gunicorn under $(CONNECTIONS) connections for $(DURATION) s while curators edit"
	@echo "make faulttest  Redis, PostgreSQL, SQLite, disk and worker faults under load (FAST=1: CI's)"
	@echo "make bench      server, browser, bytes and memory at 100 to 100,000 events, against"
	@echo "                TimelineJS and vis-timeline; writes bench/README.md (SIZES=\"100 1000\", QUICK=1)"

# The virtualenv is rebuilt when a requirements list changes.
$(VENV)/.installed: requirements.txt requirements-test.txt
	@python=$$(scripts/find-python) || exit 1; \
	  if [ ! -x $(PYTHON) ] || ! $(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 12))'; then \
	    echo "Creating $(VENV) with $$python"; rm -rf $(VENV); "$$python" -m venv $(VENV) || exit 1; \
	  fi
	@echo "Installing the Python packages (requirements-test.txt)…"
	@$(PYTHON) -m pip install --quiet --disable-pip-version-check -r requirements-test.txt
	@touch $@

venv: $(VENV)/.installed

# The Debian packages a target needs, installed when missing (apt-get as root, else sudo).
system-run:
	@scripts/system-packages run

system-test:
	@scripts/system-packages test

migrate: venv
	@$(RUN_ENV) $(PYTHON) manage.py migrate --noinput -v 0

dataset: migrate
	@$(RUN_ENV) $(PYTHON) manage.py load_dataset --if-empty

editor: migrate
	@$(RUN_ENV) $(PYTHON) manage.py ensure_editor

run: system-run dataset editor messages
	@echo
	@echo "  Timeline:  http://$(HOST):$(PORT)/"
	@echo "  Admin:     http://$(HOST):$(PORT)/admin/"
	@echo
	@$(RUN_ENV) $(PYTHON) manage.py runserver --noreload $(HOST):$(PORT)

collectstatic: venv
	@SECRET_KEY=collectstatic $(PYTHON) manage.py collectstatic --noinput -v 0

# The interface's translations (locale/*/LC_MESSAGES/django.po) compiled to .mo files, which
# are built, not committed. Needs GNU gettext (msgfmt). After changing a text in the code:
#   .venv/bin/python manage.py makemessages -l fr --no-location --ignore='.venv/*' --ignore='tests/*'
messages: venv system-run
	@SECRET_KEY=messages $(PYTHON) manage.py compilemessages --ignore='.venv/*' -v 0

# The suite runs on a fresh test database (SQLite, or PostgreSQL when DATABASE_URL says so),
# against the hashed, compressed static files production serves, split over one worker per
# core (pytest-xdist: each worker has its own test database, live server and Redis database).
WORKERS ?= auto
test: system-test lint collectstatic messages
	$(BIN)/pytest -n $(WORKERS)

lint: venv
	@$(BIN)/ruff check --quiet .
	@$(BIN)/ruff format --check --quiet . || { echo "make format rewrites these files" >&2; exit 1; }

format: venv
	@$(BIN)/ruff check --quiet --fix .
	@$(BIN)/ruff format --quiet .

# Backups: a consistent online copy (SQLite backup API, or pg_dump on PostgreSQL) in backups/.
backup: venv
	$(RUN_ENV) $(PYTHON) manage.py backup_db

restore:
	@if [ -z "$(FILE)" ]; then \
	  echo "make restore needs the backup to put back: make restore FILE=backups/db-YYYYmmdd-HHMMSS.sqlite3 (ls backups/)" >&2; \
	  exit 2; \
	fi
	$(RUN_ENV) $(PYTHON) manage.py restore_db "$(FILE)"

# Load test: gunicorn (4 workers) on a temporary SQLite database, driven on loopback while
# another process edits events; fails on any error, "database is locked" or lost write.
DURATION ?= 30
CONNECTIONS ?= 64
ONLY ?=
WRITE_INTERVAL ?=
PROXY ?=
loadtest: collectstatic
	$(if $(PROXY),@scripts/system-packages proxy)
	$(PYTHON) bench/loadtest.py --duration $(DURATION) --connections $(CONNECTIONS) $(if $(ONLY),--only $(ONLY)) $(if $(WRITE_INTERVAL),--write-interval $(WRITE_INTERVAL)) $(if $(PROXY),--proxy)

# Fault test: Redis stopping, PostgreSQL restarting, SQLite under a long import, a full disk
# during a backup, bad or interrupted restores, killed workers (bench/faulttest.py), each on
# loopback with the servers it starts and stops itself; fails on any lost write, 500 or
# traceback. FAST=1 runs the scenarios cheap enough for CI (backup, restore: SQLite).
FAST ?=
faulttest: collectstatic
	$(PYTHON) bench/faulttest.py $(if $(FAST),--fast) $(if $(ONLY),--only $(ONLY))

# Benchmarks: the app against its floor, TimelineJS 3 and vis-timeline 8 (installed from npm
# into bench/.cache/), per size of synthetic data; results in bench/README.md.
SIZES ?=
QUICK ?=
bench: collectstatic
	$(PYTHON) bench/run.py $(if $(SIZES),--sizes "$(SIZES)") $(if $(QUICK),--quick)

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
