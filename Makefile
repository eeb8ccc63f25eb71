# Little Lemon: `make run` serves the demo restaurant, `make test` runs the whole suite.
# Both install what they need first (a .venv with pinned dependencies).

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
HOST   ?= 127.0.0.1
PORT   ?= 8000
# The address `make run` serves and seed_demo prints its links for (an IPv6 HOST in brackets).
ADDRESS := $(if $(findstring :,$(HOST)),[$(HOST)],$(HOST)):$(PORT)
PYTEST_ARGS ?=
# The browser tests and `make screenshots` drive Debian's Chromium (Playwright cannot download its own here).
CHROMIUM ?= /usr/bin/chromium
# The through-proxy tests start Debian's nginx themselves (their own master process, never the service).
NGINX ?= /usr/sbin/nginx
# make bench: seconds measured per scenario, wrk threads and connections, small and large scale.
BENCH_DURATION ?= 10
BENCH_THREADS ?= 2
BENCH_CONNECTIONS ?= 32
BENCH_SCALES ?= 1,10
QUICK ?=
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.DEFAULT_GOAL := help
.PHONY: help install chromium nginx redis migrate run run-stripe demo test lint deploy-check fuzz format lock screenshots clean bench bench-live bench-postgres bench-recommendations recommendations-evaluate

help:  ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

install: $(STAMP)  ## Create .venv and install the pinned dependencies (idempotent)

$(STAMP): requirements.txt requirements-dev.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt -r requirements-dev.txt
	@mkdir -p var
	@touch $(STAMP)

chromium:  ## Install Debian's Chromium for the browser tests when it is missing (idempotent)
	@test -x $(CHROMIUM) || { \
	  echo "$(CHROMIUM) not found: installing Debian's chromium package with apt-get"; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  $(SUDO) apt-get install -y -q chromium || { $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q chromium; }; \
	}
	@test -x $(CHROMIUM) || { echo "$(CHROMIUM) is still missing: the browser tests cannot run" >&2; exit 1; }

nginx:  ## Install Debian's nginx for the through-proxy tests when it is missing (idempotent)
	@test -x $(NGINX) || { \
	  echo "$(NGINX) not found: installing Debian's nginx-light package with apt-get"; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  $(SUDO) apt-get install -y -q nginx-light || { $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q nginx-light; }; \
	}
	@test -x $(NGINX) || { echo "$(NGINX) is still missing: the through-proxy tests cannot run" >&2; exit 1; }

redis:  ## Install Debian's redis-server for the deployment stack test when it is missing (idempotent)
	@command -v redis-server >/dev/null 2>&1 || { \
	  echo "redis-server not found: installing Debian's redis-server package with apt-get"; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  $(SUDO) apt-get install -y -q redis-server || { $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q redis-server; }; \
	}
	@command -v redis-server >/dev/null 2>&1 || { echo "redis-server is still missing: the stack test cannot run" >&2; exit 1; }

migrate: install  ## Apply database migrations
	$(BIN)/python manage.py migrate --noinput

demo: migrate  ## Load the demo restaurant (idempotent)
	$(BIN)/python manage.py seed_demo --url http://$(ADDRESS)

run: demo  ## Serve the demo restaurant on http://127.0.0.1:8000 with the background worker beside it (HOST=, PORT=; SQLite, dev settings)
	scripts/run.sh "$(BIN)/python" "$(ADDRESS)"

run-stripe: demo  ## `make run` with cards paid online through localstripe, a fake Stripe on 127.0.0.1:8420 (card 4242 4242 4242 4242; docs/payments.md)
	scripts/run-stripe.sh "$(BIN)" "$(ADDRESS)"

test: install chromium nginx redis  ## Run the whole test suite (browser, through-nginx and deployment stack tests included)
	CHROMIUM=$(CHROMIUM) NGINX=$(NGINX) $(BIN)/pytest -n auto $(PYTEST_ARGS)

bench: install nginx  ## Benchmarks: the product behind nginx and direct vs bare Django, then live_fanout and rush (QUICK=1: short; DATABASE_URL=postgres://...)
	@command -v wrk >/dev/null 2>&1 || { echo "wrk is missing: installing it with apt-get"; \
		$(SUDO) apt-get install -y -q wrk || { $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q wrk; }; }
	NGINX=$(NGINX) $(BIN)/python -m bench --duration $(BENCH_DURATION) --threads $(BENCH_THREADS) \
		--connections $(BENCH_CONNECTIONS) --scales $(BENCH_SCALES) $(if $(QUICK),--quick) $(if $(BENCH_ONLY),--only $(BENCH_ONLY))

bench-live: install  ## Only the live benchmarks: live_fanout (200 SSE streams) and rush (open-loop Friday-night mix) (QUICK=1)
	$(MAKE) --no-print-directory bench BENCH_ONLY=live_fanout,rush

bench-recommendations: install  ## The recommendations' nightly job over the scale-10 dataset (200,000 orders) vs reading its history
	$(BIN)/python -m bench.recommendations

recommendations-evaluate: install  ## Offline evaluation of the recommender vs popularity and random, on a planted synthetic history
	$(BIN)/python manage.py recommendations_evaluate

bench-postgres: install  ## make bench on a throwaway PostgreSQL cluster (.ci/postgres.sh)
	bash -c 'source .ci/postgres.sh && pg_start && $(MAKE) --no-print-directory bench; rc=$$?; pg_stop; exit $$rc'

lint: install  ## ruff, formatting, missing migrations, OpenAPI schema validity
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run --settings=config.settings.test
	$(BIN)/python manage.py spectacular --validate --fail-on-warn --settings=config.settings.test --file /dev/null

deploy-check: install  ## Offline validators: hadolint, cfn-lint (SAM), kubernetes-validate, compose schema, shellcheck
	$(BIN)/python deploy/check.py

fuzz: install  ## schemathesis on every API operation, as every role, against a real server
	bash fuzz/run.sh

format: install  ## Apply ruff's formatting and safe fixes
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

lock: install  ## Re-pin requirements*.txt from requirements*.in
	$(BIN)/pip-compile --quiet --strip-extras --no-header --no-emit-index-url --no-emit-find-links -o requirements.txt requirements.in
	$(BIN)/pip-compile --quiet --strip-extras --no-header --no-emit-index-url --no-emit-find-links -o requirements-dev.txt requirements-dev.in

screenshots: install chromium  ## PNGs of the main pages (desktop, phone) and the order e-mail from a seeded demo, into docs/screenshots/
	CHROMIUM=$(CHROMIUM) $(BIN)/python scripts/screenshots.py

clean:  ## Remove the virtual environment and local data (var/)
	rm -rf $(VENV) var
