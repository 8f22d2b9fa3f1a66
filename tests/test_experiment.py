"""The comparison protocol: same noise and folds for every model, reproducible, parallel."""

import dataclasses
import math

import numpy as np
import pytest
from sklearn.model_selection import cross_val_score
from sklearn.tree import DecisionTreeClassifier

import sklearn_drsn.experiment as experiment
from sklearn_drsn import DRSNClassifier
from sklearn_drsn.datasets import make_drivetrain
from sklearn_drsn.experiment import make_model, make_noisy, run_comparison
from sklearn_drsn.presets import CLASSIC_MODEL_NAMES, DEEP_MODEL_NAMES


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
    np.testing.assert_array_equal(make_noisy(X, "pink", -5.0, 0), make_noisy(X, "pink", -5.0, 0))
    assert not np.array_equal(make_noisy(X, "pink", -5.0, 0), make_noisy(X, "pink", -4.0, 0))
    assert make_noisy(X, "gaussian", math.inf, 0) is X


def test_results_are_reproducible_and_parallel_equals_serial(small_drivetrain):
    kwargs = dict(snrs_db=[0.0], n_splits=2, deep_params={"max_epochs": 1}, random_state=3)
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


DEEP = ("drsn-cw", "drsn-cs", "resnet", "convnet")


@pytest.mark.parametrize(
    "params",
    [
        {"batch_size": 16},
        {"max_epochs": 30, "n_init": 3, "init_epochs": 4},
        {"widths": [8, 16, 32], "threshold_batch_norm": False},
        {"lr": 0.05, "kernel_size": 5},
    ],
    ids=["batch", "initialisations", "network", "any-parameter"],
)
def test_deep_params_reach_every_deep_model_and_no_classic_one(params):
    for name in DEEP:
        got = make_model(name, deep_params=params).get_params()
        expected = {k: tuple(v) if k == "widths" else v for k, v in params.items()}
        assert {k: got[k] for k in params} == expected
        assert got["recipe"] == "paper"  # the paper's protocol, whatever the data's size
    classic = make_model("svc", deep_params=params).get_params()
    assert not any(key.endswith(tuple(params)) for key in classic)


def test_without_deep_params_the_deep_models_keep_the_papers_recipe():
    for name in DEEP:
        params = make_model(name).get_params()
        # None: the "paper" recipe's 100 epochs of batch 128 and widths (4, 8, 16).
        assert (params["max_epochs"], params["batch_size"], params["widths"]) == (None,) * 3
        assert (params["n_init"], params["threshold_batch_norm"]) == (1, True)
    assert make_model("convnet").shortcut is False and make_model("drsn-cs").shrinkage == "cs"


def test_deep_params_are_not_mutated():
    params = {"widths": [8, 16, 32], "max_epochs": 3}
    make_model("resnet", deep_params=params)
    assert params == {"widths": [8, 16, 32], "max_epochs": 3}


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"epochs": 30}, "'epochs' is not a DRSNClassifier parameter"),
        ({"shrinkage": "cs"}, "cannot set 'shrinkage': the model's name"),
        ({"device": "cpu"}, "cannot set 'device': use the device argument"),
        ({"random_state": 1}, "cannot set 'random_state'"),
        ({"max_epochs": 0}, "max_epochs"),
        ({"n_init": 1.5}, "n_init"),
        ({"widths": (8, 0)}, "widths must be a non-empty sequence of positive ints"),
        ({"kernel_size": 4}, "kernel_size must be odd"),
    ],
)
def test_bad_deep_params_stop_the_comparison_before_any_fit(
    small_drivetrain, monkeypatch, params, message
):

    calls = []
    monkeypatch.setattr(experiment, "_fit_and_score", lambda *a, **k: calls.append(a))
    for models in (["knn"], ["knn", "resnet"]):  # checked even with no deep model to run
        with pytest.raises(ValueError, match=message):
            run_comparison(*small_drivetrain, models, snrs_db=[0.0], n_splits=2,
                           deep_params=params)  # fmt: skip
    assert calls == []


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

    seen = []
    fit_and_score = experiment._fit_and_score

    def spy(prototype, X, y, train, test):
        seed = next(v for k, v in prototype.get_params().items() if k.endswith("random_state"))
        seen.append((test.tobytes(), seed))  # the fold, told by its test indices
        return fit_and_score(prototype, X, y, train, test)

    monkeypatch.setattr(experiment, "_fit_and_score", spy)
    run_comparison(*small_drivetrain, ["svc", "drsn-cw"], snrs_db=[0.0], n_splits=2,
                   deep_params={"max_epochs": 1}, random_state=5)  # fmt: skip
    by_fold = {}
    for fold, seed in seen:
        by_fold.setdefault(fold, set()).add(seed)
    assert len(seen) == 4 and len(by_fold) == 2
    assert all(len(seeds) == 1 for seeds in by_fold.values())  # one seed per fold
    assert len(set.union(*by_fold.values())) == 2  # and not the same on both
    assert experiment._fold_seed(5, 0) != experiment._fold_seed(6, 0)


