"""Seed ensembles: several DRSNs that differ only in their random seed.

On small training sets (tens of signals) the accuracy of one network
depends on its seed by several points: on GunPoint's 50 training signals,
ten seeds of the default DRSN-CW ranged from 87.3 to 98.7 % (see the real
data results in the docs). Averaging the predicted probabilities of a few
seeds removes most of that spread. This is scikit-learn's
:class:`~sklearn.ensemble.VotingClassifier` with soft voting, set up with
one :class:`~sklearn_drsn.DRSNClassifier` per seed.
"""

from __future__ import annotations

import numbers

from sklearn.ensemble import VotingClassifier

from .classifier import DRSNClassifier

__all__ = ["make_seed_ensemble"]


def make_seed_ensemble(
    n_seeds: int = 5, *, random_state: int = 0, n_jobs: int | None = None, **params
) -> VotingClassifier:
    """A soft-voting ensemble of DRSNClassifiers that differ only in their seed.

    Member ``i`` is ``DRSNClassifier(random_state=random_state + i, **params)``,
    named ``"seed<random_state + i>"``; the ensemble predicts the class of the
    highest mean predicted probability. It costs ``n_seeds`` fits and
    predictions, so it is meant for small data sets, where one fit is cheap
    and its result depends most on the seed.

    Parameters
    ----------
    n_seeds : int, default=5
        Number of networks.
    random_state : int, default=0
        Seed of the first network; the others follow it.
    n_jobs : int, optional
        Networks fitted in parallel (joblib), as in
        :class:`~sklearn.ensemble.VotingClassifier`.
    **params
        Any other :class:`~sklearn_drsn.DRSNClassifier` parameter, the same
        for every member.

    Returns
    -------
    sklearn.ensemble.VotingClassifier
        Unfitted. After ``fit``, its ``estimators_`` are the fitted
        :class:`~sklearn_drsn.DRSNClassifier` members (for their
        ``thresholds``, ``save`` and the like).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_drsn.ensemble import make_seed_ensemble
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(40, 64)).astype(np.float32)
    >>> y = np.repeat(["healthy", "fault"], 20)
    >>> X[y == "fault", ::8] += 3.0  # an impact every 8 samples
    >>> ensemble = make_seed_ensemble(3, max_epochs=5, widths=(4, 8))
    >>> [name for name, _ in ensemble.estimators]
    ['seed0', 'seed1', 'seed2']
    >>> ensemble.fit(X, y).predict_proba(X[:2]).shape
    (2, 2)
    """
    if not isinstance(n_seeds, numbers.Integral) or isinstance(n_seeds, bool) or n_seeds < 1:
        raise ValueError(f"n_seeds must be a positive integer, got {n_seeds!r}.")
    if not isinstance(random_state, numbers.Integral) or isinstance(random_state, bool):
        raise ValueError(f"random_state must be an integer, got {random_state!r}.")
    seeds = [int(random_state) + i for i in range(n_seeds)]
    members = [(f"seed{s}", DRSNClassifier(random_state=s, **params)) for s in seeds]
    return VotingClassifier(members, voting="soft", n_jobs=n_jobs)
