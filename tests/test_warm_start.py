"""warm_start: a second fit continues from the fitted network, or says why it cannot."""

import numpy as np
import pytest
from sklearn.base import clone

from sklearn_drsn import DRSNClassifier
from sklearn_drsn._recipes import small_schedule


def signals(n=30, length=32, seed=0, n_classes=2):
    rng = np.random.default_rng(seed)
    y = np.arange(n) % n_classes
    X = rng.normal(size=(n, length)).astype(np.float32)
    X += np.sin(np.arange(length)[None, :] * (y[:, None] + 1) / 5)
    return X, y


def test_a_warm_start_continues_from_the_fitted_weights(tiny_params):
    X, y = signals()
    first = DRSNClassifier(**tiny_params, warm_start=True).fit(X, y)
    before = first.predict_proba(X)
    # A learning rate too small to move the weights: a continued fit predicts as before,
    # while a fresh fit with another seed starts elsewhere.
    frozen = {"lr": 1e-12, "max_epochs": 1}
    first.set_params(**frozen, random_state=1).fit(X, y)
    np.testing.assert_allclose(first.predict_proba(X), before, atol=1e-4)
    cold = DRSNClassifier(**{**tiny_params, **frozen, "random_state": 1}).fit(X, y)
    assert not np.allclose(cold.predict_proba(X), before, atol=1e-2)


def test_without_warm_start_a_second_fit_starts_afresh(tiny_params):
    X, y = signals()
    clf = DRSNClassifier(**tiny_params).fit(X, y)
    again = clone(clf).fit(X, y)
    clf.set_params(lr=1e-12, max_epochs=1).fit(X, y)
    assert not np.allclose(clf.predict_proba(X), again.predict_proba(X), atol=1e-2)


def test_a_warm_start_improves_training_on_new_data(tiny_params):
    X, y = signals(n=60, seed=1)
    clf = DRSNClassifier(**{**tiny_params, "max_epochs": 2}, warm_start=True).fit(X, y)
    losses = [clf.history_[-1, "train_loss"]]
    for _ in range(3):
        losses.append(clf.fit(X, y).history_[-1, "train_loss"])
    assert losses[-1] < losses[0]


@pytest.mark.parametrize(
    "change, match",
    [
        ("classes", "classes"),
        ("shape", "shape"),
        ("widths", "widths"),
        ("n_members", "n_members"),
    ],
)
def test_a_warm_start_that_cannot_continue_says_why_and_changes_nothing(
    change, match, tiny_params
):
    X, y = signals()
    clf = DRSNClassifier(**tiny_params, warm_start=True).fit(X, y)
    before = clf.predict_proba(X)
    if change == "classes":
        X2, y2 = signals(n_classes=3)
    elif change == "shape":
        X2, y2 = signals(length=40)
    elif change == "widths":
        X2, y2 = X, y
        clf.set_params(widths=(8, 16))
    else:
        X2, y2 = X, y
        clf.set_params(n_members=2)
    with pytest.raises(ValueError, match=f"warm_start=True.*{match}.*warm_start=False"):
        clf.fit(X2, y2)
    np.testing.assert_array_equal(clf.predict_proba(X), before)


def test_a_warm_start_keeps_the_recipe_and_resolves_the_training_anew():
    X, y = signals(n=60)
    clf = DRSNClassifier(widths=(4, 8), max_epochs=2, random_state=0, warm_start=True)
    clf.fit(X, y)
    assert clf.config_["batch_size"] == small_schedule(60)[0]
    clf.fit(X[:30], y[:30])
    assert clf.recipe_ == "small"
    assert clf.config_["batch_size"] == small_schedule(30)[0] != small_schedule(60)[0]
    assert clf.config_["widths"] == (4, 8)
