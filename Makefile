# `make demo` and `make test` do all the set-up they need on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: demo chat test lint model clean

$(INSTALLED): requirements-dev.txt lambda/requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

demo: $(INSTALLED)
	$(BIN)/python -m skill demo

chat: $(INSTALLED)
	$(BIN)/python -m skill chat

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: lint
	$(BIN)/python -m pytest

model: $(INSTALLED)
	$(BIN)/python -m skill model

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
