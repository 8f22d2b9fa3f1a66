"""The paper's experiment: accuracy of deep and classic models against noise level.

Zhao et al. (2019), Sec. III: noise of a given kind is added once, at a given
SNR, to every signal; every model is then scored by stratified k-fold
cross-validation on the same folds. This module runs that protocol for any
``(X, y)`` and any set of models, and summarises, tabulates, saves and plots
the per-fold accuracies.
"""

from __future__ import annotations

import csv
import math
import os
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

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

from .classifier import DRSNClassifier
from .features import make_vibration_features
from .noise import NOISE_KINDS, add_noise
from .preprocessing import SignalStandardizer

__all__ = [
    "CLASSIC_MODELS",
    "DEEP_MODELS",
    "FoldResult",
    "format_table",
    "make_model",
    "plot_accuracy",
    "run_comparison",
    "summarise",
    "write_csv",
]

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

DISPLAY_NAMES = {
    "drsn-cw": "DRSN-CW",
    "drsn-cs": "DRSN-CS",
    "resnet": "ResNet",
    "convnet": "ConvNet",
    "random-forest": "RandomForest",
    "svc": "SVC",
    "knn": "kNN",
    "logistic": "LogReg",
}


def make_model(
    name: str,
    *,
    max_epochs: int = 100,
    batch_size: int | None = None,
    device: str = "auto",
    random_state: int = 0,
    fs: float | None = None,
    threshold_batch_norm: bool = True,
    widths: Sequence[int] | None = None,
    n_init: int = 1,
):
    """A fresh, unfitted model by name (see ``DEEP_MODELS`` and ``CLASSIC_MODELS``).

    Classic models are a Pipeline of :func:`~sklearn_drsn.features.make_vibration_features`,
    a scaler and the classifier; deep models are :class:`~sklearn_drsn.DRSNClassifier`
    configurations with the paper's recipe (``recipe="paper"``, whatever the
    size of the data: this is the paper's protocol) and ``max_epochs`` epochs;
    ``batch_size`` None keeps the paper's 128. ``threshold_batch_norm`` goes to
    the DRSNs (the ResNet and ConvNet have no threshold sub-networks);
    ``widths`` (channels of the three stages) to every deep model, None
    keeping the paper's (4, 8, 16); ``n_init`` (initialisations tried, see
    :class:`~sklearn_drsn.DRSNClassifier`) to every deep model.

    Examples
    --------
    >>> make_model("resnet", max_epochs=10).get_params()["shrinkage"] is None
    True
    >>> [step for step, _ in make_model("svc").steps]
    ['featureunion', 'standardscaler', 'svc']
    """
    if name in DEEP_MODELS:
        settings = DEEP_MODELS[name]
        if settings["shrinkage"] is not None:
            settings = {**settings, "threshold_batch_norm": threshold_batch_norm}
        return DRSNClassifier(
            **settings,
            recipe="paper",
            max_epochs=max_epochs,
            batch_size=batch_size,
            widths=None if widths is None else tuple(widths),
            n_init=n_init,
            device=device,
            random_state=random_state,
        )
    if name in CLASSIC_MODELS:
        # n_jobs=1: the features are computed inside the fit's own process; under a
        # Dask backend the default would send each of them to the cluster as a task.
        features = make_vibration_features(fs=fs, n_jobs=1)
        return make_pipeline(features, StandardScaler(), CLASSIC_MODELS[name](random_state))
    known = ", ".join([*DEEP_MODELS, *CLASSIC_MODELS])
    raise ValueError(f"unknown model {name!r}; choose from: {known}")


@dataclass(frozen=True)
class FoldResult:
    """Accuracy of one model on one test fold of one noisy data set."""

    noise: str
    snr_db: float
    model: str
    fold: int
    accuracy: float
    fit_seconds: float


