# `make demo` and `make test` do all the set-up they need on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
# The demo and chat need only the skill's runtime: their own small venv (about 11 MB, without
# pip: the installing interpreter's pip fills it, or the venv's own when that pip is too old).
DEMO_VENV := .venv-demo
DEMO_INSTALLED := $(DEMO_VENV)/.installed

# The Lambda runtime's Python (3.13) for `sam build`; pyenv's copy when its shim is not selected.
PYTHON_LAMBDA ?= $(shell python3.13 -c 'import sys; print(sys.executable)' 2>/dev/null || \
	ls -d "$${PYENV_ROOT:-$$HOME/.pyenv}"/versions/3.13*/bin/python3.13 2>/dev/null | tail -n 1)
LAMBDA_PLATFORM := --platform manylinux2014_aarch64 --implementation cp --python-version 3.13 --only-binary=:all:

.PHONY: lambda-python demo chat serve test check lint mutation generate bench clean deploy image build-SkillFunction build-BaselineFunction

$(INSTALLED): requirements-dev.txt requirements-web.txt lambda/requirements.txt
	@echo "make: installing the development tools (requirements-dev.txt: pytest, ruff, mypy, the SAM CLI," \
		"the web host's packages) into $(VENV)/"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

$(DEMO_INSTALLED): lambda/requirements.txt
	@echo "make: installing the skill's runtime (lambda/requirements.txt) into $(DEMO_VENV)/"
	$(PYTHON) -m venv --without-pip $(DEMO_VENV)
	$(PYTHON) -m pip --python $(DEMO_VENV)/bin/python install --quiet --disable-pip-version-check \
		-r lambda/requirements.txt || { $(PYTHON) -m venv --clear $(DEMO_VENV) && \
		$(DEMO_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r lambda/requirements.txt; }
	touch $@

demo: $(DEMO_INSTALLED)
	$(DEMO_VENV)/bin/python -m tools demo

chat: $(DEMO_INSTALLED)
	$(DEMO_VENV)/bin/python -m tools chat

# The web endpoint under gunicorn; HOST, PORT, WEB_WORKERS, SKILL_ID from the environment.
serve: $(INSTALLED)
	@echo "make serve: Alexa POSTs requests to / on http://$${HOST:-127.0.0.1}:$${PORT:-8080}/" \
		"(GET /healthz for health checks); Alexa calls only HTTPS: see docs/deploy.md for a TLS proxy"
	@test -n "$$SKILL_ID" || echo "make serve: warning: SKILL_ID is unset; set it to your skill's id" \
		"(amzn1.ask.skill....) so that requests for any other skill are refused" >&2
	$(BIN)/gunicorn --config web/gunicorn.conf.py web.wsgi:app

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m mypy

test: lint
	@echo "make: the suite installs on first use: tests/virtual_alexa, tools/apl and tools/smapi (npm ci," \
		"when node is here); with a container engine, the images of tools/container/ (Debian packages, PyPI)"
	$(BIN)/python -m pytest

# The inner loop: lint and every test that is neither slow nor needs an outside tool, on
# every core (pytest-xdist); make test stays in one process for the tools it starts.
check: lint
	$(BIN)/python -m pytest -q -n auto -m "not slow and not external"

# Mutation testing of the safety-critical modules ([tool.mutmut] in pyproject.toml), in its own venv.
MUTATION_VENV := .venv-mutation
$(MUTATION_VENV)/.installed: requirements-mutation.txt requirements-web.txt lambda/requirements.txt
	$(PYTHON) -m venv $(MUTATION_VENV)
	$(MUTATION_VENV)/bin/python -m pip install --quiet -r requirements-mutation.txt
	touch $@

mutation: $(MUTATION_VENV)/.installed $(INSTALLED)
	rm -rf mutants
	$(MUTATION_VENV)/bin/python -m mutmut run --max-children 2
	$(MUTATION_VENV)/bin/python -m mutmut results
	$(BIN)/python -m tools mutation-report

bench: $(INSTALLED)
	$(BIN)/python -m bench

# Regenerate everything derived from the answer store: models, events, skill.json.
generate: $(INSTALLED)
	$(BIN)/python -m tools model
	$(BIN)/python -m tools events
	$(BIN)/python -m tools package

# The self-hosting container (Dockerfile), built offline: docs/deploy.md.
image:
	bash tools/container/web_image.sh trigger-point-guide:latest

# From a fresh clone to a live skill: ask deploy, sam build and deploy, ask deploy with the
# endpoint (docs/deploy.md). Needs the ASK CLI (npm) and AWS credentials.
deploy: $(INSTALLED)
	$(BIN)/python -m tools deploy

clean:
	rm -rf $(VENV) $(DEMO_VENV) build .pytest_cache .ruff_cache

# Called by `sam build` (BuildMethod: makefile) with ARTIFACTS_DIR set: the runtime dependencies
# for arm64 (the lock file: pinned, hashed, only what the skill imports), the entry point, the
# skill package's own files with the catch-all's index built in (tools/artifact.py), and bytecode
# for everything: Lambda's code is read-only, so what is not compiled here is compiled again on
# every cold start. Unchecked-hash pycs: the code never changes under a deployed function.
LAMBDA_DEPENDENCIES = test -n "$(PYTHON_LAMBDA)" || { echo "python3.13 is needed to build for Lambda" >&2; exit 1; }; \
	"$(PYTHON_LAMBDA)" -m pip install --quiet --disable-pip-version-check $(LAMBDA_PLATFORM) \
	--target "$(ARTIFACTS_DIR)"
LAMBDA_BYTECODE = "$(PYTHON_LAMBDA)" -W ignore::SyntaxWarning -m compileall -qq -f \
	--invalidation-mode unchecked-hash "$(ARTIFACTS_DIR)"

build-SkillFunction:
	$(LAMBDA_DEPENDENCIES) --no-deps --require-hashes -r lambda/requirements.lock
	cp lambda/lambda_function.py "$(ARTIFACTS_DIR)/"
	"$(PYTHON_LAMBDA)" -B -m tools.artifact "$(ARTIFACTS_DIR)"
	$(LAMBDA_BYTECODE)

# The interpreter the targets above build with (the benchmark runs the artifacts with it).
lambda-python:
	@echo "$(PYTHON_LAMBDA)"

# The benchmark's baseline (a bare ASK SDK skill with the samples' requirements), built the same way.
build-BaselineFunction:
	$(LAMBDA_DEPENDENCIES) -r bench/baseline/requirements.txt
	cp bench/baseline/lambda_function.py "$(ARTIFACTS_DIR)/"
	$(LAMBDA_BYTECODE)
