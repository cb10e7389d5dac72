# VOICE Hotline Assistant. `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# Rasa 3.6 needs Python 3.10: the first python3.10 that really is 3.10 (pyenv shims may lie).
PYTHON310 ?= $(shell for p in python3.10 $$HOME/.pyenv/versions/3.10*/bin/python3.10 /usr/bin/python3.10; do \
	$$p -c 'import sys; assert sys.version_info[:2] == (3, 10)' 2>/dev/null && { echo $$p; break; }; done)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CHROMIUM := /usr/bin/chromium
export HOTLINE_ACTIONS_URL ?= http://127.0.0.1:5055/webhook
export TF_CPP_MIN_LOG_LEVEL := 2
# Rasa's usage telemetry (to segment.io) is on by default: a hotline sends nothing anywhere.
export RASA_TELEMETRY_ENABLED := false
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
RASA_DATA := --domain bot/domain --data data/nlu data/rules data/stories --config config.yml

.PHONY: help install env train validate lint format typecheck test test-unit test-stories \
	test-nlu test-e2e run chat bench browser clean worker migration bench-notifications user \
	rotate-keys evaluate-blind migrate backup restore fallback-twiml bench-scaling validate-deploy \
	retrain rollback models evaluate review-export test-gate test-model rehearse-images

help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z0-9_-]+:.*## / {printf "  \033[1m%-14s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(STAMP): requirements.lock pyproject.toml
	@test -n "$(PYTHON310)" || { echo "Python 3.10 not found (Rasa 3.6 needs it): install python3.10 or set PYTHON310=/path"; exit 1; }
	@test -x $(BIN)/python || $(PYTHON310) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip==24.2"
	$(BIN)/python -m pip install --quiet --no-deps -r requirements.lock
	$(BIN)/python -m pip check
	@touch $@

install: $(STAMP) ## Create .venv and install the pinned dependencies (requirements.lock)

.env:
	@$(BIN)/python -m scripts.envfile

env: $(STAMP) ## Create a local .env with random secrets, or add new secret settings to it
	@$(BIN)/python -m scripts.envfile

train: $(STAMP) ## Train the model if config, domain or data changed (FORCE=1 retrains)
	$(BIN)/python -m scripts.train $(if $(FORCE),--force) $(TRAIN_FLAGS)

validate: $(STAMP) ## Check the training data and domain (rasa data validate)
	$(BIN)/rasa data validate $(RASA_DATA) --max-history 5

lint: $(STAMP) ## Ruff lint and format check, mypy, the import contracts (lint-imports)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

format: $(STAMP) ## Apply ruff's fixes and formatting
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

browser: ## Install Debian's chromium for the page tests (never a browser download)
	@test -x $(CHROMIUM) || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

test-unit: $(STAMP) browser ## Unit tests (gateway, actions, data, console page) — no model needed; two at a time (WORKERS=n)
	$(BIN)/pytest -m "not e2e and not model" -n $(or $(WORKERS),2) tests

test-stories: train ## Rasa story tests, both languages, failing on any prediction error
	$(BIN)/rasa test core --model models/hotline.tar.gz --stories tests/stories \
		--fail-on-prediction-errors --out results/stories

test-nlu: train ## NLU gate on tests/nlu: macro-F1 >= 0.90, emergency recall 1.0, README examples understood at once
	$(BIN)/python -m scripts.nlu_gate --model models/hotline.tar.gz --out results/nlu \
		--flagship tests/nlu_flagship.yml tests/nlu

evaluate: train env ## One report (results/evaluation/index.html): this model beside the live and last released, stories, markers; fails on a regression
	set -a; . ./.env; set +a; $(BIN)/python -m scripts.evaluate

retrain: install env ## Train a new version (fine-tuned when only examples changed), gate it, put it live in the running Rasa (FULL=1, NO_RELEASE=1)
	$(BIN)/python -m scripts.retrain $(if $(FULL),--full) $(if $(NO_RELEASE),--no-release)

rollback: install env ## Put the previously released model back live, without a restart
	$(BIN)/python -m scripts.retrain --rollback

models: $(STAMP) ## List the trained versions, their figures, and which one is live
	@$(BIN)/python -m scripts.retrain --list

evaluate-blind: train ## Blind set (near-copies of training dropped): BASELINE=1 beside Rasa's default, GATE=1 fails on targets
	$(BIN)/python -m scripts.blind_eval --model models/hotline.tar.gz --out results/blind \
		$(if $(BASELINE),--baseline) $(if $(GATE),--gate)

review-export: $(STAMP) ## Labelled review items (or FROM=accepted.json) into data/nlu/reviewed/<today>.yml
	if [ -f .env ]; then set -a; . ./.env; set +a; fi; $(BIN)/python -m scripts.review_export $(if $(FROM),--from "$(FROM)")

test-e2e: train env browser ## End to end: the three real processes, signed SMS, the simulator page
	$(BIN)/pytest -m e2e tests/e2e

test-gate: train ## The evaluation gate refuses a deliberately worse model (DIET trained one epoch)
	$(BIN)/pytest -m model tests/scripts

test-model: test-stories test-nlu test-gate ## The model's tests: stories, the NLU gate, the evaluation gate

