# Spona: `make run` serves the demo, `make test` runs the whole suite.
SHELL := /bin/sh
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: help run test lint messages install clean

help:
	@echo "make run       install into .venv, migrate, load demo data, start the worker, serve on http://$(HOST):$(PORT)"
	@echo "make test      the whole test suite (SQLite; DATABASE_URL=postgres://... for PostgreSQL)"
	@echo "make lint      ruff and mypy"
	@echo "make messages  update the translation catalogues (sr is the source; sr-latn is generated)"

$(BIN)/.installed: pyproject.toml requirements.lock
	test -x $(BIN)/python || "$$(scripts/find-python)" -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

install: $(BIN)/.installed

.env:
	$(BIN)/python -c "from spona.core.keys import write_development_env; write_development_env('.env')"

run: $(BIN)/.installed .env
	scripts/system-deps run
	$(BIN)/spona i18n compile
	$(BIN)/spona demo
	@echo "Serving on http://$(HOST):$(PORT)/ with a background worker (stop both with Ctrl-C)"
	$(BIN)/spona worker --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/spona serve --dev --host $(HOST) --port $(PORT)

test: $(BIN)/.installed
	scripts/system-deps test
	$(BIN)/pytest

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy spona

messages: $(BIN)/.installed
	$(BIN)/spona i18n sync

clean:
	rm -rf $(VENV) var artifacts
