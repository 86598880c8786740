# One task runner: `make demo` sets up and asks the bundled article; `make test` runs the tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
QUESTION ?= What did Bayraktar say about Russia?

.PHONY: setup demo test lint fix bench train clean

$(BIN)/citebot: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	# torch first, pinned: the CPU build; an unpinned torch would pull a 5 GB CUDA build
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e .
	touch $(BIN)/citebot

# the test extra: pytest, and the real servers the tests start (llama.cpp builds in about 5 minutes, once)
$(VENV)/.test-extra: $(BIN)/citebot
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(VENV)/.test-extra

setup: $(BIN)/citebot

demo: setup
	$(BIN)/citebot ask "$(QUESTION)"

test: $(VENV)/.test-extra
	$(BIN)/python -m pytest

lint: $(VENV)/.test-extra
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

fix: $(VENV)/.test-extra
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: $(VENV)/.test-extra
	$(BIN)/python benchmarks/run_all.py

# the confidence model's weights, bot/confidence.json, from the tune questions (reads ../shared)
train: setup
	$(BIN)/python benchmarks/train_confidence.py

clean:
	rm -rf $(VENV) build *.egg-info
