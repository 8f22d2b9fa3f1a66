"""DRSNClassifier inside scikit-learn's tools: Pipeline, search, cross-validation, pickling."""

import pickle

import numpy as np
import pytest
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import GridSearchCV, StratifiedKFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

from sklearn_drsn import DRSNClassifier


def test_pipeline_with_scaler(make_signals, fast_params):
    X, y = make_signals(n_per_class=30)
    pipe = make_pipeline(StandardScaler(), DRSNClassifier(**{**fast_params, "max_epochs": 15}))
    pipe.fit(X, y)
    assert pipe.score(X, y) > 0.8
    assert pipe.predict_proba(X).shape == (len(X), 2)


def test_grid_search_over_shrinkage_and_lr_in_parallel(make_signals, fast_params):
    X, y = make_signals(n_per_class=20)
    grid = {"shrinkage": ["cw", "cs", None], "lr": [0.1, 0.01]}
    search = GridSearchCV(DRSNClassifier(**fast_params), grid, cv=2, n_jobs=2, error_score="raise")
    search.fit(X, y)
    assert len(search.cv_results_["params"]) == 6
    assert search.best_params_["shrinkage"] in ("cw", "cs", None)
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()
    assert search.best_estimator_.predict(X).shape == y.shape


def test_parallel_search_scores_equal_serial_scores(make_signals, fast_params):
    X, y = make_signals(n_per_class=20)
    grid = {"shrinkage": ["cw", None]}
    serial = GridSearchCV(DRSNClassifier(**fast_params), grid, cv=2, n_jobs=1).fit(X, y)
    parallel = GridSearchCV(DRSNClassifier(**fast_params), grid, cv=2, n_jobs=2).fit(X, y)
    np.testing.assert_array_equal(
        serial.cv_results_["mean_test_score"], parallel.cv_results_["mean_test_score"]
    )


def test_cross_val_score_side_by_side_with_classic_classifiers(make_signals, fast_params):
    X, y = make_signals(n_per_class=30, n_classes=3)
    folds = StratifiedKFold(n_splits=3, shuffle=True, random_state=0)
    models = {
        "drsn": DRSNClassifier(**{**fast_params, "max_epochs": 10}),
        "forest": RandomForestClassifier(n_estimators=20, random_state=0),
        "svc": SVC(),
    }
    scores = {name: cross_val_score(m, X, y, cv=folds) for name, m in models.items()}
    assert all(s.shape == (3,) for s in scores.values())
    assert scores["drsn"].mean() > 1 / 3 + 0.2  # well above chance on the same folds


def test_pickled_estimator_predicts_in_a_fresh_process(
    tmp_path, make_signals, fast_params, predict_proba_in_fresh_process
):
    X, y = make_signals()
    clf = DRSNClassifier(**fast_params).fit(X, y)
    (tmp_path / "model.pkl").write_bytes(pickle.dumps(clf))
    load = "pickle.load(open(d + '/model.pkl', 'rb'))"
    proba = predict_proba_in_fresh_process(tmp_path, load, X)
    np.testing.assert_array_equal(proba, clf.predict_proba(X))


# ------------------------------------------------------------------- GPU
@pytest.mark.gpu
def test_cuda_and_cpu_predictions_agree(make_signals, fast_params):
    X, y = make_signals(n_per_class=30)
    cpu = DRSNClassifier(**{**fast_params, "device": "cpu"}).fit(X, y)
    gpu = DRSNClassifier(**{**fast_params, "device": "cuda"}).fit(X, y)
    assert gpu.device_ == "cuda"
    assert next(gpu.net_.module_.parameters()).is_cuda
    np.testing.assert_allclose(gpu.predict_proba(X), cpu.predict_proba(X), atol=1e-3)
    assert (gpu.predict(X) == cpu.predict(X)).mean() > 0.95


@pytest.mark.gpu
def test_cuda_model_unpickles_onto_the_cpu(
    tmp_path, make_signals, fast_params, predict_proba_in_fresh_process
):
    X, y = make_signals()
    clf = DRSNClassifier(**{**fast_params, "device": "cuda"}).fit(X, y)
    (tmp_path / "model.pkl").write_bytes(pickle.dumps(clf))
    load = "pickle.load(open(d + '/model.pkl', 'rb'))"
    proba = predict_proba_in_fresh_process(tmp_path, load, X, hide_gpu=True)
    np.testing.assert_allclose(proba, clf.predict_proba(X), atol=1e-4)


@pytest.mark.gpu
def test_cuda_best_initialisation_trains_on_the_gpu_and_matches_the_cpu_choice(
    make_signals, fast_params
):
    # The chosen candidate trains on from its trial on the device; its shuffles come
    # from the CPU generator state saved after the trial, as on the CPU.
    X, y = make_signals(n_per_class=30)
    params = {**fast_params, "n_init": 3, "init_epochs": 2}
    cpu = DRSNClassifier(**{**params, "device": "cpu"}).fit(X, y)
    gpu = DRSNClassifier(**{**params, "device": "cuda"}).fit(X, y)
    assert next(gpu.net_.module_.parameters()).is_cuda
    assert gpu.n_epochs_ == cpu.n_epochs_ == fast_params["max_epochs"]
    np.testing.assert_allclose(
        gpu.history_[:, "train_loss"], cpu.history_[:, "train_loss"], rtol=1e-2
    )
