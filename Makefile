# Two commands matter: `make run` and `make test`. Everything else is for developers.
SHELL := /bin/bash
VENV := .venv
UV := $(VENV)/bin/uv
PY := $(VENV)/bin/python
UV_VERSION := 0.13.8
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run dev test test-fast test-corpus lint format bench browser-deps pdf-deps clean

# uv itself is installed with pip into the project's own virtualenv, from the system Python.
$(UV):
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

# --inexact: keep the pip-installed uv that lives in the same virtualenv.
$(VENV)/.synced: $(UV) uv.lock pyproject.toml
	$(UV) sync --locked --inexact --quiet
	@touch $@

run: $(VENV)/.synced pdf-deps
	$(VENV)/bin/tandem demo

dev: $(VENV)/.synced pdf-deps
	$(VENV)/bin/tandem manage migrate --no-input
	$(VENV)/bin/tandem manage runserver 127.0.0.1:8000

# The browser journeys drive Debian's Chromium; install it when the machine lacks it.
browser-deps:
	@if [ ! -x /usr/bin/chromium ]; then \
		echo "Installing Debian's chromium for the browser tests..."; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	fi

# Signed agreements are PDFs made by WeasyPrint, which needs Debian's Pango and a font.
pdf-deps:
	@if ! ldconfig -p | grep -q libpangoft2-1.0.so.0 || [ ! -d /usr/share/fonts/truetype/dejavu ]; then \
		echo "Installing Pango and the DejaVu fonts for the agreements' PDFs..."; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core >/dev/null; \
	fi

test: $(VENV)/.synced browser-deps pdf-deps
	$(VENV)/bin/pytest -n 2 -q -m "not corpus"

# Every message of the real-world mail corpus in ../shared/mail-corpus (or TANDEM_MAIL_CORPUS)
# through the inbound path; the corpus is not part of the repository.
test-corpus: $(VENV)/.synced
	$(VENV)/bin/pytest -q -m corpus

test-fast: $(VENV)/.synced pdf-deps
	$(VENV)/bin/pytest -q -m "not browser and not slow and not corpus"

lint: $(VENV)/.synced
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports --no-cache --no-logo

format: $(VENV)/.synced
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: $(VENV)/.synced
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) var/test-output
