# Dongne: `make run` serves the seeded site, `make test` runs the suite.
# Both create .venv and install the project on first use.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
LANGS := ko en zh_Hans vi ja
export DJANGO_SETTINGS_MODULE ?= district.settings.dev

.PHONY: run test lint format messages makemessages install clean-venv

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

# Compile every .po to .mo (the .mo files are build output, never committed),
# in pure Python (Babel): no GNU gettext needed. makemessages still needs it.
messages: install
	$(BIN)/python manage.py compile_translations -v 0

makemessages: install
	$(BIN)/python manage.py makemessages $(foreach l,$(LANGS),-l $(l)) --ignore=.venv --ignore=var --ignore=tests --ignore=bench --no-obsolete

run: messages
	$(BIN)/python manage.py migrate --no-input -v 0
	$(BIN)/python manage.py seed_district --demo --url http://$(HOST):$(PORT)
	@echo "Serving http://$(HOST):$(PORT)/ (HTTP and WebSocket; background jobs log to var/worker.log). Ctrl-C stops."
	@$(BIN)/python manage.py serve -- \
	  $(BIN)/uvicorn district.asgi:application --host $(HOST) --port $(PORT) --ws-max-size 65536 --reload \
	    --reload-dir site --reload-dir dong --reload-dir forums --reload-dir events --reload-dir votes --reload-dir proposals --reload-dir templates

test: messages
	DJANGO_SETTINGS_MODULE=district.settings.test $(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean-venv:
	rm -rf $(VENV)
