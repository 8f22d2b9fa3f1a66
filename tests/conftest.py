"""Fixtures and markers shared by the test modules.

Test modules take these as fixture arguments instead of importing helpers from
each other or from this file.
"""

import os
import subprocess
import sys
from types import MappingProxyType

import numpy as np
import pytest
import torch


def pytest_collection_modifyitems(config, items):
    """Skip the tests marked ``gpu`` where PyTorch sees no CUDA device."""
    gpu_tests = [item for item in items if item.get_closest_marker("gpu") is not None]
    # CUDA is queried only when a gpu test was collected, so other runs never touch it.
    if not gpu_tests or torch.cuda.is_available():
        return
    skip = pytest.mark.skip(reason="needs a CUDA device; none is visible to PyTorch")
    for item in gpu_tests:
        item.add_marker(skip)


def _make_signals(n_per_class=24, length=32, n_classes=2, channels=None, seed=0):
    """Noisy sines of a different frequency per class, and their labels 0, 1, ..."""
    rng = np.random.default_rng(seed)
    t = np.arange(length)
    X, y = [], []
    for k in range(n_classes):
        shape = (n_per_class, length) if channels is None else (n_per_class, channels, length)
        X.append(np.sin(t * (0.2 + 0.35 * k)) + rng.normal(0, 0.3, shape))
        y += [k] * n_per_class
    return np.concatenate(X), np.array(y)


@pytest.fixture(scope="session")
def make_signals():
    """``make_signals(n_per_class=24, length=32, n_classes=2, channels=None, seed=0)``."""
    return _make_signals


@pytest.fixture(scope="session")
def fast_params():
    """DRSNClassifier settings for tests of the estimator's contract, not of its accuracy.

    The paper's recipe on a one-unit-a-stage network, four epochs. Read-only, so
    that a module- or session-scoped fixture and hypothesis tests can share it;
    derive with ``{**fast_params, "shrinkage": None}``.
    """
    return MappingProxyType(
        dict(recipe="paper", blocks_per_stage=1, max_epochs=4, batch_size=16, random_state=0)
    )


@pytest.fixture(scope="session")
def tiny_params():
    """DRSNClassifier settings for tests of where fits run: the smallest network, two epochs."""
    return MappingProxyType(
        dict(widths=(4, 8), blocks_per_stage=1, max_epochs=2, batch_size=16, random_state=0)
    )


def _predict_proba_in_fresh_process(folder, load, X, hide_gpu=False):
    """predict_proba of a model loaded by the expression ``load`` in a new Python process.

    ``load`` may use ``d``, the folder as a string; ``hide_gpu`` empties
    CUDA_VISIBLE_DEVICES, as on a CPU-only machine.
    """
    np.save(folder / "X.npy", X)
    code = (
        "import pickle, sys, warnings, numpy as np; from sklearn_drsn import DRSNClassifier;"
        "warnings.simplefilter('ignore'); d = sys.argv[1];"
        f"clf = {load}; assert (clf.net_.device == 'cpu') or not {hide_gpu};"
        "np.save(d + '/p.npy', clf.predict_proba(np.load(d + '/X.npy')))"
    )
    env = {**os.environ, **({"CUDA_VISIBLE_DEVICES": ""} if hide_gpu else {})}
    subprocess.run([sys.executable, "-c", code, str(folder)], check=True, env=env)
    return np.load(folder / "p.npy")


@pytest.fixture(scope="session")
def predict_proba_in_fresh_process():
    """``predict_proba_in_fresh_process(folder, load, X, hide_gpu=False)``, see its docstring."""
    return _predict_proba_in_fresh_process
