# Little Lemon: `make run` serves the demo restaurant, `make test` runs the whole suite.
# Both install what they need first (a .venv with pinned dependencies).

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
HOST   ?= 127.0.0.1
PORT   ?= 8000
PYTEST_ARGS ?=

.DEFAULT_GOAL := help
.PHONY: help install migrate run demo test lint fuzz format lock clean

help:  ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

install: $(STAMP)  ## Create .venv and install the pinned dependencies (idempotent)

$(STAMP): requirements.txt requirements-dev.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt -r requirements-dev.txt
	@mkdir -p var
	@touch $(STAMP)

migrate: install  ## Apply database migrations
	$(BIN)/python manage.py migrate --noinput

demo: migrate  ## Load the demo restaurant (idempotent)
	$(BIN)/python manage.py seed_demo

run: demo  ## Serve the demo restaurant on http://127.0.0.1:8000 (SQLite, dev settings)
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: install  ## Run the whole test suite
	$(BIN)/pytest -n auto $(PYTEST_ARGS)

lint: install  ## ruff, formatting, missing migrations, OpenAPI schema validity
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run --settings=config.settings.test
	$(BIN)/python manage.py spectacular --validate --fail-on-warn --settings=config.settings.test --file /dev/null

fuzz: install  ## schemathesis on every API operation, as every role, against a real server
	bash fuzz/run.sh

format: install  ## Apply ruff's formatting and safe fixes
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

lock: install  ## Re-pin requirements*.txt from requirements*.in
	$(BIN)/pip-compile --quiet --strip-extras --no-header --no-emit-index-url --no-emit-find-links -o requirements.txt requirements.in
	$(BIN)/pip-compile --quiet --strip-extras --no-header --no-emit-index-url --no-emit-find-links -o requirements-dev.txt requirements-dev.in

clean:  ## Remove the virtual environment and local data (var/)
	rm -rf $(VENV) var
