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


@needs_archive
def test_unequal_length_splits_come_at_one_length_so_a_model_fit_on_one_scores_the_other():
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from sklearn_drsn.features import TimeDomainFeatures

    X, y = load_archive_dataset("JapaneseVowels", "train")
    X_test, y_test = load_archive_dataset("JapaneseVowels", "test")
    # The longest series of either split (29 values, in the test split) sets the length.
    assert X.shape == (270, 12, 29) and X_test.shape == (370, 12, 29)
    model = make_pipeline(TimeDomainFeatures(), StandardScaler(), LogisticRegression())
    assert model.fit(X, y).score(X_test, y_test) > 0.5


@needs_archive
def test_archive_length_policy():
    X, _ = load_archive_dataset("JapaneseVowels", "train", unequal="truncate")
    X_test, _ = load_archive_dataset("JapaneseVowels", "test", unequal="truncate")
    assert X.shape[-1] == X_test.shape[-1] == 7  # the shortest series of both splits
    X, _ = load_archive_dataset("JapaneseVowels", "train", length=20, pad_value=np.nan)
    assert X.shape == (270, 12, 20) and np.isnan(X).any()
    with pytest.raises(ValueError, match=r"_TEST\.ts: the series have unequal lengths, from 7"):
        load_archive_dataset("JapaneseVowels", "train", unequal="error")
    # Equal-length data sets are unchanged.
    assert load_archive_dataset("GunPoint", "test", unequal="error")[0].shape == (150, 150)


def test_archive_data_dirs_lists_the_data_folders_of_installed_packages(tmp_path, monkeypatch):
    import sklearn_drsn.datasets._archive as archive

    for package, has_data in (("withdata", True), ("nodata", False)):
        (tmp_path / package).mkdir()
        (tmp_path / package / "__init__.py").write_text("")
        if has_data:
            (tmp_path / package / "datasets" / "data").mkdir(parents=True)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(
        archive,
        "ARCHIVE_PACKAGES",
        {p: ("datasets", "data") for p in ("nodata", "notinstalled", "withdata")},
    )
    assert archive.archive_data_dirs() == [tmp_path / "withdata" / "datasets" / "data"]


@needs_archive
def test_archive_data_dirs_finds_the_installed_sktime_or_aeon():
    found = [d.relative_to(d.parents[2]).as_posix() for d in archive_data_dirs()]
    assert set(found) <= {"sktime/datasets/data", "aeon/datasets/data"} and found
