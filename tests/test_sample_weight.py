"""sample_weight, class_weight and their routing through Pipeline and GridSearchCV."""

import numpy as np
import pytest
import sklearn
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

from sklearn_drsn import DRSNClassifier
from sklearn_drsn._skorch import DRSNNet
from sklearn_drsn._training import normalise_weights


def signals(n=30, length=32, seed=0, minority=None):
    rng = np.random.default_rng(seed)
    y = np.arange(n) % 2 if minority is None else (np.arange(n) < minority).astype(int)
    X = rng.normal(size=(n, length)).astype(np.float32)
    X[y == 1] += 0.8 * np.sin(np.arange(length) / 3)
    return X, y


@settings(max_examples=50, deadline=None)
@given(
    counts=st.lists(st.integers(0, 4), min_size=2, max_size=12).filter(lambda c: sum(c) > 0),
    seed=st.integers(0, 2**16),
)
def test_a_weight_k_is_k_repetitions_of_the_sample_in_the_loss(counts, seed):
    # The loss of a batch with integer weights (scaled to mean 1, as fit does) equals
    # the plain mean loss of the batch in which each sample is repeated that often.
    gen = torch.Generator().manual_seed(seed)
    logits = torch.randn(len(counts), 3, generator=gen)
    y = torch.randint(0, 3, (len(counts),), generator=gen)
    weights, _ = normalise_weights(np.asarray(counts, dtype=np.float64), None)
    net = DRSNNet(module=torch.nn.Identity, criterion=torch.nn.CrossEntropyLoss).initialize()
    weighted = net.get_loss(logits, (y, torch.as_tensor(weights, dtype=torch.float32)))
    repeat = torch.as_tensor(counts)
    repeated = net.get_loss(logits.repeat_interleave(repeat, 0), y.repeat_interleave(repeat))
    torch.testing.assert_close(weighted, repeated)


def test_class_weight_multiplies_sample_weight_exactly(tiny_params):
    X, y = signals()
    by_class = DRSNClassifier(**tiny_params, class_weight={0: 3.0, 1: 1.0}).fit(X, y)
    by_sample = DRSNClassifier(**tiny_params).fit(X, y, sample_weight=np.where(y == 0, 3.0, 1.0))
    np.testing.assert_array_equal(by_class.predict_proba(X), by_sample.predict_proba(X))
    both = DRSNClassifier(**tiny_params, class_weight={0: 3.0, 1: 1.0})
    both.fit(X, y, sample_weight=np.full(len(y), 2.0))  # the overall scale does not matter
    np.testing.assert_array_equal(both.predict_proba(X), by_class.predict_proba(X))


def test_unit_weights_train_the_unweighted_model(tiny_params):
    X, y = signals()
    plain = DRSNClassifier(**tiny_params).fit(X, y)
    ones = DRSNClassifier(**tiny_params).fit(X, y, sample_weight=np.ones(len(y)))
    np.testing.assert_allclose(ones.predict_proba(X), plain.predict_proba(X), atol=1e-5)


def test_weights_change_the_model(tiny_params):
    X, y = signals()
    plain = DRSNClassifier(**tiny_params).fit(X, y)
    weighted = DRSNClassifier(**tiny_params).fit(X, y, sample_weight=np.where(y == 1, 5.0, 1.0))
    assert not np.allclose(weighted.predict_proba(X), plain.predict_proba(X), atol=1e-3)


def test_balanced_class_weight_predicts_the_rare_class_more_often():
    X, y = signals(n=110, minority=10, seed=1)
    X_test, _ = signals(n=200, seed=2)
    params = dict(widths=(8, 16), max_epochs=20, batch_size=16, random_state=0)
    plain = DRSNClassifier(**params).fit(X, y)
    balanced = DRSNClassifier(**params, class_weight="balanced").fit(X, y)
    assert (balanced.predict(X_test) == 1).sum() > (plain.predict(X_test) == 1).sum()


@pytest.mark.parametrize(
    "weights, match",
    [
        (-np.ones(30), "(?i)negative"),
        (np.ones(29), "shape|length|samples"),
        (np.zeros(30), "zero"),
        (np.full(30, np.nan), "NaN|infinity|finite"),
    ],
)
def test_bad_weights_are_refused_and_change_nothing(weights, match, tiny_params):
    X, y = signals()
    clf = DRSNClassifier(**tiny_params).fit(X, y)
    before, weights_before = clf.predict_proba(X), weights.copy()
    with pytest.raises(ValueError, match=match):
        clf.fit(X, y, sample_weight=weights)
    np.testing.assert_array_equal(clf.predict_proba(X), before)
    np.testing.assert_array_equal(weights, weights_before)


def test_training_weights_all_zero_are_refused_with_what_to_do():
    # After a validation split the training part alone can be all zero.
    with pytest.raises(ValueError, match="every training sample has zero weight"):
        normalise_weights(np.zeros(4), (None, None, np.ones(2)))
    weights, (_, _, held_out) = normalise_weights(np.array([1.0, 3.0]), (None, None, np.ones(2)))
    np.testing.assert_array_equal(weights, [0.5, 1.5])
    np.testing.assert_array_equal(held_out, [0.5, 0.5])


def test_sample_weight_is_routed_through_pipeline_and_grid_search(tiny_params):
    X, y = signals()
    weights = np.where(y == 1, 4.0, 1.0)
    direct = DRSNClassifier(**tiny_params).fit(X, y, sample_weight=weights)
    with sklearn.config_context(enable_metadata_routing=True):
        drsn = DRSNClassifier(**tiny_params).set_fit_request(sample_weight=True)
        drsn.set_score_request(sample_weight=False)
        pipe = make_pipeline(FunctionTransformer(), drsn).fit(X, y, sample_weight=weights)
        np.testing.assert_array_equal(pipe.predict_proba(X), direct.predict_proba(X))
        # One candidate, the learning rate the direct fit resolved: the refit is that fit.
        search = GridSearchCV(clone(drsn), {"lr": [direct.config_["lr"]]}, cv=2, refit=True)
        search.fit(X, y, sample_weight=weights)
    np.testing.assert_array_equal(search.predict_proba(X), direct.predict_proba(X))


def test_predict_log_proba_is_the_log_of_predict_proba(tiny_params):
    X, y = signals()
    clf = DRSNClassifier(**tiny_params).fit(X, y)
    log_proba = clf.predict_log_proba(X)
    assert log_proba.shape == (len(X), 2) and np.all(np.isfinite(log_proba))
    np.testing.assert_allclose(np.exp(log_proba), clf.predict_proba(X), rtol=1e-12)
