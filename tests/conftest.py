"""Shared test settings."""

import pytest
import torch

requires_cuda = pytest.mark.skipif(
    not torch.cuda.is_available(), reason="needs a CUDA device; none is visible to PyTorch"
)


def predict_proba_in_fresh_process(folder, load, X, hide_gpu=False):
    """predict_proba of a model loaded by the expression ``load`` in a new Python process.

    ``load`` may use ``d``, the folder as a string; ``hide_gpu`` empties
    CUDA_VISIBLE_DEVICES, as on a CPU-only machine.
    """
    import os
    import subprocess
    import sys

    import numpy as np

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
