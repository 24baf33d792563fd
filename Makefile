# Two commands do everything on a fresh machine: `make demo` and `make test`.
# Every target installs what it needs first (a .venv from pyproject.toml).

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
CHROMIUM := /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: setup demo test lint lab browser clean vendor render notebooks bench

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

# The widget HTML manager and require.js, inlined into every rendered page (workbench/render.py),
# from the npm registry at pinned versions; re-run after changing them (`rm -rf build/vendor`).
VENDOR := build/vendor
NPM_PACKAGES := @jupyter-widgets/html-manager@1.0.15 requirejs@2.3.8

$(VENDOR)/.stamp:
	rm -rf $(VENDOR) && mkdir -p $(VENDOR)/html-manager $(VENDOR)/requirejs
	npm pack --silent --pack-destination $(VENDOR) $(NPM_PACKAGES)
	tar -xzf $(VENDOR)/jupyter-widgets-html-manager-*.tgz -C $(VENDOR)/html-manager --strip-components=1
	tar -xzf $(VENDOR)/requirejs-*.tgz -C $(VENDOR)/requirejs --strip-components=1
	touch $@

vendor: $(VENDOR)/.stamp

# Every notebooks/NN-*.ipynb as one offline HTML page under build/html/.
render: setup vendor
	$(BIN)/workbench render

# Execute every notebook in place, strip volatile metadata, and list style problems.
notebooks: setup
	$(BIN)/workbench notebooks

# The main job on the shipped seeds: store, scorer-format extraction, tables, rendered notebooks.
# One store behind everything: the extraction and tables are its corrected tables, and the
# pages read it too, so a correction made in a notebook or with `workbench correct` shows.
DEMO_STORE := build/workbench.duckdb

demo: setup vendor
	$(BIN)/workbench extract seeds --store $(DEMO_STORE) --format jsonl --out build/extraction.jsonl --tables-dir build/tables
	$(BIN)/workbench render --store $(DEMO_STORE) --out build/html
	@echo
	@echo "outputs:"
	@echo "  build/workbench.duckdb   the store (tagged reports, corrections ledger)"
	@echo "  build/extraction.jsonl   actors, places and events per report (scorer format)"
	@echo "  build/tables/*.csv       reports, problems, mentions, actors, places, dates, relations, events, incidents (corrected)"
	@echo "  build/html/              the notebooks as offline HTML pages"

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

# Tests never write an analyst's store: pytest points $WORKBENCH_STORE at a temp file
# (tests/conftest.py), nbval at a throwaway one made afresh here (absolute: kernels start in notebooks/).
NBVAL_STORE := $(CURDIR)/build/test/nbval.duckdb

test: setup browser vendor lint
	$(BIN)/pytest -q
	rm -rf build/test
	WORKBENCH_STORE=$(NBVAL_STORE) $(BIN)/pytest -q --nbval-lax --nbval-sanitize-with tests/nbval_sanitize.cfg notebooks

lab: setup
	$(BIN)/jupyter lab notebooks

# Accuracy, whole-process cost against bare spaCy, growth with report length and corpus size
# (texts from bench/corpus.py), the store, the filters and incident matching (10k and 100k
# synthetic events); results in bench/results/.
# CORPUS is a gold-annotated folder (not shipped; default ../shared/corpus/dev). GROWTH sets
# the growth cases (default: one report of 100, 1,000 and 10,000 paragraphs and corpora of
# 100 and 1,000 reports, about 13 minutes on 2 cores; the longest report peaks at 7 GB).
# SCALING sets bench/scaling.py's cases (2 workers against 1, and Dask, on 200 reports; peak
# memory of ingest at 1,000 and 4,000 reports: about 15 minutes; `--rss 1000 10000` for 10k).
CORPUS ?= ../shared/corpus/dev
GROWTH ?= --paragraphs 100 1000 10000 --reports 100 1000
SCALING ?= --reports 200 --rss 1000 4000 --dask
bench: setup
	$(PY) bench/accuracy.py $(CORPUS)
	$(PY) bench/process.py $(CORPUS)
	$(PY) bench/growth.py $(GROWTH)
	$(PY) bench/store_bench.py
	$(PY) bench/filter_bench.py
	$(PY) bench/incidents.py
	$(PY) bench/scaling.py $(CORPUS) $(SCALING)

clean:
	rm -rf build .pytest_cache .ruff_cache
