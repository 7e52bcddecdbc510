# Two commands for a fresh machine: `make site` builds output/, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: site test check schema clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.deps: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.dev-deps: requirements-dev.txt requirements.txt $(VENV)/.deps
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

site: $(VENV)/.deps
	$(BIN)/python build.py

check: $(VENV)/.deps
	$(BIN)/python build.py check

schema: $(VENV)/.deps
	$(BIN)/python build.py schema schemas

test: $(VENV)/.dev-deps
	$(BIN)/python -m pytest

clean:
	rm -rf output .build-cache $(VENV)
