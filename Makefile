# Gulo Asem: `make run` serves the demo, `make test` runs every test.
PYTHON ?= python3.11
VENV   := .venv
PY     := $(VENV)/bin/python
PORT   ?= 8000
STAMP  := $(VENV)/.installed
CHROMIUM ?= /usr/bin/chromium

.PHONY: install run setup test test-unit test-browser lint format bench load messages clean

$(STAMP): requirements.txt requirements-dev.txt
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "$(PYTHON) not found: install Python 3.11"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

# Migrate, load the city pack, seed the demo world (idempotent).
setup: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_city_pack
	$(PY) manage.py seed_demo

# The local demo switches staff two-factor off so people can click through
# (the login page says so). Override with STAFF_MFA_REQUIRED=true.
# DEBUG is off, so visitors see the site's own error pages (not Django's debug page listing
# every URL); static files and uploads are still served (config/settings.py). DEBUG=true for
# tracebacks. SITE_URL follows PORT, so links in e-mails and QR codes on PDFs reach this demo.
# Both only when neither the environment nor .env sets them.
# STRIPE_FAKE=1: card payments go to the local Stripe fake (manage.py stripe_fake, on
# STRIPE_FAKE_URL, default http://127.0.0.1:12111), started in the background with its
# webhooks posted to this server, and stopped when the server stops.
run: setup
	@export STAFF_MFA_REQUIRED=$${STAFF_MFA_REQUIRED:-false}; \
	in_env_file() { [ -f .env ] && grep -q "^[[:space:]]*$$1=" .env; }; \
	in_env_file DEBUG || export DEBUG=$${DEBUG:-false}; \
	in_env_file SITE_URL || export SITE_URL=$${SITE_URL:-http://127.0.0.1:$(PORT)}; \
	case "$(STRIPE_FAKE)" in 1|true|yes|on) \
		export STRIPE_FAKE=1 STRIPE_FAKE_WEBHOOK_URL=$${STRIPE_FAKE_WEBHOOK_URL:-http://127.0.0.1:$(PORT)/stripe/webhook/}; \
		$(PY) manage.py stripe_fake & fake=$$!; \
		trap 'kill $$fake 2>/dev/null; wait $$fake 2>/dev/null' EXIT; trap 'exit 130' INT TERM; \
		sleep 1; kill -0 $$fake 2>/dev/null || echo "*** The Stripe fake did not start: card payments will fail ***";; \
	esac; \
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

test: install test-unit test-browser

test-unit: install
	$(PY) -m pytest -n 2 -m "not browser" --dist loadfile

test-browser: install
	@if [ -x "$(CHROMIUM)" ]; then \
		$(PY) -m pytest -m browser -p no:xdist; \
	else \
		echo ""; \
		echo "*** BROWSER TESTS SKIPPED: $(CHROMIUM) not found (apt-get install chromium) ***"; \
		echo ""; \
	fi

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Speed at city scale (docs/performance.md): builds the data set once (20,000 MSMEs, 100,000
# products, 1,000,000 order lines; reused after), then runs every scenario and writes
# var/bench/*.json. Real figures need PostgreSQL (DATABASE_URL); SQLite gets a small set.
# BENCH_ARGS="--only catalogue,checkout" or "--quick" runs a part.
bench: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py bench_seed
	$(PY) manage.py bench $(BENCH_ARGS)

# Load test on the production topology (docs/performance.md): gunicorn (2 workers) + a Celery
# worker on Redis + PostgreSQL (the bench data set), driven by locust with 50 simulated users for
# 2 minutes; everything it starts is stopped at the end. LOAD_TIME=20s for a short smoke.
# Staff two-factor is off for the run, as in the demo (simulated Bendahara and Analis).
load: install
	@export DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/gulo_bench} \
		REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:6379/14} \
		CELERY_BROKER_URL=$${CELERY_BROKER_URL:-redis://127.0.0.1:6379/15}; \
	$(PY) manage.py migrate --noinput && \
	$(PY) manage.py bench_load --run-time $${LOAD_TIME:-2m} $(LOAD_ARGS)

# Refresh the Indonesian catalogue after changing UI text (needs GNU gettext).
messages:
	$(PY) manage.py makemessages -l id --ignore=.venv --ignore=var --ignore=tests
	$(PY) manage.py compilemessages -l id --ignore=.venv

clean:
	rm -rf var $(VENV)
