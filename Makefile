# Two entry points that work on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test test-browser test-wheel lint typecheck check bench bench-env clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

## demo: build the bundled 2023 edition into build/, print the summary, write the site into site/
demo: $(STAMP)
	$(BIN)/kg build
	$(BIN)/kg site

## test: lint, type-check and run the test suite (starts its own Oxigraph server)
test: $(STAMP)
	$(BIN)/ruff check kg tests bench
	$(BIN)/mypy
	$(BIN)/pytest -q

## test-browser: only the browser tests (Debian's chromium through Playwright; .ci/run installs it)
test-browser: $(STAMP)
	$(BIN)/pytest -q -m browser

## test-wheel: build the wheel, install it in a fresh venv and run kg from it (.ci/wheel-test)
test-wheel: $(STAMP)
	bash .ci/wheel-test

BENCH_VENV ?= .venv-bench
BENCH_BIN := $(BENCH_VENV)/bin
BENCH_STAMP := $(BENCH_VENV)/.installed

# Morph-KGC pins pyoxigraph<0.4 while kg needs 0.5: it goes in first, in its own venv, and
# works with the newer library despite pip's warning (see bench/README.md).
$(BENCH_STAMP): pyproject.toml bench/requirements.txt
	$(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_BIN)/pip install --quiet --upgrade pip
	$(BENCH_BIN)/pip install --quiet -r bench/requirements.txt
	$(BENCH_BIN)/pip install --quiet -e .
	touch $(BENCH_STAMP)

## bench-env: separate venv with kg and Morph-KGC for the benchmark
bench-env: $(BENCH_STAMP)

## bench: kg build vs Morph-KGC on 1k/10k/100k synthetic editions; PASS/FAIL lines, bench/out/results.json
# Jena's SHACL engine, the validation peer, comes from Debian (libapache-jena-java).
JENA_STAMP := /usr/share/java/jena-shacl.jar

bench: $(BENCH_STAMP) $(JENA_STAMP)
	$(BENCH_BIN)/python bench/run.py

$(JENA_STAMP):
	sudo=""; [ "$$(id -u)" -eq 0 ] || sudo="sudo"; \
	$$sudo apt-get update -qq && $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libapache-jena-java

lint: $(STAMP)
	$(BIN)/ruff check kg tests bench

typecheck: $(STAMP)
	$(BIN)/mypy

clean:
	rm -rf build site bench/out
