# towngown: `make run` sets up, loads the data and serves it; `make test` sets up and runs every test.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
PYTEST_ARGS ?=

.PHONY: run test setup load serve clean wheel

setup: $(STAMP)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	rm -f $(VENV)/.installed-*
	touch $@

load: $(STAMP)
	$(BIN)/towngown load

serve: $(STAMP)
	$(BIN)/towngown serve

run: load serve

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

wheel: $(STAMP)
	$(BIN)/python -m build --wheel --no-isolation --outdir dist

clean:
	rm -rf $(VENV) var dist build
