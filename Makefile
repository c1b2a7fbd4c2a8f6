# Nyata: a newcomer needs only Python 3.11+, make and git.
#   make demo   install, migrate, load the South Sumatra demo, serve on http://127.0.0.1:8000
#   make test   install with the development tools and run every test
PYTHON ?= python3
UV_VERSION := 0.13.9
# uv from PATH if present, otherwise bootstrapped from PyPI into .tools/
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := .venv
VENV := .venv/bin

.PHONY: install install-dev demo test test-pg lint typecheck bench messages clean

.tools/bin/uv:
	$(PYTHON) -m venv .tools
	.tools/bin/python -m pip install --quiet "uv==$(UV_VERSION)"

install: $(if $(findstring .tools,$(UV)),.tools/bin/uv)
	$(UV) sync --frozen --no-dev --python $(PYTHON)
	$(VENV)/nyata compiletranslations

install-dev: $(if $(findstring .tools,$(UV)),.tools/bin/uv)
	$(UV) sync --frozen --python $(PYTHON)
	$(VENV)/nyata compiletranslations

demo: install
	$(VENV)/nyata migrate --no-input
	NYATA_DEMO=1 $(VENV)/nyata demo

test: install-dev
	$(VENV)/pytest

lint: install-dev
	$(VENV)/ruff check nyata tests benchmarks
	$(VENV)/mypy nyata

bench: install-dev
	PYTHONPATH=. $(VENV)/python benchmarks/run_all.py

messages: install-dev
	cd nyata && ../$(VENV)/nyata makemessages -l en --no-obsolete --no-location
	$(VENV)/nyata compiletranslations

clean:
	rm -rf .venv .tools test-artifacts
