# The few targets a newcomer needs: run, test, lint, bench. See README.md.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
# These targets are for development machines; production sets DEBUG=false and its own secrets.
export DEBUG ?= true
# Links in e-mails point at the server `make run` starts, whatever its host and port.
export SITE_URL ?= http://$(HOST):$(PORT)

# Django 6.1 needs Python 3.12 or newer. Take the first interpreter that really runs and is
# supported: plain names first, then pyenv's installs (whose shims refuse versions not selected).
PYTHON ?= $(shell for c in python3.13 python3.12 python3.14 $$HOME/.pyenv/versions/3.13*/bin/python3 \
	$$HOME/.pyenv/versions/3.12*/bin/python3 $$HOME/.pyenv/versions/3.14*/bin/python3 python3; do \
	if "$$c" -c 'import sys; sys.exit(not (3, 12) <= sys.version_info[:2] < (3, 15))' 2>/dev/null; \
	then echo "$$c"; break; fi; done)

.PHONY: help run test lint format bench migrations-check clean

help:
	@echo "make run    install, migrate, load the GCM framework, seed demo data, start web + worker"
	@echo "make test   install, lint, run the whole test suite"
	@echo "make lint   ruff check and format check"
	@echo "make bench  seed synthetic data, load the pages over HTTP, write docs/performance.md"

$(STAMP): requirements.txt requirements-dev.txt
	@if [ -z "$(PYTHON)" ]; then \
		echo "No supported Python found: install Python 3.12 or 3.13 (e.g. 'pyenv install 3.13')" \
			"or pass PYTHON=/path/to/python3.13" >&2; exit 1; fi
	@if [ ! -x $(PY) ]; then echo "Creating $(VENV) with $(PYTHON)"; "$(PYTHON)" -m venv $(VENV); fi
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $(STAMP)

run: $(STAMP)
	$(PY) manage.py compile_catalogues
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_framework
	$(PY) manage.py seed_demo
	@echo
	@echo "Tracker: http://$(HOST):$(PORT)/   admin: http://$(HOST):$(PORT)/admin/   health: http://$(HOST):$(PORT)/healthz"
	@echo "Starting the web server and a Celery worker; Ctrl-C stops both."
	@exec $(PY) manage.py run_dev $(HOST):$(PORT)

test: $(STAMP) lint
	$(PY) manage.py compile_catalogues
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: $(STAMP)
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
