# towngown: `make run` sets up, loads the data and serves it; `make test` sets up and runs every test.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
PYTEST_ARGS ?=

.PHONY: run test setup load serve clean wheel system-deps

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

# Debian packages the tests use: Chromium for the browser tests, Virtuoso for the second engine of the
# store contract suite. Installed with apt-get only when missing (CI and a fresh machine run as root).
DEBIAN_PACKAGES := chromium:/usr/bin/chromium virtuoso-opensource:/usr/bin/virtuoso-t
system-deps:
	@missing=""; for pair in $(DEBIAN_PACKAGES); do pkg=$${pair%%:*}; bin=$${pair#*:}; \
	  [ -x "$$bin" ] || missing="$$missing $$pkg"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	fi

test: $(STAMP) system-deps
	$(BIN)/python -m pytest $(PYTEST_ARGS)

wheel: $(STAMP)
	$(BIN)/python -m build --wheel --no-isolation --outdir dist

clean:
	rm -rf $(VENV) var dist build
