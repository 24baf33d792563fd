# Two commands do everything on a fresh machine: `make demo` and `make test`.
# Every target installs what it needs first (a .venv from pyproject.toml).

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
CHROMIUM := /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: setup demo test lint lab browser clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

# Headless Chromium for the browser tests, from Debian's packages (never `playwright install`).
$(CHROMIUM):
	$(SUDO) apt-get update -q
	$(SUDO) apt-get install -y -q chromium

browser: $(CHROMIUM)

demo: setup
	$(BIN)/workbench read seeds --format table
	@echo "outputs are under build/"

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: setup browser lint
	$(BIN)/pytest -q
	$(BIN)/pytest -q --nbval-lax --nbval-sanitize-with tests/nbval_sanitize.cfg notebooks

lab: setup
	$(BIN)/jupyter lab notebooks

clean:
	rm -rf build .pytest_cache .ruff_cache
