# Two entry points on a fresh clone: `make run` (dashboard, offline) and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8501

LOCK_RUN  := requirements/run.txt
LOCK_TEST := requirements/test.txt

.PHONY: run test warehouse import benchmark lock messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Installs come from the hashed lock files (exact versions, every file checked), then the
# project itself without resolving anything again. `make lock` rewrites the locks from
# pyproject.toml.
$(VENV)/.run-deps: pyproject.toml $(LOCK_RUN) | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r $(LOCK_RUN)
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.test-deps: pyproject.toml $(LOCK_TEST) | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r $(LOCK_TEST)
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@ $(VENV)/.run-deps

## Re-resolve the dependencies of pyproject.toml into the two hashed lock files.
lock: | $(BIN)/python
	$(BIN)/pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --universal --python-version 3.11 --generate-hashes \
		--quiet -o $(LOCK_RUN)
	$(BIN)/uv pip compile pyproject.toml --extra test --universal --python-version 3.11 \
		--generate-hashes --quiet -o $(LOCK_TEST)

## Interface messages: extract them from the code, update the Dutch catalog (translate the
## new entries in dashboard/locale/nl/LC_MESSAGES/messages.po) and compile it to .mo.
messages: $(VENV)/.run-deps
	$(BIN)/pybabel extract -F babel.cfg -k N_ -k ngettext:1,2 --no-location \
		--sort-output --omit-header -o dashboard/locale/messages.pot .
	$(BIN)/pybabel update -i dashboard/locale/messages.pot -d dashboard/locale \
		--no-fuzzy-matching --ignore-obsolete
	$(BIN)/pybabel compile -d dashboard/locale --statistics

## Build data/warehouse.duckdb from the committed staging tables (no-op if current).
warehouse: $(VENV)/.run-deps
	$(BIN)/python -m etl build

## Re-import the publisher files in ../shared/data (offline) and rebuild.
import: $(VENV)/.run-deps
	$(BIN)/python -m etl import ../shared/data/frontex ../shared/data/eurostat ../shared/data/remittances ../shared/data/cbs ../shared/data/iom

## Serve the dashboard on http://localhost:$(PORT)
# Two glibc malloc arenas instead of one per thread and Arrow on the system allocator: about
# 25 MB less resident memory after every page (README, Performance).
SERVE_ENV := MALLOC_ARENA_MAX=2 ARROW_DEFAULT_MEMORY_POOL=system

run: warehouse
	$(SERVE_ENV) $(BIN)/streamlit run app.py --server.port $(PORT) --server.address localhost \
		--server.headless true --browser.gatherUsageStats false

## The whole test suite (network tests excluded).
test: $(VENV)/.test-deps
	$(BIN)/python -m pytest

benchmark: $(VENV)/.test-deps warehouse
	$(BIN)/python benchmarks/run.py
	$(BIN)/python benchmarks/serving.py
	$(BIN)/python benchmarks/targets.py

clean:
	rm -rf $(VENV) data/warehouse.duckdb
