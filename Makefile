# The two commands of the README:
#   make compile   set up .venv (pinned versions), compile the pipelines into generated/ and
#                  preview them on embedded DuckDB (`ecomdsl run`)
#   make test      set up .venv and run the whole suite: format, lint, types, drift, pytest
#                  (installs Debian's postgresql when missing, for the live-database tests)
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml constraints.txt | cksum | cut -d' ' -f1)

.PHONY: setup compile check test lint constraints clean

setup: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[test,dev]'
	@rm -f $(VENV)/.installed-* && touch $@

compile: $(STAMP)
	$(BIN)/ecomdsl compile
	$(BIN)/ecomdsl run --limit 5

check: $(STAMP)
	$(BIN)/ecomdsl check

lint: $(STAMP)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache

test: lint check
	bash scripts/ensure-postgres.sh
	$(BIN)/pytest

constraints:
	rm -rf .constraints-venv && $(PYTHON) -m venv .constraints-venv
	.constraints-venv/bin/pip install --quiet -e '.[test,dev]'
	{ head -2 constraints.txt; .constraints-venv/bin/pip freeze --exclude-editable | grep -vi '^ecomdsl'; } > constraints.new
	mv constraints.new constraints.txt && rm -rf .constraints-venv

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
