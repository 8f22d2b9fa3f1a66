# Two commands set everything up on a fresh machine:
#   make demo   runs the main job
#   make test   runs the test suite
# Both create .venv and install the project into it first (once; again when
# pyproject.toml changes).

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
EXTRAS ?= test,docs,lint,onnx,dask,archives

# PyTorch: the CUDA build where an NVIDIA driver is present, else the CPU
# build. On the project's machines `torch==2.13.0` resolves to the local
# CPU wheel (2.13.0+cpu) instead of a multi-GB CUDA download.
ifeq ($(shell command -v nvidia-smi 2>/dev/null),)
TORCH ?= torch==2.13.0
else
TORCH ?= torch>=2.2
endif

.PHONY: install demo test lint format docs bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet "$(TORCH)"
	$(BIN)/python -m pip install --quiet -e ".[$(EXTRAS)]"
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/python -m sklearn_drsn $(ARGS)

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The same paths for both, so that `make format` fixes what `make lint` checks.
LINTED := sklearn_drsn tests benchmarks docs experiments conftest.py

lint: $(STAMP)
	$(BIN)/ruff check $(LINTED)
	$(BIN)/ruff format --check $(LINTED)

format: $(STAMP)
	$(BIN)/ruff format $(LINTED)
	$(BIN)/ruff check --fix $(LINTED)

docs: $(STAMP)
	$(BIN)/python -m sphinx -W --keep-going -q -b html docs docs/_build/html
	$(BIN)/python -m pytest -q -p no:cacheprovider --doctest-glob='*.rst' docs

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_training.py
	$(BIN)/python benchmarks/bench_scaling.py

clean:
	rm -rf $(VENV) docs/_build docs/api/generated .pytest_cache .ruff_cache
