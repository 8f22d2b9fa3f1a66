"""Real UCR/UEA data sets read from an installed sktime or aeon (the ``archives`` extra)."""

import numpy as np
import pytest

from sklearn_drsn.datasets import archive_data_dirs, load_archive_dataset

needs_archive = pytest.mark.skipif(
    not archive_data_dirs(),
    reason="needs sktime or aeon for their bundled .ts files (pip install '.[archives]'); "
    "CI installs it",
)


@needs_archive
@pytest.mark.parametrize(
    "name, train_shape, test_len, n_classes",
    [
        ("GunPoint", (50, 150), 150, 2),
        ("ArrowHead", (36, 251), 175, 3),
        ("ItalyPowerDemand", (67, 24), 1029, 2),
        ("BasicMotions", (40, 6, 100), 40, 4),
    ],
)
def test_official_splits_have_the_archives_shapes(name, train_shape, test_len, n_classes):
    X, y = load_archive_dataset(name, "train")
    X_test, y_test = load_archive_dataset(name, "test")
    assert X.shape == train_shape and X.dtype == np.float32
    assert len(X_test) == len(y_test) == test_len
    assert len(np.unique(y)) == n_classes and set(y_test) <= set(y)
    assert np.isfinite(X).all()


@needs_archive
def test_unknown_data_set_lists_the_available_ones():
    with pytest.raises(ValueError, match=r"no installed package bundles.*GunPoint"):
        load_archive_dataset("NoSuchSet")


def test_invalid_split():
    with pytest.raises(ValueError, match="split must be"):
        load_archive_dataset("GunPoint", "validation")


def test_clear_error_without_the_extra(monkeypatch):
    import sklearn_drsn.datasets._archive as archive

    monkeypatch.setattr(archive, "archive_data_dirs", lambda: [])
    with pytest.raises(ModuleNotFoundError, match=r"sklearn-drsn\[archives\]"):
        archive.load_archive_dataset("GunPoint")
