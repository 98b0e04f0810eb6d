# The one list of commands. `make` prints them.
SHELL := /bin/bash
export UV_PYTHON_DOWNLOADS := never
export PATH := $(HOME)/.local/bin:$(PATH)
UV := uv run --frozen
MANAGE := $(UV) python manage.py

.DEFAULT_GOAL := help
.PHONY: help setup run test test-fast lint format bench

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

setup: ## install uv, Python packages, npm assets and Debian packages (idempotent)
	@bash scripts/setup.sh

# DEBUG off whatever the shell says: the demo shows the project's own error pages, never Django's debug page.
run: export DJANGO_DEBUG := false
run: setup ## start on SQLite with demo data at http://127.0.0.1:8000
	$(MANAGE) migrate --noinput
	$(MANAGE) seed_demo
	@# The task worker (imports, notifications) runs beside the web server and stops with it.
	$(MANAGE) db_worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(MANAGE) runserver 127.0.0.1:8000

test: ## the whole suite (unit, database, browser); DATABASE_URL picks the engine
	@bash scripts/setup.sh --browser
	$(UV) pytest -q; rc=$$?; if [ $$rc -eq 5 ]; then echo "no tests collected"; exit 1; fi; exit $$rc

test-fast: ## the suite without browser journeys
	$(UV) pytest -q -m "not browser"

lint: ## ruff, format check, mypy, import-linter, manage.py check, makemigrations --check
	@bash scripts/setup.sh
	$(UV) ruff check .
	$(UV) ruff format --check .
	$(UV) mypy anbili config
	$(UV) lint-imports
	DJANGO_SETTINGS_MODULE=config.settings.test $(MANAGE) check
	DJANGO_SETTINGS_MODULE=config.settings.test $(MANAGE) makemigrations --check --dry-run

format: ## apply ruff's formatting and fixes
	$(UV) ruff format .
	$(UV) ruff check --fix .

bench: ## print benchmark figures (not part of the test run)
	@for f in bench/bench_*.py; do echo "== $$f"; PYTHONPATH=$(CURDIR) $(UV) python $$f; done
