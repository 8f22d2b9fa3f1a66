"""Training internals that a user sees only through speed: the fused optimizer."""

import numpy as np
import pytest

import sklearn_drsn._skorch
from sklearn_drsn import DRSNClassifier

PARAMS = dict(widths=(4, 8), max_epochs=3, batch_size=8, random_state=0)


@pytest.mark.parametrize("optimizer", ["adam", "adamw"])
def test_adam_is_fused_and_trains_as_the_plain_one(make_signals, monkeypatch, optimizer):
    X, y = make_signals(n_per_class=12, length=32)
    fused = DRSNClassifier(**PARAMS, optimizer=optimizer).fit(X, y)
    assert fused.net_.optimizer_.defaults["fused"] is True
    monkeypatch.setattr(
        sklearn_drsn._skorch, "_optimizer", lambda cls, groups, kwargs: cls(groups, **kwargs)
    )
    plain = DRSNClassifier(**PARAMS, optimizer=optimizer).fit(X, y)
    assert not plain.net_.optimizer_.defaults["fused"]
    np.testing.assert_allclose(
        fused.history_[:, "train_loss"], plain.history_[:, "train_loss"], rtol=1e-4
    )
    np.testing.assert_allclose(fused.predict_proba(X), plain.predict_proba(X), atol=1e-4)


def test_sgd_is_left_as_it_is(make_signals):
    X, y = make_signals(n_per_class=12, length=32)
    clf = DRSNClassifier(**PARAMS, optimizer="sgd").fit(X, y)
    assert not clf.net_.optimizer_.defaults.get("fused")
