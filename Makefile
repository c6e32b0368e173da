# `make run`  — install (first time) and start the web chat on the bundled corpus.
# `make test` — install (first time) and run the test suite.
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test install install-test lint eval bench soak clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

run: install
	$(BIN)/treatyqa serve

test: install-test
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/python -m pytest

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/mypy

# The full evaluation on the bundled corpus and question set, beside the baseline.
eval: install-test
	$(BIN)/treatyqa ingest --quiet
	$(BIN)/treatyqa eval --compare baseline

# Speed and memory on this machine: writes bench/report.json and bench/report.md.
bench: install-test
	$(BIN)/treatyqa bench

# 50 clients asking the web API over loopback for 20 minutes: bench/soak.json and soak.md.
soak: install-test
	$(BIN)/treatyqa soak

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache *.egg-info
