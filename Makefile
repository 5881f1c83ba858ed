# valuechain: `make run` serves the app, `make test` checks everything. See README.md.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PORT ?= 8000
PYTHON ?= python3.11
PG_URL ?= postgres://valuechain@127.0.0.1:5432/valuechain
# pytest-xdist workers: the suite is split over the machine's two cores.
TEST_WORKERS ?= 2
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
VC := .venv/bin/valuechain
export UV_PYTHON := $(PYTHON)
export UV_PROJECT_ENVIRONMENT := .venv

.PHONY: help run serve test lint typecheck test-sqlite test-postgres deps deps-dev assets browser fmt clean

help:
	@echo "make run    - install, migrate, load demo data, serve on 127.0.0.1:$(PORT)"
	@echo "make test   - lint, type check, the whole suite on SQLite and PostgreSQL"

$(UV):
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 ($(PYTHON)) is required"; exit 1; }
	$(PYTHON) -m venv .tools && .tools/bin/pip install --quiet uv

deps: $(UV) assets
	$(UV) sync --frozen --no-dev

deps-dev: $(UV) assets
	$(UV) sync --frozen

# Front-end libraries from npm (package-lock.json), copied into gitignored app static folders.
SORTABLE := src/valuechain/crm/sales/static/sales/vendor/Sortable.min.js
assets: $(SORTABLE)

$(SORTABLE): package.json package-lock.json
	@command -v npm >/dev/null || { echo "Node.js and npm are required (front-end assets)"; exit 1; }
	npm ci --ignore-scripts --no-audit --no-fund
	cp node_modules/sortablejs/Sortable.min.js $@

run: deps
	$(VC) migrate --no-input
	$(VC) collectstatic --no-input --verbosity 0
	$(VC) demo --if-empty
	$(VC) serve --port $(PORT)

fmt: deps-dev
	.venv/bin/ruff format src tests bench
	.venv/bin/ruff check --fix src tests bench

lint: deps-dev
	.venv/bin/ruff check src tests bench
	.venv/bin/ruff format --check src tests bench
	.venv/bin/lint-imports

typecheck: deps-dev
	.venv/bin/mypy

browser:
	@bash scripts/ensure-chromium.sh

test-sqlite: deps-dev browser
	VALUECHAIN_TESTING=1 .venv/bin/pytest -q -n $(TEST_WORKERS)

test-postgres: deps-dev browser
	@if bash scripts/ensure-postgres.sh "$(PG_URL)"; then \
		VALUECHAIN_TESTING=1 DATABASE_URL="$(PG_URL)" .venv/bin/pytest -q -n $(TEST_WORKERS); \
	elif [ "$$CI" = "true" ]; then \
		echo "PostgreSQL is required under CI=true and is not reachable"; exit 1; \
	else \
		echo "PostgreSQL not reachable: skipped the PostgreSQL run (it is required under CI=true)"; \
	fi

test: lint typecheck test-sqlite test-postgres

clean:
	rm -rf .venv .tools var/test-* node_modules $(SORTABLE)
