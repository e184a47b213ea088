# TREC Hub — `make run` serves the demo hub, `make test` runs the whole suite.
SHELL := /bin/bash
# The newest Python 3.11–3.13 that actually runs here (a pyenv shim that is not active
# does not count); PYTHON=python3.x chooses one.
PYTHON ?= $(firstword $(foreach v,3.13 3.12 3.11,$(shell command -v python$(v) >/dev/null 2>&1 && python$(v) -c 'import sys' >/dev/null 2>&1 && echo python$(v))) python3)
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

.PHONY: install run test checkers lighthouse lint format bench bench-catalog bench-fanout bench-surveys bench-impact bench-alerts bench-burst bench-compare browser pdftools migrations messages clean \
	drills drill-backup drill-pg-restart drill-redis drill-worker-kill

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
	SITE_URL=$${SITE_URL:-http://$(HOST):$(PORT)} $(BIN)/python manage.py runserver $(HOST):$(PORT)

# Chromium for the browser tests: install it with apt-get when missing (root), else say how.
browser:
	@command -v chromium >/dev/null || test -x "$${TREC_CHROMIUM:-/usr/bin/chromium}" || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "Chromium is needed for the browser tests: sudo apt-get install chromium" >&2; exit 1; fi; }

# The W3C Nu HTML checker for tests/test_html_validity.py: Java (apt-get when missing,
# as root) and npm's vnu-jar in .tools/.
VNU_VERSION := 26.9.27
VNU_JAR := .tools/node_modules/vnu-jar/build/dist/vnu.jar
checkers:
	@command -v java >/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >/dev/null; \
	  else echo "The HTML checker needs Java: sudo apt-get install default-jre-headless" >&2; exit 1; fi; }
	@test -f $(VNU_JAR) || { command -v npm >/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null; \
	  else echo "The HTML checker is installed with npm: sudo apt-get install npm" >&2; exit 1; fi; }; \
	  npm install --silent --no-audit --no-fund --prefix .tools vnu-jar@$(VNU_VERSION); }

# Lighthouse (npm, in .tools/, the system Chromium): accessibility, best practices and
# SEO on the home page, the catalog and an event page, phone and desktop. Needs a hub
# running (`make run` in another terminal; LIGHTHOUSE_URL for another). Scores and the
# audits that did not pass are printed; the last run's are in docs/design.md.
LIGHTHOUSE_VERSION := 12.8.2
LIGHTHOUSE_URL ?= http://$(HOST):$(PORT)
lighthouse: $(STAMP) browser
	@test -x .tools/node_modules/.bin/lighthouse || { command -v npm >/dev/null || { \
	  echo "Lighthouse is installed with npm: sudo apt-get install npm" >&2; exit 1; }; \
	  npm install --silent --no-audit --no-fund --prefix .tools lighthouse@$(LIGHTHOUSE_VERSION); }
	$(BIN)/python bench/lighthouse.py --base $(LIGHTHOUSE_URL) --lighthouse .tools/node_modules/.bin/lighthouse

# The PDF tests read PDFs back with pdftotext (poppler-utils), and names in Chinese,
# Japanese or Korean need a CJK font on the machine (trec/pdf.py): fonts-droid-fallback.
pdftools:
	@command -v pdftotext >/dev/null && test -f /usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils fonts-droid-fallback >/dev/null; \
	  else echo "The PDF tests need: sudo apt-get install poppler-utils fonts-droid-fallback" >&2; exit 1; fi; }

