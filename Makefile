# One entry point for every task. `make run` and `make test` work on a fresh machine.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
DATA   ?= $(or $(PROTESTMAP_DATA),data)
STAMP  := $(VENV)/.installed
PLOTLY_JS := assets/vendor/plotly.min.js
AXE_JS    := .cache/axe/node_modules/axe-core/axe.min.js
# gettext catalogues: locale/<lang>/LC_MESSAGES/messages.po is committed, its .mo is built here.
CATALOGUES := $(wildcard locale/*/LC_MESSAGES/messages.po)
COMPILED   := $(CATALOGUES:.po=.mo)
# plotly.js's and date-fns's own texts (month and day names, number signs) for every language
# with a catalogue, from the pinned npm packages; Dash serves them from assets/vendor/.
TRANSLATED := $(patsubst locale/%/LC_MESSAGES/messages.po,%,$(CATALOGUES))
JS_LOCALES := $(TRANSLATED:%=assets/vendor/plotly-locale-%.json) \
              $(TRANSLATED:%=assets/vendor/date-fns-locale-%.js)
DATE_FNS   := .cache/locales/node_modules/date-fns/package.json
POT        ?= locale/messages.pot
# What pybabel extracts: core.i18n's gettext(lang, msg), ngettext(lang, one, many, n),
# format_count(n, lang, one, many) and N_(msg), and ``_ = functools.partial(gettext, lang)``.
BABEL_KEYWORDS := --no-default-keywords -k gettext:2 -k ngettext:2,3 -k format_count:3,4 \
                  -k N_ -k _

# A failed step leaves no half-written file behind for the next `make` to trust.
.DELETE_ON_ERROR:
# The texts of a plotly.js locale module (argument: its path), as JSON on stdout.
export PLOTLY_LOCALE_JSON := const l = require(process.argv[1]); \
  process.stdout.write(JSON.stringify({dictionary: l.dictionary, format: l.format}))

.PHONY: setup system-deps browser-assets build run test test-fast lint bench bench-full clean \
        pot messages language screenshots

setup: $(STAMP) system-deps $(PLOTLY_JS) $(AXE_JS) $(COMPILED) $(JS_LOCALES)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

# Browser tests and static exports need Debian's Chromium; npm builds the partial plotly.js;
# the deployment test runs deploy/nginx.conf in Debian's nginx; the fleet tests start Debian's
# redis-server (the shared cache, locks and "new data version" messages).
# Ask apt only for what is missing: a machine whose Node.js ships its own npm breaks if Debian's
# npm is asked for too (apt's "held broken packages"). `make -n system-deps` shows the list.
CHROMIUM     ?= /usr/bin/chromium
CHROMEDRIVER ?= /usr/bin/chromedriver
NGINX        ?= /usr/sbin/nginx
REDIS        ?= /usr/bin/redis-server
MISSING_DEBS := $(strip $(if $(wildcard $(CHROMIUM)),,chromium) \
                        $(if $(wildcard $(CHROMEDRIVER)),,chromium-driver) \
                        $(if $(wildcard $(NGINX)),,nginx-light) \
                        $(if $(wildcard $(REDIS)),,redis-server) \
                        $(if $(shell command -v npm),,npm))

system-deps:
ifneq ($(MISSING_DEBS),)
	@if command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
	  echo "installing Debian packages: $(MISSING_DEBS)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(MISSING_DEBS) >/dev/null; \
	else \
	  echo "protestmap needs Debian's $(MISSING_DEBS): sudo apt-get install $(MISSING_DEBS)" >&2; exit 1; \
	fi
endif

# The dashboard's partial plotly.js (frontend/plotly, pinned by its lock file). Dash serves
# everything in assets/, and dcc.Graph then uses it instead of fetching the full bundle.
$(PLOTLY_JS): frontend/plotly/entry.js frontend/plotly/package.json frontend/plotly/package-lock.json | system-deps
	rm -rf .cache/plotly && mkdir -p .cache/plotly $(dir $@)
	cp $^ .cache/plotly/
	cd .cache/plotly && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error && npm run --silent build
	cp .cache/plotly/plotly.min.js $@

# The browser's files that git does not hold: what deploy/Dockerfile builds in a stage with npm
# (`make MISSING_DEBS= browser-assets`, the stage bringing its own Node.js).
browser-assets: $(PLOTLY_JS) $(JS_LOCALES)

# plotly.js's locale of a language (month names on date axes, the mode bar's tips) as JSON,
# from the plotly.js the bundle above is built from; core.i18n.plotly_locale puts it in the
# config of every figure in that language (dashboard, embed and kaleido's exports alike).
assets/vendor/plotly-locale-%.json: $(PLOTLY_JS)
	node -e "$$PLOTLY_LOCALE_JSON" \
	  "$(CURDIR)/.cache/plotly/node_modules/plotly.js/lib/locales/$*.js" > $@

# The date pickers' month and day names: dash-core-components formats them with date-fns and
# reads its locales from the page (frontend/locales pins the date-fns its range allows).
$(DATE_FNS): frontend/locales/package.json frontend/locales/package-lock.json | system-deps
	rm -rf .cache/locales && mkdir -p .cache/locales
	cp $^ .cache/locales/
	cd .cache/locales && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	touch $@

assets/vendor/date-fns-locale-%.js: $(DATE_FNS)
	mkdir -p $(dir $@)
	cp .cache/locales/node_modules/date-fns/locale/$*/cdn.min.js $@

# axe-core for the accessibility browser tests (tests/browser/axe.py), pinned by its lock file;
# it is injected into pages under test only, never served by the app.
$(AXE_JS): frontend/axe/package.json frontend/axe/package-lock.json | system-deps
	rm -rf .cache/axe && mkdir -p .cache/axe
	cp $^ .cache/axe/
	cd .cache/axe && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	touch $@

locale/%/LC_MESSAGES/messages.mo: locale/%/LC_MESSAGES/messages.po $(STAMP)
	$(BIN)/pybabel compile --statistics -i $< -o $@ -l $*

# The template of every message the code marks (docs/dashboard.md, "Adding a language").
pot: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg $(BABEL_KEYWORDS) --sort-by-file --no-wrap \
	  --project protestmap --version 0.1.0 --copyright-holder "protestmap contributors" \
	  --msgid-bugs-address "protestmap issue tracker" -o $(POT) .

# Merge new and changed messages into every catalogue (then translate the empty/fuzzy ones).
messages: pot
	$(BIN)/pybabel update -i $(POT) -d locale --no-wrap --ignore-obsolete

# Start a catalogue for a new language: make language LANG=uk
language: pot
	$(BIN)/pybabel init -i $(POT) -d locale -l $(LANG)

$(DATA)/incidents.parquet: $(STAMP) $(wildcard seed/*.csv) $(wildcard geodata/reference/*.csv)
	PROTESTMAP_DATA=$(DATA) $(BIN)/protestmap build

build: setup $(DATA)/incidents.parquet

run: build
	PROTESTMAP_DATA=$(DATA) $(BIN)/protestmap serve

test: setup
	$(BIN)/python -m pytest

test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not browser"

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy core geodata layers pages publish app.py cli.py servers.py
	$(BIN)/lint-imports --no-cache

# Benchmarks on synthetic data (never written into the real store); see docs/performance.md.
bench: build
	$(BIN)/python -m bench.run --data $(DATA)

bench-full: build $(VENV)/.bench
	$(BIN)/python -m bench.run --data $(DATA) --full

# What readers get, photographed from the embedded real data (docs/screenshots/, README).
screenshots: build
	$(BIN)/python -m bench.screenshots --data $(DATA) --out docs/screenshots

# locust, for bench/load.py only: the app and its tests never import it.
$(VENV)/.bench: pyproject.toml | $(STAMP)
	$(BIN)/pip install --quiet -e '.[test,bench]'
	touch $@

clean:
	rm -rf $(VENV) $(DATA) .cache .pytest_cache assets/vendor $(COMPILED) $(POT)
