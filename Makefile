# The README's two commands. Each works on a fresh machine with python3 (3.11+) and make.
VENV ?= .venv

.PHONY: sample test lint

# Install eventscribe and run the main job on the bundled sample corpus into eventscribe.db.
sample:
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install -q -e .
	$(VENV)/bin/eventscribe run data/sample

# Install the test servers (PostgreSQL, Chromium), the package with its test extras, then run
# every test: unit, golden, integration (SQLite, PostgreSQL, CLI, HTTP) and browser.
test:
	./scripts/install-test-servers
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install -q -e '.[test]'
	$(VENV)/bin/pytest

lint:
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/ruff format --check src tests bench
	$(VENV)/bin/mypy
