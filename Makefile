# Two entry points for a fresh clone: `make run` (the baseline batch, charts included) and
# `make test` (lint and test suite). Both create .venv and install negsim into it first.
# `make explore` adds the page's extra and opens the page (negsim explore) on the baseline.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
EXPLORE_STAMP := $(VENV)/.installed-explore

.PHONY: setup setup-explore run explore test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[test]"
	touch $(STAMP)

setup: $(STAMP)

$(EXPLORE_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[test,explore]"
	touch $(EXPLORE_STAMP)

setup-explore: $(EXPLORE_STAMP)

run: setup
	$(BIN)/negsim run scenarios/korea_us_2025.yaml --force

explore: setup-explore
	$(BIN)/negsim explore scenarios/korea_us_2025.yaml

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
