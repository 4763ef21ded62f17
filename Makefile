# The two commands: `make run` and `make test`. Both install what they need first.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
STAMP := $(VENV)/.installed
PLOTLY_JS := policies/static/vendor/plotly.min.js
SYSTEM_PACKAGES := chromium fonts-dejavu-core poppler-utils gettext

.PHONY: run test lint install system-deps static messages clean

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

# System packages (Chromium for charts in PDFs and browser tests, fonts, pdftotext): apt when root.
system-deps:
	@missing=""; for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "Installing system packages:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	else echo "Warning: missing system packages:$$missing (install them with apt-get as root; PDF charts need chromium)"; fi

# plotly.js comes from the installed plotly package, so its version always matches the figures it emits.
static: $(PLOTLY_JS)
$(PLOTLY_JS): $(STAMP)
	@mkdir -p $(dir $@)
	cp "$$($(PY) -c 'import plotly, pathlib; print(pathlib.Path(plotly.__file__).parent / "package_data" / "plotly.min.js")')" $@

messages: $(STAMP)
	@if ls policies/locale/*/LC_MESSAGES/*.po >/dev/null 2>&1; then $(PY) manage.py compilemessages --ignore=.venv -v 0; fi

run: system-deps install
	$(PY) manage.py migrate --noinput -v 0
	$(PY) manage.py collectstatic --noinput -v 0
	$(PY) manage.py seed_demo
	@echo "Starting the worker and the web server on http://127.0.0.1:$(PORT)/ (Ctrl-C stops both)"
	@trap 'kill 0' EXIT INT TERM; \
	$(VENV)/bin/celery -A workbench worker --beat --schedule=data/celerybeat-schedule --pool=solo --loglevel=warning & \
	$(VENV)/bin/gunicorn workbench.wsgi --bind 127.0.0.1:$(PORT) --workers 2 --access-logfile - & \
	sleep 2; echo; echo "  Open http://127.0.0.1:$(PORT)/ and log in with an account above."; echo; \
	wait

test: system-deps install
	DATA_DIR=$(CURDIR)/data/test STATIC_MANIFEST=0 $(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy policies/analysis

clean:
	rm -rf $(VENV) data $(PLOTLY_JS)
