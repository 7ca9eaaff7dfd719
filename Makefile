# The two commands of the README: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
# The PostgreSQL server that our development and CI machines run; `make test PIB_TEST_POSTGRES_URL=`
# runs the suite on SQLite alone.
PIB_TEST_POSTGRES_URL ?= postgresql://postgres@127.0.0.1:5432/test
export PIB_TEST_POSTGRES_URL

.PHONY: run test install install-dev lint bench clean

$(VENV)/.runtime: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

install: $(VENV)/.runtime
install-dev: $(VENV)/.dev

run: install
	$(PY) -m db upgrade
	$(PY) -m etl demo --if-empty
	$(PY) -m auth demo-users
	$(PY) app.py

lint: install-dev
	$(PY) -m ruff check .

# Two workers (pytest-xdist): the suite waits on PostgreSQL, Chromium and the servers it starts,
# and one process leaves a core idle meanwhile. `make test PYTEST_WORKERS=0` runs it in one.
PYTEST_WORKERS ?= 2

test: install-dev lint
	$(PY) -m pytest -q -n $(PYTEST_WORKERS)

bench: install-dev
	$(PY) -m bench

clean:
	rm -rf $(VENV) instance