def run_comparison(
    X: np.ndarray,
    y: np.ndarray,
    models: Sequence[str],
    *,
    noise_kinds: Sequence[str] = ("gaussian",),
    snrs_db: Sequence[float] = (-5.0, 0.0, 5.0),
    n_splits: int = 5,
    max_epochs: int = 100,
    batch_size: int | None = None,
    device: str = "auto",
    fs: float | None = None,
    standardize_signals: bool = True,
    threshold_batch_norm: bool = True,
    widths: Sequence[int] | None = None,
    n_init: int = 1,
    random_state: int = 0,
    n_jobs: int | None = 1,
    on_result: Callable[[FoldResult, int], None] | None = None,
) -> list[FoldResult]:
    """Cross-validate every model on every noisy copy of ``(X, y)``, on the same folds.

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
    max_epochs : int, default=100
        Epochs of the deep models.
    batch_size : int, optional
        Mini-batch size of the deep models; None keeps the paper's 128. On
        small data sets, fewer signals per batch give more optimiser steps
        per epoch (the paper's 25,920 training signals give 200 an epoch).
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
    threshold_batch_norm : bool, default=True
        The BatchNorm in the DRSNs' threshold sub-networks (the paper's);
        False drops it (see :class:`~sklearn_drsn.DRSNClassifier`).
    widths : sequence of int, optional
        Channels of the deep models' stages; None keeps the paper's
        (4, 8, 16). Wider networks failed less often at -5 dB in the
        default preset's budget (see the main job's docs), at more cost.
    n_init : int, default=1
        Initialisations tried by every deep model (see
        :class:`~sklearn_drsn.DRSNClassifier`): the one with the lowest
        training loss after a sixth of the epochs trains on, at the cost of
        ``n_init - 1`` sixths of a fit more.
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
        Called as ``on_result(result, n_fits)`` after each fit, e.g. to
        advance a progress bar.

    Returns
    -------
    list of FoldResult
        One row per (noise kind, SNR, model, fold).

    Examples
    --------
    >>> from sklearn_drsn.datasets import make_drivetrain
    >>> X, y, _ = make_drivetrain(n_per_class=6, length=256, random_state=0)
    >>> rows = run_comparison(X, y, ["knn"], snrs_db=[0.0], n_splits=2)
    >>> len(rows), rows[0].model
    (2, 'knn')
    """
    X, y = np.asarray(X), np.asarray(y)
    folds = list(
        StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=random_state).split(X, y)
    )
    # One model seed per fold, shared by all models: the mean over the folds then
    # averages over initial weights too. With one seed for every fold, a seed whose
    # network failed to learn failed on every fold, and the std hid it.
    prototypes = {
        (name, k): make_model(
            name,
            max_epochs=max_epochs,
            batch_size=batch_size,
            device=device,
            random_state=_fold_seed(random_state, k),
            fs=fs,
            threshold_batch_norm=threshold_batch_norm,
            widths=widths,
            n_init=n_init,
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
    results = []
    driver = _process_id()
    for kind, snr in conditions:
        X_noisy = _noisy(X, kind, snr, random_state)  # one noisy copy in memory at a time
        if standardize_signals:
            X_noisy = SignalStandardizer().fit_transform(X_noisy)
        batch = [t for t in tasks if t[:2] == (kind, snr)]
        jobs = (
            delayed(_fit_and_score)(prototypes[name, k], X_noisy, y, *folds[k], driver=driver)
            for _, _, name, k in batch
        )
        scores = Parallel(n_jobs=n_jobs, return_as="generator")(jobs)
        for (_, _, name, k), (accuracy, seconds) in zip(batch, scores):
            results.append(FoldResult(kind, snr, name, k, accuracy, seconds))
            if on_result is not None:
                on_result(results[-1], len(tasks))
    return results


def _fit_and_score(prototype, X, y, train, test, driver: tuple) -> tuple[float, float]:
    if _process_id() != driver:
        # In a worker process (loky, Dask, ...): several single-threaded fits in
        # parallel beat one fit on all cores for these small networks (intra-op
        # threads mostly wait). In the caller's own process (n_jobs=1, threads)
        # its thread setting is left alone.
        import torch

        torch.set_num_threads(1)
    model = clone(prototype)
    start = time.perf_counter()
    model.fit(X[train], y[train])
    seconds = time.perf_counter() - start
    return float(model.score(X[test], y[test])), seconds


_process_token: tuple[int, str] | None = None


def _process_id() -> tuple[int, str]:
    """This process's id, distinct across machines (pids are not) and forks."""
    global _process_token
    if _process_token is None or _process_token[0] != os.getpid():
        _process_token = (os.getpid(), uuid.uuid4().hex)
    return _process_token


def _fold_seed(random_state: int, fold: int) -> int:
    """The models' seed on one fold: distinct across folds and across ``random_state``."""
    return int(np.random.SeedSequence([random_state, fold]).generate_state(1)[0])


def _noisy(X: np.ndarray, kind: str, snr: float, seed: int) -> np.ndarray:
    if not math.isfinite(snr):
        return X
    # One seed per (kind, SNR): every model sees the same noisy data set.
    key = (seed, NOISE_KINDS.index(kind), round(snr * 1000) % 2**32)
    return add_noise(X, snr, kind=kind, random_state=np.random.default_rng(key))


def summarise(results: Sequence[FoldResult]) -> list[dict]:
    """Mean and standard deviation of accuracy over folds, per (noise, SNR, model).

    Examples
    --------
    >>> accs = [0.8, 1.0]
    >>> rows = [FoldResult("gaussian", 0.0, "svc", k, a, 1.0) for k, a in enumerate(accs)]
    >>> summarise(rows)[0]["mean"]
    0.9
    """
    groups: dict[tuple, list[FoldResult]] = {}
    for r in results:
        groups.setdefault((r.noise, r.snr_db, r.model), []).append(r)
    return [
        {
            "noise": noise,
            "snr_db": snr,
            "model": model,
            "mean": float(np.mean([r.accuracy for r in rows])),
            "std": float(np.std([r.accuracy for r in rows])),
            "n_folds": len(rows),
            "fit_seconds": float(np.sum([r.fit_seconds for r in rows])),
        }
        for (noise, snr, model), rows in groups.items()
    ]


def format_table(summary: Sequence[dict]) -> str:
    """A text table: one row per (noise, SNR), one column per model, ``mean ± std`` in %.

    Examples
    --------
    >>> print(format_table([{"noise": "gaussian", "snr_db": -5.0, "model": "svc",
    ...                      "mean": 0.5, "std": 0.01}]))
    noise     SNR (dB)  SVC
    gaussian  -5        50.0 ± 1.0
    """
    models = list(dict.fromkeys(row["model"] for row in summary))
    conditions = list(dict.fromkeys((row["noise"], row["snr_db"]) for row in summary))
    cell = {(r["noise"], r["snr_db"], r["model"]): r for r in summary}
    header = ["noise", "SNR (dB)", *(DISPLAY_NAMES.get(m, m) for m in models)]
    lines = [header]
    for noise, snr in conditions:
        row = [noise, _format_snr(snr)]
        for m in models:
            r = cell.get((noise, snr, m))
            row.append(f"{100 * r['mean']:.1f} ± {100 * r['std']:.1f}" if r else "-")
        lines.append(row)
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    return "\n".join(
        "  ".join(c.ljust(w) for c, w in zip(line, widths)).rstrip() for line in lines
    )


def _format_snr(snr: float) -> str:
    return "clean" if not math.isfinite(snr) else f"{snr:g}"


def write_csv(results: Sequence[FoldResult], path: str | Path) -> Path:
    """Write one CSV row per fold result (columns as :class:`FoldResult`)."""
    path = Path(path)
    with path.open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(FoldResult.__dataclass_fields__))
        writer.writeheader()
        for r in results:
            writer.writerow(asdict(r))
    return path


def plot_accuracy(summary: Sequence[dict], path: str | Path):
    """Accuracy against SNR, one line with error bars per model and one panel per noise kind.

    Like the paper's Figs. 6-8. Needs matplotlib (the ``plot`` extra).
    Returns the matplotlib figure after saving it to ``path`` (PNG).
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    kinds = list(dict.fromkeys(r["noise"] for r in summary if r["noise"] != "none"))
    kinds = kinds or ["none"]
    fig, axes = plt.subplots(1, len(kinds), figsize=(5 * len(kinds), 4), squeeze=False)
    for ax, kind in zip(axes[0], kinds):
        for model in dict.fromkeys(r["model"] for r in summary):
            rows = sorted(
                (r for r in summary if r["model"] == model and r["noise"] == kind),
                key=lambda r: r["snr_db"],
            )
            if not rows:
                continue
            ax.errorbar(
                [r["snr_db"] for r in rows],
                [100 * r["mean"] for r in rows],
                yerr=[100 * r["std"] for r in rows],
                marker="o",
                capsize=3,
                label=DISPLAY_NAMES.get(model, model),
            )
        ax.set(title=f"{kind} noise", xlabel="SNR (dB)", ylabel="test accuracy (%)")
        ax.grid(alpha=0.3)
    axes[0][-1].legend(fontsize="small")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return fig
