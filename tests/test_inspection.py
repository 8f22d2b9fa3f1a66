"""What the network learned: per-unit thresholds and the pooled embedding."""

import numpy as np
import pytest
import torch
from sklearn.linear_model import LogisticRegression

from sklearn_drsn import DRSNClassifier
from sklearn_drsn.datasets import make_drivetrain
from sklearn_drsn.noise import add_noise


@pytest.fixture(scope="module")
def trained():
    X, y, _ = make_drivetrain(n_per_class=24, length=512, fault_severity=2.0, random_state=0)
    clf = DRSNClassifier(recipe="paper", max_epochs=15, batch_size=32, random_state=0).fit(X, y)
    return clf, X, y


def shrinkage_inputs(clf, X):
    """mean|x| of what each unit soft-thresholds, captured with hooks."""
    module = clf.net_.module_.eval()
    captured = {}

    def hook_for(name):
        def hook(_module, inputs, _output):
            captured[name] = inputs[0].abs().mean(2)  # returns None: output unchanged

        return hook

    hooks = [
        m.register_forward_hook(hook_for(name))
        for name, m in module.named_modules()
        if name.endswith(".shrinkage")
    ]
    with torch.no_grad():
        module(torch.as_tensor(X[:, None, :], dtype=torch.float32))
    for h in hooks:
        h.remove()
    return {name.removesuffix(".shrinkage"): v.numpy() for name, v in captured.items()}


@pytest.mark.parametrize("shrinkage", ["cw", "cs"])
def test_thresholds_are_positive_and_below_mean_abs_per_unit(shrinkage, make_signals, fast_params):
    X, y = make_signals(length=64)
    clf = DRSNClassifier(**{**fast_params, "shrinkage": shrinkage, "blocks_per_stage": 2}).fit(
        X, y
    )
    taus = clf.thresholds(X)
    mean_abs = shrinkage_inputs(clf, X)
    assert set(taus) == set(mean_abs) and len(taus) == 6
    for name, tau in taus.items():
        bound = mean_abs[name] if shrinkage == "cw" else mean_abs[name].mean(1, keepdims=True)
        assert tau.shape == bound.shape == (len(X), bound.shape[1])
        assert np.all(tau > 0)
        assert np.all(tau <= bound * (1 + 1e-5))


def test_thresholds_grow_with_noise_on_a_trained_model(trained):
    clf, X, _ = trained
    clean = clf.thresholds(X)
    noisy = clf.thresholds(add_noise(X, -5.0, random_state=0).astype(np.float32))
    ratios = [noisy[name].mean() / clean[name].mean() for name in clean]
    assert np.mean(ratios) > 1.0
    assert np.mean([noisy[n].mean(1) > clean[n].mean(1) for n in clean]) > 0.5


def test_thresholds_differ_between_samples(trained):
    clf, X, _ = trained
    tau = clf.thresholds(X)["stages.0.0"]
    assert np.unique(tau.round(6), axis=0).shape[0] > len(X) // 2


def test_baselines_have_no_thresholds(make_signals, fast_params):
    X, y = make_signals()
    assert DRSNClassifier(**{**fast_params, "shrinkage": None}).fit(X, y).thresholds(X) == {}


def test_embedding_feeds_a_pipeline(trained):
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import FunctionTransformer, StandardScaler

    clf, X, y = trained
    pipe = make_pipeline(FunctionTransformer(clf.embed), StandardScaler(), LogisticRegression())
    assert pipe.fit(X, y).predict(X).shape == y.shape


def test_embedding_feeds_a_classic_classifier(trained):
    clf, X, y = trained
    emb = clf.embed(X)
    assert emb.shape == (len(X), 16) and emb.dtype == np.float32
    assert np.all(emb >= 0)  # pooled after a ReLU
    # The embedding carries what the network knows: a linear model on it does
    # about as well as the network's own linear head.
    on_embedding = LogisticRegression(max_iter=5000).fit(emb, y).score(emb, y)
    assert on_embedding > 0.25
    assert on_embedding >= clf.score(X, y) - 0.1


def test_inspection_needs_a_fitted_model_and_the_fit_shape(trained):
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        DRSNClassifier().thresholds(np.zeros((2, 8)))
    clf, X, _ = trained
    with pytest.raises(ValueError, match="features"):
        clf.embed(X[:, :100])
