# towngown: `make run` sets up, loads the data and serves it; `make test` sets up and runs every test.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
PYTEST_ARGS ?=

.PHONY: run test setup load serve clean wheel system-deps web-assets

setup: $(STAMP) web-assets

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	rm -f $(VENV)/.installed-*
	touch $@

load: $(STAMP)
	$(BIN)/towngown load

serve: $(STAMP) web-assets
	$(BIN)/towngown serve

run: load serve

# Browser assets (the YASGUI editor at /sparql) from package.json / package-lock.json: `npm ci` when node_modules
# is missing or older than the lockfile. Without npm the app still runs and /sparql says how to build the editor.
NODE_STAMP := node_modules/.towngown-installed
web-assets: $(NODE_STAMP)

$(NODE_STAMP): package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
	  npm ci --no-audit --no-fund --ignore-scripts --loglevel=error && touch $@; \
	else echo "npm not found: the SPARQL editor at /sparql stays unavailable (install Node.js and npm, then make setup)"; fi

# Debian packages the tests use: Chromium for the browser tests, Virtuoso for the second engine of the
# store contract suite, npm for the editor's assets. Installed with apt-get only when missing (CI and a fresh machine run as root).
DEBIAN_PACKAGES := chromium:/usr/bin/chromium virtuoso-opensource:/usr/bin/virtuoso-t npm:/usr/bin/npm
system-deps:
	@missing=""; for pair in $(DEBIAN_PACKAGES); do pkg=$${pair%%:*}; bin=$${pair#*:}; \
	  [ -x "$$bin" ] || missing="$$missing $$pkg"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	fi

test: $(STAMP) system-deps web-assets
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Issue 7: a 10-minute soak on loopback (mixed reads and publishes; stops itself; exit 1 on a failed check).
.PHONY: soak
soak: $(STAMP)
	$(BIN)/python bench/soak.py --seconds 600

# Issue 6: towngown against the raw engine at 100 ... 100 000 synthetic partnerships; writes bench/RESULTS.md
# (about 20 minutes on 2 cores). wrk (Debian) is the load generator, installed when missing.
.PHONY: bench
bench: $(STAMP)
	@command -v wrk >/dev/null 2>&1 || { SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends wrk; }
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	$(BIN)/python bench/run.py

wheel: $(STAMP)
	$(BIN)/python -m build --wheel --no-isolation --outdir dist

# The questionnaire templates (issue 5), generated from service/towngown/questionnaire/spec.py: run after changing
# the questionnaire or the concept schemes (tests/test_questionnaire.py fails while they are out of date).
.PHONY: templates
templates: $(STAMP)
	$(BIN)/towngown template --format yaml --output data/templates/questionnaire.yaml
	$(BIN)/towngown template --format xlsx --output data/templates/questionnaire.xlsx
	$(BIN)/towngown template --format xlsx --fill tests/data/questionnaire/gjovik-ntnu.yaml --output tests/data/questionnaire/gjovik-ntnu.xlsx

clean:
	rm -rf $(VENV) var dist build node_modules
