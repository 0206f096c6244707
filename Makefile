# Two commands for a fresh clone: `make serve` and `make test` (see README.md).
# Each sets up .venv when needed; pip runs only when pyproject.toml is newer than its stamp.

PYTHON ?= python3
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
# pytest-xdist workers (auto: one per core); each takes whole test files, so module fixtures stay shared
JOBS ?= auto
VENV := .venv
PIP := $(VENV)/bin/python -m pip --disable-pip-version-check -q

.PHONY: serve test test-quick lint typecheck format

serve: $(VENV)/.stamp-serve
	exec $(VENV)/bin/marketplace serve --host '$(HOST)' --port '$(PORT)'

test: lint typecheck $(VENV)/.stamp-test
	scripts/ensure-services
	$(VENV)/bin/python -m pytest -n $(JOBS) --dist loadfile $(PYTEST_ARGS)

# ruff's linter and formatter check (nothing is changed); `make format` rewrites what they would.
lint: $(VENV)/.stamp-test
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/ruff format --check src tests bench

# mypy (configured in pyproject.toml): src under --strict, then tests and bench with every body checked.
typecheck: $(VENV)/.stamp-test
	$(VENV)/bin/mypy src tests bench

format: $(VENV)/.stamp-test
	$(VENV)/bin/ruff check --fix src tests bench
	$(VENV)/bin/ruff format src tests bench

# Everything but the tests marked slow (crash points, fuzzing): for the edit-test loop, not for CI.
test-quick: $(VENV)/.stamp-test
	scripts/ensure-services
	$(VENV)/bin/python -m pytest -n $(JOBS) --dist loadfile -m "not slow" $(PYTEST_ARGS)

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.stamp-serve: pyproject.toml | $(VENV)/bin/python
	$(PIP) install -e .
	touch $@

$(VENV)/.stamp-test: pyproject.toml | $(VENV)/bin/python
	$(PIP) install -e '.[test]'
	touch $@
