# Two commands for a new machine with Python 3.11: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
UV_VERSION := 0.13.8
UV_ENV := .cache/uv-$(UV_VERSION)
UV := $(UV_ENV)/bin/uv
SYNCED := $(VENV)/.synced
PYTEST_ARGS ?=

.PHONY: setup tts run test lint typecheck ci bench clean

# uv installs the hashed lock in seconds; it lives in its own venv so syncing the project's
# venv to the lock never uninstalls it.
$(UV):
	$(PYTHON) -m venv $(UV_ENV)
	$(UV_ENV)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

# Bytecode is compiled at install time: with PYTHONDONTWRITEBYTECODE set (as on our machines)
# every process would otherwise recompile litellm, qdrant and friends from source at start.
$(SYNCED): requirements.lock | $(UV)
	$(UV) venv --quiet --allow-existing --python $(PYTHON) $(VENV)
	$(UV) pip sync --quiet --compile-bytecode --python $(VENV)/bin/python requirements.lock
	touch $(SYNCED)

setup: $(SYNCED)

# Text to speech (piper-tts, GPL-3.0) is an optional extra: `make run` adds it, `make setup`
# does not; without it voice replies come back as text with `speech.available: false`.
TTS := $(VENV)/.tts
$(TTS): requirements-tts.lock $(SYNCED)
	$(UV) pip install --quiet --compile-bytecode --require-hashes --python $(VENV)/bin/python \
		-r requirements-tts.lock
	touch $(TTS)

tts: $(TTS)

run: $(SYNCED) $(TTS)
	$(VENV)/bin/python -m devstack.run

# The whole suite, once on SQLite and once on PostgreSQL (127.0.0.1:5432, trust auth).
test: $(SYNCED)
	$(VENV)/bin/python -m activities.embedding.prepare
	AURIXA_TEST_DB=sqlite $(VENV)/bin/python -m pytest $(PYTEST_ARGS)
	AURIXA_TEST_DB=postgres $(VENV)/bin/python -m pytest $(PYTEST_ARGS)

lint: $(SYNCED)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: $(SYNCED)
	$(VENV)/bin/mypy .

ci: lint typecheck test

bench: $(SYNCED)
	$(VENV)/bin/python -m activities.embedding.prepare
	$(VENV)/bin/python bench/turn_latency.py
	$(VENV)/bin/python bench/llm_overhead.py
	OPENBLAS_NUM_THREADS=1 $(VENV)/bin/python bench/eval_safety.py

clean:
	rm -rf $(VENV) .cache .pytest_cache .mypy_cache .ruff_cache
