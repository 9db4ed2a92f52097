# Two commands on a fresh machine: `make run` starts the app, `make test` runs the suite.
# Each creates .venv on first use and reinstalls only when pyproject.toml changes.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench clean

# editable_mode=compat: the checkout goes on sys.path through a plain .pth line. The default
# mode installs an import finder whose import costs ~25 ms at every start of every command
# (importlib machinery); where setuptools no longer offers compat, the default mode is used.
# compileall: pip compiles what it installs into site-packages, never an editable checkout,
# so our modules' .pyc files are written here once, as a user's first run would write them
# (Python recompiles any module edited since).
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]' --config-settings editable_mode=compat \
		|| $(BIN)/python -m pip install --quiet -e '.[test]'
	$(BIN)/python -m compileall -q exam_tui
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/exam-tui $(ARGS)

# The suite includes tests/test_wheel_install.py: the built wheel, installed into a fresh venv
# outside the checkout, run from another folder (~45 s; needs PyPI or pip's cache).
test: $(STAMP)
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/python -m pip install --quiet ruff mypy
	$(BIN)/python -m ruff check exam_tui tests
	$(BIN)/python -m mypy

bench: $(STAMP)
	$(BIN)/python benchmarks/run_all.py

clean:
	rm -rf $(VENV) build *.egg-info
