"""The comparison protocol: same noise and folds for every model, reproducible, parallel."""

import math

import numpy as np
import pytest
from sklearn.model_selection import cross_val_score
from sklearn.tree import DecisionTreeClassifier

from sklearn_drsn import DRSNClassifier
from sklearn_drsn.datasets import make_drivetrain
from sklearn_drsn.experiment import _noisy, format_table, make_model, run_comparison, summarise


@pytest.fixture(scope="module")
def small_drivetrain():
    X, y, _ = make_drivetrain(n_per_class=6, length=256, fault_severity=2.0, random_state=0)
    return X, y


def test_clean_data_is_run_once_whatever_the_noise_kinds(small_drivetrain):
    rows = run_comparison(*small_drivetrain, ["knn"], noise_kinds=["gaussian", "pink"],
                          snrs_db=[0.0, math.inf], n_splits=2)  # fmt: skip
    conditions = {(r.noise, r.snr_db) for r in rows}
    assert conditions == {("gaussian", 0.0), ("pink", 0.0), ("none", math.inf)}
    assert len(rows) == 3 * 2


def test_every_model_sees_the_same_noisy_data():
    X = np.random.default_rng(0).normal(size=(5, 64))
    np.testing.assert_array_equal(_noisy(X, "pink", -5.0, 0), _noisy(X, "pink", -5.0, 0))
    assert not np.array_equal(_noisy(X, "pink", -5.0, 0), _noisy(X, "pink", -4.0, 0))
    assert _noisy(X, "gaussian", math.inf, 0) is X


def test_results_are_reproducible_and_parallel_equals_serial(small_drivetrain):
    kwargs = dict(snrs_db=[0.0], n_splits=2, max_epochs=1, random_state=3)
    serial = run_comparison(*small_drivetrain, ["drsn-cw", "svc"], n_jobs=1, **kwargs)
    parallel = run_comparison(*small_drivetrain, ["drsn-cw", "svc"], n_jobs=2, **kwargs)
    assert [(r.model, r.fold, r.accuracy) for r in serial] == [
        (r.model, r.fold, r.accuracy) for r in parallel
    ]


def test_standardised_signals_make_the_sensor_gain_irrelevant(small_drivetrain):
    X, y = small_drivetrain
    # Powers of two: scaling is exact in floating point, so is the comparison.
    gains = 2.0 ** np.random.default_rng(0).integers(-4, 5, size=(len(X), 1))
    gains = gains.astype(X.dtype)

    def accuracies(X, standardize):
        rows = run_comparison(X, y, ["knn", "svc"], snrs_db=[0.0], n_splits=2,
                              standardize_signals=standardize)  # fmt: skip
        return [r.accuracy for r in rows]

    assert accuracies(X * gains, True) == accuracies(X, True)
    # Without it the gain is one more thing for the features to see.
    assert accuracies(X * gains, False) != accuracies(X, False)


def test_summary_and_table_agree_with_the_folds():
    from sklearn_drsn.experiment import FoldResult

    rows = [FoldResult("gaussian", -5.0, "drsn-cw", k, a, 1.0) for k, a in enumerate([0.5, 0.7])]
    (summary,) = summarise(rows)
    assert summary["mean"] == pytest.approx(0.6) and summary["std"] == pytest.approx(0.1)
    assert "60.0 ± 10.0" in format_table([summary])


def test_deep_models_take_the_batch_size_and_default_to_the_papers():
    assert make_model("drsn-cw", batch_size=16).get_params()["batch_size"] == 16
    assert make_model("resnet").get_params()["batch_size"] is None  # the recipe's 128
    classic = make_model("svc", batch_size=16).get_params()  # classic models ignore it
    assert not any(key.endswith("batch_size") for key in classic)


@pytest.mark.parametrize("value", [True, False])
def test_drsns_take_the_threshold_batch_norm_setting(value):
    for name in ("drsn-cw", "drsn-cs"):
        assert make_model(name, threshold_batch_norm=value).threshold_batch_norm is value
    # The baselines have no threshold sub-network: nothing to set.
    for name in ("resnet", "convnet"):
        assert make_model(name, threshold_batch_norm=value).threshold_batch_norm is True


def test_deep_models_take_the_widths_and_default_to_the_papers():
    for name in ("drsn-cw", "drsn-cs", "resnet", "convnet"):
        assert make_model(name, widths=[8, 16, 32]).widths == (8, 16, 32)
        assert make_model(name).widths is None  # the recipe's (4, 8, 16)
    classic = make_model("svc", widths=(8,)).get_params()  # classic models ignore it
    assert not any(key.endswith("widths") for key in classic)


def test_deep_models_take_n_init_and_default_to_one():
    for name in ("drsn-cw", "drsn-cs", "resnet", "convnet"):
        assert make_model(name, n_init=3).n_init == 3
        assert make_model(name).n_init == 1
    classic = make_model("svc", n_init=3).get_params()  # classic models ignore it
    assert not any(key.endswith("n_init") for key in classic)


def test_unknown_model_lists_the_known_ones():
    with pytest.raises(ValueError, match=r"drsn-cw.*random-forest"):
        make_model("xgboost")


def test_rms_alone_stays_far_below_a_drsn_on_the_simulator():
    X, y, _ = make_drivetrain(n_per_class=40, length=1024, fault_severity=2.0, random_state=1)
    train, test = np.arange(len(X)) % 4 != 0, np.arange(len(X)) % 4 == 0
    rms = np.sqrt((X.astype(np.float64) ** 2).mean(axis=1, keepdims=True))
    rms_acc = cross_val_score(DecisionTreeClassifier(max_depth=4, random_state=0), rms, y).mean()
    drsn = DRSNClassifier(recipe="paper", max_epochs=25, batch_size=32, random_state=0)
    drsn.fit(X[train], y[train])
    drsn_acc = drsn.score(X[test], y[test])
    assert rms_acc < 0.3
    assert drsn_acc > rms_acc + 0.3


def test_each_fold_seeds_its_models_differently_and_all_models_alike(
    small_drivetrain, monkeypatch
):
    import sklearn_drsn.experiment as experiment

    seen = []
    fit_and_score = experiment._fit_and_score

    def spy(prototype, X, y, train, test, driver):
        seed = next(v for k, v in prototype.get_params().items() if k.endswith("random_state"))
        seen.append((test.tobytes(), seed))  # the fold, told by its test indices
        return fit_and_score(prototype, X, y, train, test, driver=driver)

    monkeypatch.setattr(experiment, "_fit_and_score", spy)
    run_comparison(*small_drivetrain, ["svc", "drsn-cw"], snrs_db=[0.0], n_splits=2,
                   max_epochs=1, random_state=5)  # fmt: skip
    by_fold = {}
    for fold, seed in seen:
        by_fold.setdefault(fold, set()).add(seed)
    assert len(seen) == 4 and len(by_fold) == 2
    assert all(len(seeds) == 1 for seeds in by_fold.values())  # one seed per fold
    assert len(set.union(*by_fold.values())) == 2  # and not the same on both
    assert experiment._fold_seed(5, 0) != experiment._fold_seed(6, 0)