def test_completed_fits_are_not_run_again_and_the_rows_are_an_uninterrupted_runs(
    small_drivetrain, monkeypatch
):
    kwargs = dict(snrs_db=[0.0, math.inf], n_splits=2, deep_params={"max_epochs": 1},
                  random_state=4)  # fmt: skip
    models = ["resnet", "knn"]
    full = run_comparison(*small_drivetrain, models, **kwargs)
    assert len(full) == 2 * 2 * 2
    # An interrupted run that got the first three fits and the last one done.
    done = [*full[:3], full[-1]]
    # Their fit times mark them: the rows come back as given, not fitted again.
    done = [dataclasses.replace(r, fit_seconds=1000.0 + i) for i, r in enumerate(done)]
    other = experiment.FoldResult("pink", 0.0, "svc", 0, 0.1, 1.0)  # not in this run
    fitted, calls = [], []
    fit_and_score = experiment._fit_and_score

    def spy(prototype, X, y, train, test):
        calls.append(test.tobytes())
        return fit_and_score(prototype, X, y, train, test)

    monkeypatch.setattr(experiment, "_fit_and_score", spy)
    resumed = run_comparison(
        *small_drivetrain,
        models,
        **kwargs,
        completed=[other, *done],
        on_result=lambda result, n_fits: fitted.append((result.key, n_fits)),
    )
    assert [r.key for r in resumed] == [r.key for r in full]
    assert [r.accuracy for r in resumed] == [r.accuracy for r in full]
    assert resumed[:3] == done[:3] and resumed[-1] == done[-1]
    missing = [r.key for r in full[3:-1]]
    assert len(calls) == len(missing) == 4
    assert fitted == [(key, 4) for key in missing]  # in order, counting this call's fits


def test_a_test_split_is_one_fold_fitted_on_all_the_data_with_its_own_noise(monkeypatch):
    X = np.random.default_rng(0).normal(size=(4, 64))
    seen = []

    def fake_fit_and_score(model, X, y, train, test):
        seen.append((X, y, train, test))
        return 0.5, 0.1, ""

    monkeypatch.setattr(experiment, "_fit_and_score", fake_fit_and_score)
    rows = run_comparison(X, [0, 1, 0, 1], ["knn"], snrs_db=[0.0], X_test=X.copy(),
                          y_test=[1, 1, 0, 0], standardize_signals=False)  # fmt: skip
    assert [(r.fold, r.accuracy) for r in rows] == [(0, 0.5)]
    ((noisy, y, train, test),) = seen
    np.testing.assert_array_equal(train, np.arange(4))
    np.testing.assert_array_equal(test, np.arange(4, 8))
    np.testing.assert_array_equal(y, [0, 1, 0, 1, 1, 1, 0, 0])
    # The training signals get the noise of a cross-validated run; the test copy its own.
    np.testing.assert_array_equal(noisy[:4], make_noisy(X, "gaussian", 0.0, 0))
    assert not np.allclose(noisy[:4], noisy[4:])


def test_deep_params_choose_the_recipe_and_each_row_says_what_was_used(small_drivetrain):
    assert make_model("drsn-cw", deep_params={"recipe": "small"}).recipe == "small"
    rows = run_comparison(*small_drivetrain, ["resnet", "knn"], snrs_db=[0.0], n_splits=2,
                          deep_params={"recipe": "auto", "max_epochs": 1})  # fmt: skip
    configs = {r.model: r.deep_config for r in rows}
    assert configs["knn"] == ""
    # The recipe that "auto" picks for 6 signals is the estimator's business, not tested here.
    assert configs["resnet"].startswith("recipe auto -> ")
    assert configs["resnet"].endswith(", 1 epoch)")


def test_a_run_with_everything_completed_fits_nothing(small_drivetrain, monkeypatch):

    kwargs = dict(snrs_db=[0.0], n_splits=2)
    full = run_comparison(*small_drivetrain, ["knn"], **kwargs)
    monkeypatch.setattr(experiment, "_fit_and_score", None)  # would fail if called
    monkeypatch.setattr(experiment, "make_noisy", None)  # nor is any noise drawn
    assert run_comparison(*small_drivetrain, ["knn"], **kwargs, completed=full) == full


def test_the_model_names_of_the_presets_are_the_models_of_the_comparison():
    assert tuple(experiment.DEEP_MODELS) == DEEP_MODEL_NAMES
    assert tuple(experiment.CLASSIC_MODELS) == CLASSIC_MODEL_NAMES


@pytest.mark.parametrize(
    "name", ["FoldResult", "format_table", "read_csv", "summarise", "write_csv", "CSV_COLUMNS"]
)
def test_the_results_names_stay_importable_from_experiment(name):
    import sklearn_drsn.results as results

    assert getattr(experiment, name) is getattr(results, name)


def test_plot_accuracy_stays_importable_from_experiment():
    import sklearn_drsn.plotting as plotting

    assert experiment.plot_accuracy is plotting.plot_accuracy
