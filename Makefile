# The README's commands. Everything installs into .venv from pyproject.toml.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test test-browser lint format clean benchmarks

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/caseload demo

test: $(STAMP)
	$(BIN)/python -m pytest -n 2 $(PYTEST_ARGS)

# The browser tests alone. They drive Debian's Chromium (/usr/bin/chromium; as root:
# apt-get install chromium) and skip without it; screenshots go to test-artifacts/screenshots.
test-browser: $(STAMP)
	$(BIN)/python -m pytest tests/web/browser $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy
	$(BIN)/lint-imports

format: $(STAMP)
	$(BIN)/ruff check --fix src tests benchmarks
	$(BIN)/ruff format src tests benchmarks

# Every speed measurement (about 22 minutes in all on a 2-core machine); see benchmarks/README.md.
benchmarks: $(STAMP)
	$(BIN)/python benchmarks/allocation.py
	$(BIN)/python benchmarks/retention.py
	$(BIN)/python benchmarks/allocation_meeting.py
	$(BIN)/python benchmarks/import_scale.py
	$(BIN)/python benchmarks/census_national.py
	$(BIN)/python benchmarks/national_generation.py
	$(BIN)/python benchmarks/web_load.py
	$(BIN)/python benchmarks/snapshot.py
	$(BIN)/python benchmarks/reports.py
	$(BIN)/python benchmarks/practice.py
	$(BIN)/python benchmarks/health_check.py
	$(BIN)/python benchmarks/forecast.py

clean:
	rm -rf $(VENV) build *.egg-info .mypy_cache .ruff_cache .pytest_cache
