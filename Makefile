# Simpul: the two commands of the README, and a few helpers for developers.
PY := .venv/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test setup lint demo

## Set up (system packages, virtualenv, database), load the Mojokerto demo and serve it.
run: setup demo
	$(PY) manage.py runserver $(HOST):$(PORT)

## Set up everything the test suite needs, then run the whole suite.
test:
	@scripts/setup.sh test
	$(PY) -m pytest

setup:
	@scripts/setup.sh app

demo:
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo

## Style (ruff) and the import rule between apps (import-linter, contracts in .importlinter).
lint:
	.venv/bin/ruff check .
	.venv/bin/lint-imports
