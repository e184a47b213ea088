# TREC Hub — `make run` serves the demo hub, `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

# Postgres / Redis on this machine when they answer and nothing else is configured.
PG_DEFAULT := postgres://postgres@127.0.0.1:5432/trec
REDIS_DEFAULT := redis://127.0.0.1:6379/15
answers = $(BIN)/python -c "import socket,sys; socket.create_connection(('127.0.0.1', $(1)), 1)" 2>/dev/null

.PHONY: install run test lint format bench bench-fanout browser migrations clean

install: $(STAMP)

$(STAMP): pyproject.toml requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements.lock -e ".[dev]"
	@touch $(STAMP)

run: $(STAMP)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo --if-empty
	@echo
	@echo "  TREC Hub is starting at http://$(HOST):$(PORT)"
	@echo "  Coordinator login:    coordinator@trec-hub.org / trec-demo-password"
	@echo "  Provider staff login: provider@trec-hub.org / trec-demo-password"
	@echo "  Any demo educator (e.g. the first one in /admin/) / trec-demo-password"
	@echo
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# Chromium for the browser tests: install it with apt-get when missing (root), else say how.
browser:
	@command -v chromium >/dev/null || test -x "$${TREC_CHROMIUM:-/usr/bin/chromium}" || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "Chromium is needed for the browser tests: sudo apt-get install chromium" >&2; exit 1; fi; }

test: $(STAMP) browser
	@if [ -z "$$DATABASE_URL" ] && $(call answers,5432); then export DATABASE_URL=$(PG_DEFAULT); fi; \
	if [ -z "$$REDIS_URL" ] && $(call answers,6379); then export REDIS_URL=$(REDIS_DEFAULT); fi; \
	echo "make test: database $${DATABASE_URL:-SQLite (embedded default)}; redis $${REDIS_URL:-none}"; \
	TREC_TESTING=1 $(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrations: $(STAMP)
	$(BIN)/python manage.py makemigrations --check --dry-run

bench: $(STAMP)
	@if [ -z "$$DATABASE_URL" ] && $(call answers,5432); then export DATABASE_URL=$(PG_DEFAULT:/trec=/trec_bench); fi; \
	$(BIN)/python bench/run.py $(BENCH_ARGS)
	@$(MAKE) --no-print-directory bench-fanout

# 10,000 reminders through a real Celery worker (Redis DB 13) into an SMTP sink, then the
# same with the worker killed half-way. Needs Postgres and Redis; FANOUT_ARGS for options.
bench-fanout: $(STAMP)
	@if [ -z "$$DATABASE_URL" ] && $(call answers,5432); then export DATABASE_URL=$(PG_DEFAULT:/trec=/trec_bench_fanout); fi; \
	if [ -z "$$REDIS_URL" ] && $(call answers,6379); then export REDIS_URL=$(REDIS_DEFAULT:/15=/13); fi; \
	$(BIN)/python bench/fanout.py $(FANOUT_ARGS)

clean:
	rm -rf $(VENV) var staticfiles test-artifacts bench/results
