# kextras developer commands. By default they create and use the project virtual environment
# .venv (made with BOOTSTRAP, default python3: a Debian/Ubuntu system Python refuses `pip install`).
# PYTHON=/path/to/python (any Python >= 3.10, a venv's included) uses that interpreter instead.
VENV ?= .venv
BOOTSTRAP ?= python3
PYTHON ?= $(VENV)/bin/python
PIP := $(PYTHON) -m pip install --disable-pip-version-check --quiet
export TF_CPP_MIN_LOG_LEVEL ?= 3
ifeq ($(PYTHON),$(VENV)/bin/python)
VENV_PYTHON := $(PYTHON)
endif

$(VENV)/bin/python:
	$(BOOTSTRAP) -m venv $(VENV)

.PHONY: demo test test-slow bench docs install install-dev

install: $(VENV_PYTHON)
	$(PIP) -e ".[all]"

install-dev: $(VENV_PYTHON)
	$(PIP) -e ".[all,dev]"

## make demo: install and run the main demo (prints results, writes figures to demo_output/)
demo: install
	$(PYTHON) examples/demo.py demo_output

## make test: install the dev extras and run the whole default test suite (docs and notebooks included)
test: install-dev
	$(PYTHON) -m pytest -n 2 --durations=20 $(PYTEST_ARGS)

## make test-slow: the tests marked slow
test-slow: install-dev
	$(PYTHON) -m pytest -n 2 -m slow

## make bench: benchmarks against the competitors, JSON lines on stdout (installs them in .venv-bench)
bench: $(VENV_PYTHON)
	$(PYTHON) -m venv --system-site-packages .venv-bench
	.venv-bench/bin/python -m pip install --disable-pip-version-check --quiet -e ".[all,dev]" \
		-r benchmarks/requirements-graph.txt -r benchmarks/requirements-pde.txt
	.venv-bench/bin/python -m pip install --disable-pip-version-check --quiet --no-deps -r benchmarks/requirements-wavelets.txt \
		-r benchmarks/requirements-graph-nodeps.txt
	.venv-bench/bin/python benchmarks/run.py $(BENCH_ARGS)

## make docs: build the documentation site into site/
docs: install-dev
	$(PYTHON) -m mkdocs build --strict

## make test-compat: the core and graph suites in throwaway venvs (.venv-compat-*/) with the oldest
## supported pair (keras 3.9, tensorflow 2.16) and the newest (keras-nightly, tf-nightly)
.PHONY: test-compat
test-compat:
	PYTHON=$(PYTHON) bash tools/test_compat.sh
