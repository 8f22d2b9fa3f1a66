"""The dependency direction: nn knows no scikit-learn or skorch; data tools know no torch."""

import subprocess
import sys

import pytest


def imported_after(module: str) -> set[str]:
    code = f"import sys, {module}; print(' '.join(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return {name.split(".")[0] for name in out.stdout.split()}


def test_nn_imports_neither_sklearn_nor_skorch():
    loaded = imported_after("sklearn_drsn.nn")
    assert "torch" in loaded
    assert not {"sklearn", "skorch"} & loaded


@pytest.mark.parametrize(
    "module",
    [
        "sklearn_drsn.noise",
        "sklearn_drsn.datasets",
        "sklearn_drsn.features",
        "sklearn_drsn.preprocessing",
        "sklearn_drsn.io",
        "sklearn_drsn.windows",
        "sklearn_drsn.loaders",
    ],
)
def test_data_tools_do_not_import_torch_or_skorch(module):
    assert not {"torch", "skorch"} & imported_after(module)


@pytest.mark.parametrize(
    "module",
    [
        "sklearn_drsn.io",
        "sklearn_drsn.windows",
        "sklearn_drsn.loaders",
        "sklearn_drsn._random",
        "sklearn_drsn._validation",
    ],
)
def test_file_readers_and_shared_checks_do_not_import_sklearn(module):
    # Reading files needs NumPy (and SciPy for .mat files), not a learning library; the
    # shared checks are imported by the readers and, for seeds, by the estimator.
    assert not {"torch", "skorch", "sklearn"} & imported_after(module)
