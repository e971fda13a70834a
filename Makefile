# Two commands matter: `make demo` and `make test`. Everything else serves them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
# axe-core for the browser tests (package-lock.json); npm ci writes this file.
NODE_INSTALLED := node_modules/.package-lock.json

.PHONY: install demo test bench bench-tools bench-slow-clients lint format clean

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(INSTALLED)

# Without npm the browser tests skip, saying how to get what they need.
$(NODE_INSTALLED): package-lock.json
	@if command -v npm >/dev/null; then npm ci --silent --no-audit --no-fund; fi

install: $(INSTALLED) $(NODE_INSTALLED)

demo: install
	DJANGO_SETTINGS_MODULE=config.settings.dev $(BIN)/python manage.py migrate --noinput
	DJANGO_SETTINGS_MODULE=config.settings.dev $(BIN)/python manage.py seed_demo
	DJANGO_SETTINGS_MODULE=config.settings.dev $(BIN)/python manage.py runserver 127.0.0.1:8000

test: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest $(PYTEST_ARGS)

# nginx and wrk (Debian packages) for the bench's figures through the stack, installed when
# missing and apt-get can; without them the bench measures in process only and says so.
bench-tools:
	@if ! command -v nginx >/dev/null || ! command -v wrk >/dev/null; then \
		(apt-get update -qq && apt-get install -y -qq --no-install-recommends nginx wrk) \
		|| echo "nginx and wrk not installed (Debian: apt-get install -y nginx wrk)"; \
	fi

# Figures, not pass/fail: see bench/README.md. About 10 minutes at the default scale
# (clinic-group) with the 60 s mixed load; it writes docs/performance.md.
# A quick look: BENCH_ARGS="--scale small --page-seconds 2 --load-seconds 10".
bench: install bench-tools
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# Slow clients through nginx and against gunicorn alone: `python -m bench.slow_clients`
# (needs nginx; deploy/README.md "Measured"). SLOW_CLIENTS_ARGS="--duration 10".
bench-slow-clients: install bench-tools
	$(BIN)/python -m bench.slow_clients $(SLOW_CLIENTS_ARGS)

lint: install
	$(BIN)/ruff check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) node_modules db.sqlite3 static_collected media
