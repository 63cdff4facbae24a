# Vươn Lên — the two commands: `make run` and `make test` (plus `make bench` and `make load`).
SHELL := /bin/bash
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := .venv
UV := .tools/bin/uv
PY := .venv/bin/python
VL := .venv/bin/vuonlen
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-sqlite test-postgres bench load setup demo lint clean

# uv itself comes from PyPI into a private tool environment, so nothing global is needed.
$(UV):
	@python3 -c 'import sys; assert sys.version_info >= (3, 12), "Python 3.12 is needed (see .python-version)"'
	python3 -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check uv

.venv/.synced: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen --quiet
	@touch $@

setup: .venv/.synced

run: setup
	@DEBUG=1 $(VL) migrate --noinput -v0
	@# migrate has just run the system checks: the demo skips them (1.3 s of CPU, issue 17).
	@DEBUG=1 $(VL) demo --once --skip-checks
	@echo "Vươn Lên: http://$(HOST):$(PORT)/ (with the background worker for imports)"
	@# The worker (long imports) runs beside the web server and stops with it.
	@DEBUG=1 $(VL) db_worker --no-reload & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT; \
	DEBUG=1 $(VL) runserver $(HOST):$(PORT)

demo: setup
	DEBUG=1 $(VL) demo

test: setup
	@bash scripts/test.sh

# ruff: pyflakes, pycodestyle, bugbear, isort, Django and pyupgrade rules (pyproject.toml).
lint: setup
	@.venv/bin/ruff check .

bench: setup
	@bash scripts/bench.sh

# The load test: gunicorn + PostgreSQL + the demo, locust users of five roles (bench/load.py).
LOAD_USERS ?= 20 50 100
LOAD_TIME ?= 120
load: setup
	@$(UV) sync --frozen --quiet --group bench
	@$(PY) bench/load.py --users $(LOAD_USERS) --time $(LOAD_TIME)

clean:
	rm -rf .venv .tools var/test-artifacts
