# Two entry points for a fresh clone: `make run` (the baseline batch, charts included) and
# `make test` (lint and test suite). Both create .venv and install negsim into it first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup run test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[test]"
	touch $(STAMP)

setup: $(STAMP)

run: setup
	$(BIN)/negsim run scenarios/korea_us_2025.yaml --force

lint: setup
	$(BIN)/ruff check sim tests benchmarks
	$(BIN)/ruff format --check sim tests benchmarks
	$(BIN)/lint-imports --no-cache

test: lint
	$(BIN)/python -m pytest -q -n 2

bench: setup
	$(BIN)/python benchmarks/throughput.py

clean:
	rm -rf $(VENV) results/*/ .pytest_cache .hypothesis
