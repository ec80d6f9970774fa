# helpdesk_tiers: the two commands are `make run` and `make test`.
# Both run `make setup` first, which is idempotent (about a second when nothing changed).
SHELL := /bin/bash
.DEFAULT_GOAL := help

.PHONY: help setup run test lint i18n bench screenshots clean

help:
	@echo "make run    set up, create the demo database once, serve Odoo on http://127.0.0.1:8069"
	@echo "make test   set up, lint, run the Odoo tests on a fresh database, then pytest"
	@echo "make setup  install everything (ODOO_SRC: Odoo 18 source tree, default /opt/odoo)"
	@echo "make lint   ruff and pylint-odoo only"
	@echo "make i18n   export the terms of a database (DB=...) into i18n/*.pot and fr.po"
	@echo "make bench  run the benchmarks in bench/"
	@echo "make screenshots  capture the user guide's screens from a fresh demo (SCREENSHOTS_DB, SCREENSHOTS_PORT)"
	@echo "make clean  remove .venv and .state (generated config, logs, demo filestore)"

setup:
	@bash tools/setup.sh

run: setup
	@bash tools/run.sh

test: setup
	@bash tools/test.sh

lint: setup
	@.venv/bin/ruff check . && .venv/bin/ruff format --check . && .venv/bin/pylint --rcfile=.pylintrc addons/*/

i18n: setup
	@test -n "$(DB)" || { echo "usage: make i18n DB=<database with the addon installed>"; exit 2; }
	@.venv/bin/python tools/i18n.py update "$(DB)"

bench: setup
	@bash tools/bench.sh

screenshots: setup
	@.venv/bin/python tools/screenshots.py

clean:
	rm -rf .venv .state
