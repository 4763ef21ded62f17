# The two commands: `make run` and `make test`. Both install what they need first.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
STAMP := $(VENV)/.installed
PLOTLY_JS := policies/static/vendor/plotly.min.js
PLOTLY_BUNDLE_SOURCES := $(addprefix plotly-bundle/,package.json package-lock.json index.js build.mjs)
SYSTEM_PACKAGES := chromium fonts-dejavu-core poppler-utils gettext haproxy

.PHONY: run test lint audit install system-deps static messages clean

# A Python of at least 3.12: on PATH first, then pyenv's versions.
PYTHON ?= $(shell for p in python3.13 python3.12 python3; do \
	  c=$$(command -v $$p) && $$c -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { echo $$c; exit; }; \
	done; \
	root=$$(pyenv root 2>/dev/null || echo $$HOME/.pyenv); \
	for c in $$(ls -d $$root/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -V -r); do echo $$c; exit; done)

install: $(STAMP) static messages

$(STAMP): pyproject.toml
	@if [ -z "$(PYTHON)" ]; then echo "Python 3.12 or newer is needed: install python3.12+ (apt-get install python3.12, or pyenv install 3.13)"; exit 1; fi
	@echo "Using $(PYTHON)"
	@[ -x $(PY) ] || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

# System packages (Chromium for charts in PDFs and browser tests, fonts, pdftotext, HAProxy for the tests of
# several web nodes behind a balancer): apt when root.
system-deps:
	@missing=""; for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "Installing system packages:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	else echo "Warning: missing system packages:$$missing (install them with apt-get as root; PDF charts need chromium)"; fi

# plotly.js with only the trace types our figures draw, built from the pinned npm packages of plotly-bundle/
# (the same plotly.js version as the installed plotly package ships; tests/browser/test_chart_bundle.py checks
# both). Without npm, the installed plotly package's full plotly.js is copied instead, dated 1970 so that the next
# `make` with npm at hand builds the small one.
static: $(PLOTLY_JS)
$(PLOTLY_JS): $(PLOTLY_BUNDLE_SOURCES) $(STAMP)
	@mkdir -p $(dir $@)
	@if command -v npm >/dev/null; then \
	  echo "Building $@ from plotly-bundle/ (npm ci, esbuild)"; \
	  (cd plotly-bundle && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error && node build.mjs ../$@); \
	else \
	  echo "Warning: npm is missing: serving the full plotly.js (a first visit about 0.75 MB heavier); install nodejs and npm, then run make again"; \
	  cp "$$($(PY) -c 'import plotly, pathlib; print(pathlib.Path(plotly.__file__).parent / "package_data" / "plotly.min.js")')" $@ \
	    && touch -d @0 $@; \
	fi

messages: $(STAMP)
	@if ls policies/locale/*/LC_MESSAGES/*.po >/dev/null 2>&1; then $(PY) manage.py compilemessages --ignore=.venv -v 0; fi

run: system-deps install
	$(PY) manage.py migrate --noinput -v 0
	$(PY) manage.py collectstatic --noinput -v 0
	$(PY) manage.py seed_demo
	@echo "Starting the worker and the web server on http://127.0.0.1:$(PORT)/ (Ctrl-C stops both)"
	@trap 'kill 0' EXIT INT TERM; \
	$(VENV)/bin/celery -A workbench worker --beat --schedule=data/celerybeat-schedule --pool=solo --loglevel=warning & \
	$(VENV)/bin/gunicorn workbench.wsgi --bind 127.0.0.1:$(PORT) --worker-class gthread --workers 2 --threads 8 --access-logfile - & \
	sleep 2; echo; echo "  Open http://127.0.0.1:$(PORT)/ and log in with an account above."; echo; \
	wait

test: system-deps install
	DATA_DIR=$(CURDIR)/data/test STATIC_MANIFEST=0 $(PY) -m pytest $(PYTEST_ARGS)

# Known vulnerabilities in the installed packages (pip-audit). Says plainly when the database cannot be reached
# and then exits 0: an offline machine is not a failure. Exits 1 when a vulnerability is found.
audit: install
	$(PY) scripts/audit_dependencies.py

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy policies workbench

clean:
	rm -rf $(VENV) data $(PLOTLY_JS) plotly-bundle/node_modules
