# Arusha: two commands on a fresh machine with only Python 3.11+ and make.
#   make demo   create the environment, load the demo data and serve on http://127.0.0.1:8000
#   make test   install the development tools and run the whole suite
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: demo test test-spark install install-dev lint typecheck unit lock messages clean bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.lock pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.installed-dev: requirements-dev.lock pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r requirements-dev.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

demo: install
	$(BIN)/arusha demo --host $(HOST) --port $(PORT)

test: install-dev lint typecheck unit

lint:
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/lint-imports

typecheck:
	$(BIN)/mypy

unit:
	$(BIN)/arusha manage makemigrations --check --dry-run
	$(BIN)/pytest $(PYTEST_ARGS)

# The analytics on PySpark in local mode (needs Java 17+), in a separate environment because
# PySpark is large and optional: pip install 'arusha[spark]'.
SPARK_VENV ?= .venv-spark
$(SPARK_VENV)/.installed: requirements-spark.lock pyproject.toml
	$(PYTHON) -m venv $(SPARK_VENV)
	$(SPARK_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(SPARK_VENV)/bin/pip install --quiet --require-hashes -r requirements-spark.lock
	$(SPARK_VENV)/bin/pip install --quiet --no-deps -e .
	touch $@

test-spark: $(SPARK_VENV)/.installed
	$(SPARK_VENV)/bin/pytest tests/analytics/test_spark.py -p no:cacheprovider

bench: install-dev
	$(BIN)/python bench/run.py

# Regenerate the lock files after changing pyproject.toml (needs uv: pip install uv).
lock:
	uv pip compile pyproject.toml --generate-hashes --python-version 3.11 -o requirements.lock
	uv pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.11 -o requirements-dev.lock
	uv pip compile pyproject.toml --extra dev --extra spark -c requirements-dev.lock --generate-hashes \
		--python-version 3.11 -o requirements-spark.lock

# Refresh translation catalogues (needs GNU gettext) and compile them.
messages:
	cd src/arusha && ARUSHA_VAR_DIR=../../var ../../$(BIN)/django-admin makemessages -l es -l fr -l pt \
		--settings=arusha.settings --ignore "analytics/*" --no-obsolete
	cd src/arusha && ARUSHA_VAR_DIR=../../var ../../$(BIN)/django-admin compilemessages \
		--settings=arusha.settings --ignore "locale_vendor/*" 

clean:
	rm -rf $(VENV) $(SPARK_VENV) var .pytest_cache .mypy_cache .ruff_cache
