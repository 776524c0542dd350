# The two commands: `make run` (the site with sample content) and `make test`.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
INSTALLED := $(VENV)/.installed

# `make run` serves the site as readers get it, on plain HTTP on this machine.
LOCAL_ENV = SECRET_KEY="$$(cat var/secret_key)" DEBUG=0 SECURE_SSL_REDIRECT=0 \
	SITE_URL="$${SITE_URL:-http://127.0.0.1:$(PORT)}" PORT=$(PORT)

.PHONY: install prepare run dev serve test test-postgres e2e bench messages clean

install: $(INSTALLED)

$(INSTALLED): requirements.txt requirements-dev.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

var/secret_key:
	@mkdir -p var
	@$(PYTHON) -c "import secrets; print(secrets.token_urlsafe(50))" > $@
	@chmod 600 $@

# Database, static files, sample posts and the demo account; all idempotent.
prepare: install var/secret_key
	@$(LOCAL_ENV) $(PY) manage.py migrate --noinput -v0
	@$(LOCAL_ENV) $(PY) manage.py collectstatic --noinput -v0
	@$(LOCAL_ENV) $(PY) manage.py import_hexo samples/
	@$(LOCAL_ENV) $(PY) manage.py ensure_demo_user

run: prepare
	@echo "Serving http://127.0.0.1:$(PORT)/ (Ctrl-C stops)"
	@$(LOCAL_ENV) exec $(VENV)/bin/gunicorn -c python:newsroom.gunicorn

dev: prepare
	@$(LOCAL_ENV) DEBUG=1 exec $(PY) manage.py runserver 127.0.0.1:$(PORT)

# The production stack with the environment as given (SECRET_KEY required).
serve: install
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py collectstatic --noinput -v0
	exec $(VENV)/bin/gunicorn -c python:newsroom.gunicorn

test: install
	$(PY) -m pytest

# The browser tests run in `make test` and `make e2e`; this leg is about the database.
test-postgres: install
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/test REDIS_URL=redis://127.0.0.1:6379/0 $(PY) -m pytest -m "not browser"

# The real-browser tests (tests/browser) on the system's Chromium. The Nu Html
# Checker and axe-core come from npm (package.json, into node_modules/) when npm
# is there; without them, or without Java, those checks skip and say why.
e2e: install
	@if ! command -v npm >/dev/null 2>&1; then \
		echo "npm not found: the HTML validator and axe-core checks will skip"; \
	elif [ ! node_modules/.package-lock.json -nt package-lock.json ]; then \
		npm ci --ignore-scripts --no-audit --no-fund --loglevel=error \
			|| echo "npm ci failed: the HTML validator and axe-core checks will skip"; \
	fi
	$(PY) -m pytest -m browser tests/browser

# Build a throwaway database of BENCH_N articles (default 10000) under var/bench/,
# serve it with gunicorn and measure every page against the floor; writes
# var/bench/latest.json and prints a table. See README, "Benchmarks".
bench: install
	$(PY) -m bench

# Refresh locale/*.po from the code and templates, then compile (needs GNU gettext).
messages: install
	DEBUG=1 $(PY) manage.py makemessages -l zh_Hans -l en --ignore=.venv --ignore=var --ignore=node_modules --no-obsolete --no-wrap
	DEBUG=1 $(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules

clean:
	rm -rf var/staticfiles var/cache .pytest_cache