# $(call beside,make arguments,log,make arguments): the first in the background, its output in
# the log (the end shown when it fails), the second in the foreground; fails when either fails.
define beside
$(MAKE) --no-print-directory $(1) > $(2) 2>&1 & behind=$$!; \
$(MAKE) --no-print-directory $(3); ahead=$$?; \
wait $$behind; background=$$?; tail -n 2 $(2); \
if [ $$background -ne 0 ]; then echo "--- the end of $(2)"; tail -n 60 $(2); fi; \
[ $$ahead -eq 0 ] && [ $$background -eq 0 ]
endef

# Two at a time, each pair about one core of two busy: the unit tests need no model, so they run
# while it trains; the model's own tests run beside the end-to-end ones. `make validate` has
# just checked the data: the training need not check it again.
test: install env lint validate validate-deploy ## Everything CI runs
	@mkdir -p results; echo "training beside the unit tests: results/train.log"
	@$(call beside,train TRAIN_FLAGS=--skip-validation,results/train.log,test-unit)
	@echo "the model's tests beside the end-to-end tests: results/model-tests.log"
	@$(call beside,test-model,results/model-tests.log,test-e2e)

validate-deploy: $(STAMP) ## Render the Kubernetes manifests (kubectl kustomize) and check them against the schemas, offline
	$(BIN)/python -m scripts.validate_deploy

rehearse-images: train ## The three images built without Docker (their files, their packages alone) and run connected: health checks, the migration Job, two texts (KEEP=1 keeps var/rehearsal)
	$(BIN)/python -m scripts.image_rehearsal $(if $(KEEP),--keep)

run: install env train ## Start Rasa, the action server and the gateway; Ctrl-C stops all three
	$(BIN)/python -m scripts.stack

chat: $(STAMP) .env ## Text the running hotline from this terminal (through the signed webhook)
	$(BIN)/python -m scripts.chat

bench: install env train ## SMS and voice through the gateway vs Rasa-direct: latency, throughput at 1, 10, 20
	$(BIN)/python -m scripts.bench

clean: ## Remove the trained model, build outputs, test results and local data
	rm -rf models build results var .pytest_cache .mypy_cache .ruff_cache

worker: $(STAMP) .env ## Run queued notification jobs from Redis (when HOTLINE_JOB_QUEUE=redis)
	$(BIN)/python -m channels.worker

migration: $(STAMP) ## New schema migration from the models: make migration MESSAGE="what changed"
	@test -n "$(MESSAGE)" || { echo 'usage: make migration MESSAGE="what changed"'; exit 1; }
	HOTLINE_DATABASE_URL=sqlite:///var/migration-check.db $(BIN)/alembic upgrade head
	HOTLINE_DATABASE_URL=sqlite:///var/migration-check.db $(BIN)/alembic revision --autogenerate -m "$(MESSAGE)"
	rm -f var/migration-check.db

bench-scaling: install env train ## One Rasa replica vs two at 40, in-memory vs PostgreSQL tracker store at 20, memory per process
	$(BIN)/python -m scripts.bench_scaling

bench-notifications: install ## Dispatch of 10,000 notifications for one event (QUEUE=redis WORKERS=2 DB=postgresql FORK=1 TWILIO_RATE=200)
	$(BIN)/python -m scripts.bench_notifications --queue $(or $(QUEUE),inprocess) \
		--workers $(or $(WORKERS),2) --database $(or $(DB),sqlite) $(if $(FORK),--fork) \
		$(if $(TWILIO_RATE),--twilio-rate $(TWILIO_RATE))

user: $(STAMP) .env ## Create a console user: make user NAME=ana ROLE=supervisor|specialist|maintainer (asks the password)
	@test -n "$(NAME)" || { echo 'usage: make user NAME=ana [ROLE=specialist|supervisor|maintainer]'; exit 1; }
	set -a; source .env; set +a; $(BIN)/python -m channels.console_users create $(NAME) --role $(or $(ROLE),specialist)

backup: $(STAMP) ## Back up the gateway's database into var/backups (README: backups need the keys)
	if [ -f .env ]; then set -a; . ./.env; set +a; fi; $(BIN)/python -m channels.storage.backup create

restore: $(STAMP) ## Put a backup back: make restore FILE=var/backups/hotline-....db (replaces the database)
	@test -n "$(FILE)" || { echo 'usage: make restore FILE=var/backups/hotline-<time>.db'; exit 1; }
	if [ -f .env ]; then set -a; . ./.env; set +a; fi; $(BIN)/python -m channels.storage.backup restore "$(FILE)"

fallback-twiml: $(STAMP) ## Write the TwiML for Twilio's Fallback URLs (911 and the specialists) into var/twilio-fallback
	if [ -f .env ]; then set -a; . ./.env; set +a; fi; $(BIN)/python -m scripts.fallback_twiml

migrate: $(STAMP) ## Bring the database schema to the newest migration (a release step in production)
	if [ -f .env ]; then set -a; . ./.env; set +a; fi; $(BIN)/python -m channels.storage.migrate

rotate-keys: $(STAMP) ## Re-encrypt and re-hash stored data under the first of HOTLINE_ENCRYPTION_KEYS and HOTLINE_HASH_KEYS (README: rotating keys)
	if [ -f .env ]; then set -a; . ./.env; set +a; fi; $(BIN)/python -m channels.storage.rotate
