# Every target bootstraps .venv on first use; `make help` lists them.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help regen check test lint bench crash fuzz fuzz-short clean

help:  ## Show the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

regen: $(STAMP)  ## Rebuild every generated region of the embedded default and the README
	$(BIN)/regen update

check: $(STAMP)  ## Fail with a diff when any region of this repository is stale
	$(BIN)/regen check

test: $(STAMP)  ## Run the test suite, with branch coverage
	$(BIN)/python -m pytest --cov --cov-report=term

lint: $(STAMP)  ## ruff and mypy --strict
	$(BIN)/ruff check regen tests bench fuzz
	$(BIN)/ruff format --check regen tests bench fuzz
	$(BIN)/mypy

bench: $(STAMP)  ## Benchmarks against the floor and cog, files in memory and read from disk (3,000 and 30,000 pages; minutes); writes BENCHMARKS.md
	$(BIN)/python bench/run.py

crash: $(STAMP)  ## Kill regen update with SIGKILL 150 times; every page must stay whole
	REGEN_CRASH_RUNS=150 $(BIN)/python -m pytest -q -s tests/test_crash.py

FUZZ_RUNS ?= 100000
fuzz: $(STAMP)  ## Fuzz the scanner, the configuration loader and the rewriter (100,000 inputs each)
	$(BIN)/python -m pip install --quiet atheris
	@for target in scan config update; do \
		work=$$(mktemp -d); cp fuzz/corpus/* $$work/; \
		echo "fuzz $$target: $(FUZZ_RUNS) inputs"; \
		$(BIN)/python fuzz/fuzz_$$target.py -runs=$(FUZZ_RUNS) -artifact_prefix=$$work/ $$work \
			> $$work/log 2>&1 || { tail -30 $$work/log; exit 1; }; \
		grep -E "^Done" $$work/log; rm -rf $$work; \
	done

fuzz-short:  ## A short fuzzing run, as CI does
	$(MAKE) fuzz FUZZ_RUNS=5000

clean:  ## Remove the virtual environment and caches
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .hypothesis .coverage *.egg-info
