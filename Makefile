# Two entry points that work on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck check bench bench-env clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

## demo: build the bundled 2023 edition into build/ and print the summary
demo: $(STAMP)
	$(BIN)/kg build

## test: lint, type-check and run the test suite (starts its own Oxigraph server)
test: $(STAMP)
	$(BIN)/ruff check kg tests bench
	$(BIN)/mypy
	$(BIN)/pytest -q

lint: $(STAMP)
	$(BIN)/ruff check kg tests bench

typecheck: $(STAMP)
	$(BIN)/mypy

clean:
	rm -rf build bench/out
