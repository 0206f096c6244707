# Two commands for a fresh clone: `make serve` and `make test` (see README.md).
# Each sets up .venv when needed; pip runs only when pyproject.toml is newer than its stamp.

PYTHON ?= python3
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
VENV := .venv
PIP := $(VENV)/bin/python -m pip --disable-pip-version-check -q

.PHONY: serve test

serve: $(VENV)/.stamp-serve
	exec $(VENV)/bin/marketplace serve --host '$(HOST)' --port '$(PORT)'

test: $(VENV)/.stamp-test
	scripts/ensure-services
	$(VENV)/bin/python -m pytest $(PYTEST_ARGS)

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.stamp-serve: pyproject.toml | $(VENV)/bin/python
	$(PIP) install -e .
	touch $@

$(VENV)/.stamp-test: pyproject.toml | $(VENV)/bin/python
	$(PIP) install -e '.[test]'
	touch $@