test: $(STAMP) browser checkers pdftools
	@if [ -z "$$DATABASE_URL" ] && $(call answers,5432); then export DATABASE_URL=$(PG_DEFAULT); fi; \
	if [ -z "$$REDIS_URL" ] && $(call answers,6379); then export REDIS_URL=$(REDIS_DEFAULT); fi; \
	echo "make test: database $${DATABASE_URL:-SQLite (embedded default)}; redis $${REDIS_URL:-none}"; \
	TREC_TESTING=1 $(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrations: $(STAMP)
	$(BIN)/python manage.py makemigrations --check --dry-run

# Seed at scale (10,000 events, 100,000 educators, 1,000,000 registrations), the locust
# mix against gunicorn, then the registration burst; then the fan-out bench.
bench: $(STAMP)
	@if [ -z "$$DATABASE_URL" ] && $(call answers,5432); then export DATABASE_URL=$(PG_DEFAULT:/trec=/trec_bench); fi; \
	if [ -z "$$REDIS_URL" ] && $(call answers,6379); then export REDIS_URL=$(REDIS_DEFAULT:/15=/9); fi; \
	$(BIN)/python bench/run.py $(BENCH_ARGS)
	@$(MAKE) --no-print-directory bench-catalog bench-fanout bench-surveys bench-impact bench-alerts

# The catalog when every query string is new: caches off, 8 connections, against /healthz
# in the same run, plus single requests and the suggestions endpoint (bench/catalog.py).
bench-catalog: $(STAMP)
	@if [ -z "$$DATABASE_URL" ] && $(call answers,5432); then export DATABASE_URL=$(PG_DEFAULT:/trec=/trec_bench); fi; \
	if [ -z "$$REDIS_URL" ] && $(call answers,6379); then export REDIS_URL=$(REDIS_DEFAULT:/15=/9); fi; \
	$(BIN)/python bench/catalog.py $(CATALOG_BENCH_ARGS)

# A 50,000-response survey report, and an impact snapshot over 1,000,000 registrations:
# each seeds its own database once (kept for the next run) and prints its timings.
bench-surveys: $(STAMP)
	@if [ -z "$$DATABASE_URL" ] && $(call answers,5432); then export DATABASE_URL=$(PG_DEFAULT:/trec=/trec_bench_surveys); fi; \
	$(BIN)/python bench/surveys.py $(SURVEYS_BENCH_ARGS)

# 100,000 educators with 50,000 saved searches and follows; 100 listings published:
# how long until every alert is in the outbox (target < 10 s), one e-mail per period.
bench-alerts: $(STAMP)
	@if [ -z "$$DATABASE_URL" ] && $(call answers,5432); then export DATABASE_URL=$(PG_DEFAULT:/trec=/trec_bench_alerts); fi; \
	$(BIN)/python bench/alerts.py $(ALERTS_BENCH_ARGS)

bench-impact: $(STAMP)
	@if [ -z "$$DATABASE_URL" ] && $(call answers,5432); then export DATABASE_URL=$(PG_DEFAULT); fi; \
	$(BIN)/python bench/impact.py --reuse $(IMPACT_BENCH_ARGS)

# 10,000 reminders through a real Celery worker (Redis DB 13) into an SMTP sink, then the
# same with the worker killed half-way. Needs Postgres and Redis; FANOUT_ARGS for options.
bench-fanout: $(STAMP)
	@if [ -z "$$DATABASE_URL" ] && $(call answers,5432); then export DATABASE_URL=$(PG_DEFAULT:/trec=/trec_bench_fanout); fi; \
	if [ -z "$$REDIS_URL" ] && $(call answers,6379); then export REDIS_URL=$(REDIS_DEFAULT:/15=/13); fi; \
	$(BIN)/python bench/fanout.py $(FANOUT_ARGS)

# The Spanish catalog: collect every marked string (templates, e-mails, Python) into
# locale/es/LC_MESSAGES/django.po, then compile the django.mo committed with it.
# tests/i18n lists what is left to translate (untranslated or fuzzy), with file:line.
MESSAGES_IGNORE := --ignore=.venv --ignore=var --ignore=staticfiles --ignore=test-artifacts \
	--ignore=bench --ignore=tests --ignore="*.egg-info"
messages: $(STAMP)
	@command -v msgfmt >/dev/null || { echo "make messages needs GNU gettext: apt-get install gettext" >&2; exit 1; }
	$(BIN)/python manage.py makemessages --locale=es --extension=html,txt,py --no-obsolete $(MESSAGES_IGNORE)
	$(BIN)/python manage.py compilemessages --locale=es $(MESSAGES_IGNORE)
	@echo "Now translate what tests/i18n reports: TREC_TESTING=1 $(BIN)/python -m pytest tests/i18n"

# Load and fault work for issue 11: see bench/README.md for what each prints and the results.
BENCH_DB = $(if $(DATABASE_URL),$(DATABASE_URL),$(PG_DEFAULT:/trec=/trec_bench))
BENCH_REDIS = $(if $(REDIS_URL),$(REDIS_URL),$(REDIS_DEFAULT:/15=/9))

# "Registration opens": 500 educators, a 100-seat webinar, a worker and an SMTP sink.
bench-burst: $(STAMP)
	DATABASE_URL=$(BENCH_DB) REDIS_URL=$(BENCH_REDIS) $(BIN)/python bench/burst.py $(BURST_ARGS)

# The mix once per configuration: as deployed, then without persistent connections,
# the cached template loader and the cached reads (before/after figures).
bench-compare: $(STAMP)
	DATABASE_URL=$(BENCH_DB) REDIS_URL=$(BENCH_REDIS) $(BIN)/python bench/run.py --skip-seed --skip-burst --compare $(BENCH_ARGS)

drills: drill-backup drill-redis drill-worker-kill drill-pg-restart

# Back up, wipe, restore, compare every table's row count (its own database).
drill-backup: $(STAMP)
	DATABASE_URL=$(PG_DEFAULT:/trec=/trec_drill) $(BIN)/python bench/drills/backup_restore.py $(DRILL_ARGS)

# Redis down: the fault tests (cache and broker pointed at a closed port).
drill-redis: $(STAMP)
	TREC_TESTING=1 DATABASE_URL=$(PG_DEFAULT:/trec=/trec_drill_redis) REDIS_URL=$(BENCH_REDIS) \
	  $(BIN)/python -m pytest -q tests/faults/test_redis_down.py

# Celery worker killed (SIGKILL) mid-fan-out: nothing lost, nothing sent twice.
drill-worker-kill: $(STAMP)
	DATABASE_URL=$(PG_DEFAULT:/trec=/trec_bench_fanout) REDIS_URL=$(REDIS_DEFAULT:/15=/13) \
	  $(BIN)/python bench/fanout.py --reminders 2000 $(FANOUT_ARGS)

# Restarts the local Postgres cluster once under load: it cuts every connection to it.
drill-pg-restart: $(STAMP)
	DATABASE_URL=$(BENCH_DB) REDIS_URL=$(BENCH_REDIS) $(BIN)/python bench/drills/pg_restart.py $(DRILL_ARGS)

clean:
	rm -rf $(VENV) .tools var staticfiles test-artifacts bench/results
