# Two entry points on a fresh clone: `make run` (dashboard, offline) and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8501

.PHONY: run test warehouse import benchmark clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.run-deps: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.test-deps: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.run-deps

## Build data/warehouse.duckdb from the committed staging tables (no-op if current).
warehouse: $(VENV)/.run-deps
	$(BIN)/python -m etl build

## Re-import the publisher files in ../shared/data (offline) and rebuild.
import: $(VENV)/.run-deps
	$(BIN)/python -m etl import ../shared/data/frontex ../shared/data/eurostat ../shared/data/remittances ../shared/data/cbs

## Serve the dashboard on http://localhost:$(PORT)
run: warehouse
	$(BIN)/streamlit run app.py --server.port $(PORT) --server.address localhost \
		--server.headless true --browser.gatherUsageStats false

## The whole test suite (network tests excluded).
test: $(VENV)/.test-deps
	$(BIN)/python -m pytest

benchmark: $(VENV)/.test-deps warehouse
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) data/warehouse.duckdb
