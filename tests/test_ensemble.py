"""Seed ensembles: members that differ only in their seed, soft voting."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.base import clone

from sklearn_drsn import DRSNClassifier
from sklearn_drsn.ensemble import make_seed_ensemble


@settings(max_examples=25, deadline=None)
@given(n_seeds=st.integers(1, 8), random_state=st.integers(0, 2**31))
def test_members_differ_only_in_their_seed(n_seeds, random_state):
    ensemble = make_seed_ensemble(n_seeds, random_state=random_state, lr=0.01, shrinkage="cs")
    assert ensemble.voting == "soft"
    members = [est for _, est in ensemble.estimators]
    assert all(isinstance(m, DRSNClassifier) for m in members)
    seeds = [m.random_state for m in members]
    assert seeds == list(range(random_state, random_state + n_seeds))
    assert [name for name, _ in ensemble.estimators] == [f"seed{s}" for s in seeds]

    def without_seed(member):
        return {k: v for k, v in member.get_params().items() if k != "random_state"}

    assert all(without_seed(m) == without_seed(members[0]) for m in members)
    assert (members[0].lr, members[0].shrinkage) == (0.01, "cs")


def test_predicted_probabilities_are_the_members_mean():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(30, 2, 32)).astype(np.float32)
    y = np.repeat([0, 1, 2], 10)
    X[y == 1, :, ::4] += 2.0
    before = X.copy()
    ensemble = make_seed_ensemble(3, max_epochs=2, widths=(4, 8)).fit(X, y)
    members = [m.predict_proba(X) for m in ensemble.estimators_]
    np.testing.assert_allclose(ensemble.predict_proba(X), np.mean(members, axis=0), rtol=1e-6)
    # The seeds matter: the members do not all predict the same probabilities.
    assert not np.allclose(members[0], members[1])
    np.testing.assert_array_equal(X, before)
    assert clone(ensemble).get_params()["seed1__random_state"] == 1


@pytest.mark.parametrize("n_seeds", [0, -1, 2.5, True, "3"])
def test_bad_number_of_seeds_is_explained(n_seeds):
    with pytest.raises(ValueError, match="n_seeds must be a positive integer"):
        make_seed_ensemble(n_seeds)


def test_bad_seed_is_explained():
    with pytest.raises(ValueError, match="random_state must be an integer"):
        make_seed_ensemble(3, random_state=np.random.RandomState(0))


def test_the_ensemble_cross_validates_like_any_classifier():
    from sklearn.model_selection import cross_val_score

    rng = np.random.default_rng(1)
    X = rng.normal(size=(24, 48)).astype(np.float32)
    y = np.repeat(["healthy", "fault"], 12)
    X[y == "fault", ::6] += 3.0
    scores = cross_val_score(make_seed_ensemble(2, max_epochs=2, widths=(4,)), X, y, cv=2)
    assert scores.shape == (2,) and np.all((scores >= 0) & (scores <= 1))
