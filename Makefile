# Two entry points for a fresh clone: `make run` (the baseline batch, charts included) and
# `make test` (lint, the docs built with --strict, and the test suite). Both create .venv and
# install negsim into it first, with its test and docs extras; `make test` adds the page's extra,
# whose module the suite imports (its doctests) and tests.
# `make explore` adds the page's extra and opens the page (negsim explore) on the baseline.
# `make docs` builds the documentation into site/ (offline); `make reference` rewrites the
# reference pages generated from the code (docs/reference/{scenario,cli,columns}.md) and the
# scenario JSON Schemas (scenarios/schema/), which tests hold to what the code says.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
EXPLORE_STAMP := $(VENV)/.installed-explore

.PHONY: setup setup-explore run explore test lint docs reference bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[test,docs]"
	touch $(STAMP)

setup: $(STAMP)

$(EXPLORE_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[test,docs,explore]"
	touch $(EXPLORE_STAMP)

setup-explore: $(EXPLORE_STAMP)

run: setup
	$(BIN)/negsim run scenarios/korea_us_2025.yaml --force

explore: setup-explore
	$(BIN)/negsim explore scenarios/korea_us_2025.yaml

lint: setup
	$(BIN)/ruff check sim tests benchmarks docs
	$(BIN)/ruff format --check sim tests benchmarks docs
	$(BIN)/lint-imports --no-cache

docs: setup
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --quiet --site-dir site

reference: setup
	$(BIN)/python docs/generate_reference.py
	$(BIN)/negsim schema > scenarios/schema/scenario.schema.json
	$(BIN)/negsim schema --variant > scenarios/schema/variant.schema.json

test: setup-explore lint docs
	$(BIN)/python -m pytest -q -n 2

bench: setup
	$(BIN)/python benchmarks/throughput.py

clean:
	rm -rf $(VENV) results/*/ site .pytest_cache .hypothesis
