"""The paper's experiment: accuracy of deep and classic models against noise level.

Zhao et al. (2019), Sec. III: noise of a given kind is added once, at a given
SNR, to every signal; every model is then scored by stratified k-fold
cross-validation on the same folds. This module runs that protocol for any
``(X, y)`` and any set of models, and summarises, tabulates, saves and plots
the per-fold accuracies.

The fold results, their CSV files, summaries and tables live in
:mod:`sklearn_drsn.results`, and the plot in :mod:`sklearn_drsn.plotting`;
their names stay importable from here.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping, Sequence

import numpy as np
from joblib import Parallel, delayed
from sklearn.base import clone
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

from .classifier import DRSNClassifier, validate_hyperparameters
from .features import make_vibration_features
from .noise import NOISE_KINDS, add_noise
from .plotting import plot_accuracy  # noqa: F401 (importable from here, as before)
from .preprocessing import SignalStandardizer

# These lived here before sklearn_drsn.results existed; importable from here, as before.
from .results import (  # noqa: F401
    CSV_COLUMNS,
    DISPLAY_NAMES,
    FoldResult,
    format_table,
    read_csv,
    summarise,
    write_csv,
)

__all__ = ["CLASSIC_MODELS", "DEEP_MODELS", "make_model", "make_noisy", "run_comparison"]

#: Deep models and the DRSNClassifier settings that make them (paper Sec. III-B).
DEEP_MODELS: dict[str, dict] = {
    "drsn-cw": {"shrinkage": "cw"},
    "drsn-cs": {"shrinkage": "cs"},
    "resnet": {"shrinkage": None},
    "convnet": {"shrinkage": None, "shortcut": False},
}

#: Classic classifiers, each on the standard vibration features.
CLASSIC_MODELS: dict[str, Callable[[int], object]] = {
    "random-forest": lambda seed: RandomForestClassifier(n_estimators=300, random_state=seed),
    "svc": lambda seed: SVC(C=10.0, random_state=seed),
    "knn": lambda seed: KNeighborsClassifier(n_neighbors=5),
    "logistic": lambda seed: LogisticRegression(C=1.0, max_iter=2000),
}

#: DRSNClassifier parameters that ``deep_params`` cannot set: the model's name chooses
#: the first two, and the comparison's own arguments the others.
_FIXED_DEEP_PARAMS = ("shrinkage", "shortcut", "device", "random_state")


def make_model(
    name: str,
    *,
    deep_params: Mapping[str, object] | None = None,
    device: str = "auto",
    random_state: int = 0,
    fs: float | None = None,
):
    """A fresh, unfitted model by name (see ``DEEP_MODELS`` and ``CLASSIC_MODELS``).

    Classic models are a Pipeline of :func:`~sklearn_drsn.features.make_vibration_features`,
    a scaler and the classifier. Deep models are :class:`~sklearn_drsn.DRSNClassifier`
    configurations with the paper's recipe (``recipe="paper"``, whatever the
    size of the data: this is the paper's protocol: 100 epochs of batch 128,
    widths 4, 8, 16), changed by ``deep_params``; ``deep_params={"recipe": "auto"}``
    gives them the estimator's own choice of recipe instead (the main job's
    rule for the user's data).

    Parameters
    ----------
    name : str
        A key of ``DEEP_MODELS`` or ``CLASSIC_MODELS``.
    deep_params : mapping, optional
        :class:`~sklearn_drsn.DRSNClassifier` hyper-parameters for the deep
        models, e.g. ``{"max_epochs": 30, "batch_size": 32, "n_init": 3}`` or
        ``{"recipe": "auto"}``; classic models ignore them.
        ``threshold_batch_norm`` matters only to the DRSNs (the ResNet and
        ConvNet have no threshold sub-networks).
        ``shrinkage`` and ``shortcut`` (set by ``name``), ``device`` and
        ``random_state`` (arguments of their own) are not allowed. Checked
        here, before any fit.
    device : str, default="auto"
        Device of the deep models.
    random_state : int, default=0
        Seed of the model.
    fs : float, optional
        Sampling rate, used only to name the classic features.

    Returns
    -------
    estimator
        An unfitted scikit-learn estimator.

    Raises
    ------
    ValueError
        For an unknown model name, or a ``deep_params`` key or value that
        :class:`~sklearn_drsn.DRSNClassifier` does not accept.

    Examples
    --------
    >>> make_model("resnet", deep_params={"max_epochs": 10}).get_params()["shrinkage"] is None
    True
    >>> make_model("drsn-cw").recipe, make_model("drsn-cw", deep_params={"recipe": "auto"}).recipe
    ('paper', 'auto')
    >>> [step for step, _ in make_model("svc").steps]
    ['featureunion', 'standardscaler', 'svc']
    """
    if name in DEEP_MODELS:
        model = DRSNClassifier(
            **DEEP_MODELS[name], recipe="paper", device=device, random_state=random_state
        )
        return model.set_params(**_check_deep_params(deep_params))
    if name in CLASSIC_MODELS:
        # n_jobs=1: the features are computed inside the fit's own process; under a
        # Dask backend the default would send each of them to the cluster as a task.
        features = make_vibration_features(fs=fs, n_jobs=1)
        return make_pipeline(features, StandardScaler(), CLASSIC_MODELS[name](random_state))
    known = ", ".join([*DEEP_MODELS, *CLASSIC_MODELS])
    raise ValueError(f"unknown model {name!r}; choose from: {known}")


def _check_deep_params(deep_params: Mapping[str, object] | None) -> dict[str, object]:
    """``deep_params`` as a dict, checked as :func:`make_model` needs them.

    A comparison can run for hours; a misspelt name or a value out of range
    should stop it before the first fit, not in the middle.

    Examples
    --------
    >>> _check_deep_params({"max_epochs": 30})
    {'max_epochs': 30}
    >>> _check_deep_params({"epochs": 30})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: deep_params: 'epochs' is not a DRSNClassifier parameter; ...
    """
    params = dict(deep_params or {})
    known = DRSNClassifier().get_params()
    for key in params:
        if key in _FIXED_DEEP_PARAMS:
            raise ValueError(
                f"deep_params cannot set {key!r}: "
                + ("the model's name chooses it" if key in ("shrinkage", "shortcut")
                   else f"use the {key} argument")
            )  # fmt: skip
        if key not in known:
            raise ValueError(
                f"deep_params: {key!r} is not a DRSNClassifier parameter; "
                f"choose from: {', '.join(k for k in known if k not in _FIXED_DEEP_PARAMS)}"
            )
    if "widths" in params and params["widths"] is not None:
        params["widths"] = tuple(params["widths"])  # a list from a config file hashes too
    try:
        validate_hyperparameters(params)
    except ValueError as exc:
        raise ValueError(f"deep_params: {exc}") from None
    return params


def run_comparison(
    X: np.ndarray,
    y: np.ndarray,
    models: Sequence[str],
    *,
    noise_kinds: Sequence[str] = ("gaussian",),
    snrs_db: Sequence[float] = (-5.0, 0.0, 5.0),
    n_splits: int = 5,
    deep_params: Mapping[str, object] | None = None,
    device: str = "auto",
    fs: float | None = None,
    standardize_signals: bool = True,
    random_state: int = 0,
    n_jobs: int | None = 1,
    on_result: Callable[[FoldResult, int], None] | None = None,
    completed: Sequence[FoldResult] = (),
    X_test: np.ndarray | None = None,
    y_test: np.ndarray | None = None,
) -> list[FoldResult]:
    """Cross-validate every model on every noisy copy of ``(X, y)``, on the same folds.

    With ``X_test`` and ``y_test`` (an official test split), every model is
    fitted on all of ``(X, y)`` and scored on them instead, as one fold (0).

    Parameters
    ----------
    X : ndarray of shape (n_samples, length) or (n_samples, channels, length)
        Clean signals.
    y : ndarray of shape (n_samples,)
        Labels.
    models : sequence of str
        Model names for :func:`make_model`.
    noise_kinds : sequence of str, default=("gaussian",)
        Kinds for :func:`~sklearn_drsn.noise.add_noise`.
    snrs_db : sequence of float, default=(-5, 0, 5)
        SNR levels in dB; ``inf`` means no added noise.
    n_splits : int, default=5
        Folds of the stratified k-fold cross-validation (the paper uses 10).
    deep_params : mapping, optional
        :class:`~sklearn_drsn.DRSNClassifier` hyper-parameters for every deep
        model (see :func:`make_model`); None keeps the paper's recipe (100
        epochs of batch 128, widths 4, 8, 16, one initialisation, the
        threshold sub-networks with BatchNorm). The main job's presets
        (:mod:`sklearn_drsn.presets`) give their own, for a smaller budget.
        Checked before any fit.
    device : str, default="auto"
        Device of the deep models.
    fs : float, optional
        Sampling rate, used only to name the classic features.
    standardize_signals : bool, default=True
        After the noise, give every signal (each channel) zero mean and unit
        standard deviation with
        :class:`~sklearn_drsn.preprocessing.SignalStandardizer`, for every
        model. This removes the gain of the measurement chain, which says
        nothing about the machine's health. It looks at one signal at a time,
        so doing it once before the split is the same as a first pipeline
        step in every model, and leaks nothing between folds. False feeds the
        noisy signals as they are (the paper's raw amplitudes).
    random_state : int, default=0
        Seeds the noise and the folds, and through them every model: on fold
        ``k`` all models get the same seed, derived from ``(random_state, k)``,
        and it differs from fold to fold, so that the spread over the folds
        includes the spread over initial weights.
    n_jobs : int or None, default=1
        Fits run in parallel processes (joblib); ``-1`` uses all cores. The
        fits run with joblib's active backend, so inside
        ``with joblib.parallel_backend("dask"):`` they go to the workers of a
        ``dask.distributed`` cluster (which then set the number of parallel
        fits; see :ref:`scaling_out`). Every fit that runs in a process other
        than this one (a loky or Dask worker) sets that process to one
        PyTorch thread.
    on_result : callable, optional
        Called as ``on_result(result, n_fits)`` after each fit, in the order
        of the returned rows, e.g. to advance a progress bar or to save each
        result as it comes; ``n_fits`` is the number of fits this call runs.
    completed : sequence of FoldResult, default=()
        Results of an earlier call with the same ``X``, ``y``, ``n_splits``,
        ``deep_params``, ``standardize_signals`` and ``random_state`` (an
        interrupted run, read back with :func:`read_csv`): the fits they
        cover are not run again and their rows are returned in their place.
        Every fit's result depends only on those arguments and on its own
        noise kind, SNR, model and fold, so the rows are the ones an
        uninterrupted run gives (on the same machine and device). Rows for
        other conditions or models are ignored.
    X_test, y_test : ndarray, optional
        A test split, of the sample shape of ``X``: scored instead of the
        folds (``n_splits`` is then not used). Its noise is drawn apart from
        that of ``X`` (:func:`make_noisy`'s ``draw=1``), and its signals are
        standardised as those of ``X``.

    Returns
    -------
    list of FoldResult
        One row per (noise kind, SNR, model, fold); ``deep_config`` says the
        recipe and settings each deep model was trained with.

    Examples
    --------
    >>> from sklearn_drsn.datasets import make_drivetrain
    >>> X, y, _ = make_drivetrain(n_per_class=6, length=256, random_state=0)
    >>> rows = run_comparison(X, y, ["knn"], snrs_db=[0.0], n_splits=2)
    >>> len(rows), rows[0].model
    (2, 'knn')
    """
    X, y = np.asarray(X), np.asarray(y)
    deep_params = _check_deep_params(deep_params)  # also when only classic models run
    if X_test is None:
        folds = list(
            StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=random_state).split(X, y)
        )
    else:
        # The test split is appended to the training signals: one fold, fit on X, score on it.
        X_test, y_test = np.asarray(X_test), np.asarray(y_test)
        folds = [(np.arange(len(X)), np.arange(len(X), len(X) + len(X_test)))]
        y = np.concatenate([y, y_test])
        n_splits = 1
    # One model seed per fold, shared by all models: the mean over the folds then
    # averages over initial weights too. With one seed for every fold, a seed whose
    # network failed to learn failed on every fold, and the std hid it.
    prototypes = {
        (name, k): make_model(
            name,
            deep_params=deep_params,
            device=device,
            random_state=_fold_seed(random_state, k),
            fs=fs,
        )
        for name in models
        for k in range(n_splits)
    }
    # Clean data ("none", inf) is the same for every noise kind: run it once.
    conditions = [(k, float(s)) for k in noise_kinds for s in snrs_db if math.isfinite(s)]
    if any(not math.isfinite(s) for s in snrs_db):
        conditions.append(("none", math.inf))
    tasks = [
        (kind, snr, name, k)
        for kind, snr in conditions
        for name in models
        for k in range(n_splits)
    ]
    done = {r.key: r for r in completed}
    todo = [t for t in tasks if t not in done]
    results = []
    for kind, snr in conditions:
        batch = [t for t in todo if t[:2] == (kind, snr)]
        fresh = {}
        if batch:  # no noise to draw for a condition that is all done
            X_noisy = make_noisy(X, kind, snr, random_state)  # one noisy copy in memory at a time
            if X_test is not None:
                X_noisy = np.concatenate([X_noisy, make_noisy(X_test, kind, snr, random_state, 1)])
            if standardize_signals:
                X_noisy = SignalStandardizer().fit_transform(X_noisy)
            jobs = (
                delayed(_fit_and_score)(prototypes[name, k], X_noisy, y, *folds[k])
                for _, _, name, k in batch
            )
            scores = Parallel(n_jobs=n_jobs, return_as="generator")(jobs)
            for task, (accuracy, seconds, config) in zip(batch, scores):
                fresh[task] = FoldResult(*task, accuracy, seconds, config)
                if on_result is not None:
                    on_result(fresh[task], len(todo))
        results.extend(done[t] if t in done else fresh[t] for t in tasks if t[:2] == (kind, snr))
    return results


def _fit_and_score(prototype, X, y, train, test) -> tuple[float, float, str]:
    """Accuracy on ``test``, seconds of the fit, and :func:`_describe_deep_fit` of the model."""
    # The deep models set their own PyTorch threads (DRSNClassifier's n_threads), in
    # this process and in parallel workers alike.
    model = clone(prototype)
    start = time.perf_counter()
    model.fit(X[train], y[train])
    seconds = time.perf_counter() - start
    return float(model.score(X[test], y[test])), seconds, _describe_deep_fit(model)


#: How :func:`_describe_deep_fit` writes the keys of ``config_`` it knows, in its order.
_CONFIG_TEXT: dict[str, Callable[[object], str]] = {
    "widths": lambda v: "widths " + "-".join(map(str, v)),
    "blocks_per_stage": lambda v: f"{v} unit{'s' if v != 1 else ''} a stage",
    "kernel_size": lambda v: f"kernel {v}",
    "optimizer": lambda v: str(v),
    "lr": lambda v: f"lr {v:g}",
    "lr_schedule": lambda v: f"{v} schedule",
    "batch_size": lambda v: f"batch {v}",
    "max_epochs": lambda v: f"{v} epoch{'s' if v != 1 else ''}",
    "n_members": lambda v: f"{v} packed members",
}


def _describe_deep_fit(model) -> str:
    """The recipe and settings a fitted deep model was trained with; ``""`` for other models.

    From the fitted estimator's ``recipe`` (asked), ``recipe_`` (used) and
    ``config_``; keys of ``config_`` other than the usual ones are written
    ``key=value``, so that none is left out.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> config = dict(widths=(32, 64, 128), kernel_size=7, batch_size=16, max_epochs=150, m=4)
    >>> _describe_deep_fit(SimpleNamespace(recipe="auto", recipe_="small", config_=config))
    'recipe auto -> small (widths 32-64-128, kernel 7, batch 16, 150 epochs, m=4)'
    >>> config.update(recipe_rule="2-D input", n_members=1)
    >>> _describe_deep_fit(SimpleNamespace(recipe="auto", recipe_="small", config_=config))
    'recipe auto -> small for 2-D input (widths 32-64-128, kernel 7, batch 16, 150 epochs, m=4)'
    >>> config["n_members"] = 4
    >>> _describe_deep_fit(SimpleNamespace(recipe="small", recipe_="small", config_=config))
    'recipe small (widths 32-64-128, kernel 7, batch 16, 150 epochs, 4 packed members, m=4)'
    >>> _describe_deep_fit(object())
    ''
    """
    config = getattr(model, "config_", None)
    if config is None:
        return ""
    shown = {key for key in _CONFIG_TEXT if key in config} - (
        {"n_members"} if config.get("n_members") == 1 else set()  # one network: nothing to say
    )
    parts = [_CONFIG_TEXT[key](config[key]) for key in _CONFIG_TEXT if key in shown]
    known = {*_CONFIG_TEXT, "recipe_rule"}
    parts += [f"{key}={value}" for key, value in config.items() if key not in known]
    if getattr(model, "n_init", 1) > 1:
        parts.append(f"best of {model.n_init} initialisations")
    asked, used = model.recipe, model.recipe_
    recipe = used if asked == used else f"{asked} -> {used}"
    if asked == "auto" and "recipe_rule" in config:
        recipe += f" for {config['recipe_rule']}"
    return f"recipe {recipe} ({', '.join(parts)})"


def _fold_seed(random_state: int, fold: int) -> int:
    """The models' seed on one fold: distinct across folds and across ``random_state``."""
    return int(np.random.SeedSequence([random_state, fold]).generate_state(1)[0])


def make_noisy(
    X: np.ndarray, noise: str, snr_db: float, random_state: int, draw: int = 0
) -> np.ndarray:
    """The noisy copy of ``X`` that :func:`run_comparison` gives every model of one condition.

    Parameters
    ----------
    X : ndarray
        Clean signals.
    noise : str
        A noise kind of :func:`~sklearn_drsn.noise.add_noise`.
    snr_db : float
        SNR in dB; ``inf`` returns ``X`` itself.
    random_state : int
        The comparison's ``random_state``: with ``noise`` and ``snr_db`` it
        seeds the noise, so that every model sees the same noisy data set.
    draw : int, default=0
        Which independent draw: 0 for the data, 1 for a separate test split
        (whose noise must not repeat that of the training signals).

    Returns
    -------
    ndarray
        Signals of the shape of ``X``.

    Examples
    --------
    >>> X = np.ones((2, 64))
    >>> bool(np.array_equal(make_noisy(X, "gaussian", 0.0, 0), make_noisy(X, "gaussian", 0.0, 0)))
    True
    >>> make_noisy(X, "gaussian", float("inf"), 0) is X
    True
    """
    if not math.isfinite(snr_db):
        return X
    key = (random_state, NOISE_KINDS.index(noise), round(snr_db * 1000) % 2**32)
    if draw:  # draw 0 keeps the seeds, and so the results, of runs before test splits
        key = (*key, draw)
    return add_noise(X, snr_db, kind=noise, random_state=np.random.default_rng(key))
