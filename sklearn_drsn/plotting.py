"""Plots of what a fitted DRSN learned, and of the comparison's accuracies (matplotlib).

Every function returns a matplotlib ``Figure`` and, given ``path``, also
saves it as a PNG. The figures are drawn on their own Agg canvas, outside
``pyplot``: they work without a display, and leave the caller's backend and
pyplot's figures alone (show one in a notebook with ``display(fig)``).
Needs the ``plot`` extra.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .noise import add_noise
from .results import DISPLAY_NAMES, format_snr

__all__ = ["plot_accuracy", "plot_history", "plot_shrinkage", "plot_thresholds_vs_snr"]


def _new_figure(figsize: tuple[float, float]):
    """A figure on an Agg canvas of its own: no pyplot, no change of backend."""
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError:
        raise ImportError("plots need matplotlib: pip install 'sklearn-drsn[plot]'") from None
    fig = Figure(figsize=figsize)
    FigureCanvasAgg(fig)
    return fig


def _finish(fig, path, dpi: int = 110):
    fig.tight_layout()
    if path is not None:
        fig.savefig(Path(path), dpi=dpi)
    return fig


def plot_accuracy(summary: Sequence[dict], path: str | Path | None = None):
    """Accuracy against SNR: one panel per noise kind, one series per model.

    Like the paper's Figs. 6-8. Every SNR of a panel gets an evenly spaced,
    labelled place on the x axis, and the clean data (``snr_db`` infinite,
    noise ``"none"``) the last place, in every panel. The models' points at
    one place are set a little apart, with markers and error bars of one
    standard deviation, so that a single SNR stays readable.

    Parameters
    ----------
    summary : sequence of dict
        Rows of :func:`~sklearn_drsn.results.summarise`.
    path : str or path-like, optional
        Save the figure there as PNG.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> rows = [{"noise": "none", "snr_db": float("inf"), "model": "svc",
    ...          "mean": 0.9, "std": 0.05}]
    >>> [t.get_text() for t in plot_accuracy(rows).axes[0].get_xticklabels()]
    ['clean']
    """
    kinds = list(dict.fromkeys(r["noise"] for r in summary if r["noise"] != "none"))
    models = list(dict.fromkeys(r["model"] for r in summary))
    panels = kinds or ["none"]
    fig = _new_figure(figsize=(5 * len(panels), 4))
    step = min(0.15, 0.6 / len(models)) if models else 0.0
    for ax, kind in zip(fig.subplots(1, len(panels), squeeze=False)[0], panels):
        rows = [r for r in summary if r["noise"] in (kind, "none")]
        snrs = sorted({r["snr_db"] for r in rows})  # the clean data (inf) last
        place = {snr: i for i, snr in enumerate(snrs)}
        for j, model in enumerate(models):
            mine = sorted((r for r in rows if r["model"] == model), key=lambda r: r["snr_db"])
            if not mine:
                continue
            offset = (j - (len(models) - 1) / 2) * step
            ax.errorbar(
                [place[r["snr_db"]] + offset for r in mine],
                [100 * r["mean"] for r in mine],
                yerr=[100 * r["std"] for r in mine],
                marker="o",
                capsize=3,
                label=DISPLAY_NAMES.get(model, model),
            )
        ax.set_xticks(range(len(snrs)), [format_snr(s) for s in snrs])
        ax.set_xlim(-0.5, len(snrs) - 0.5)
        title = "clean data" if kind == "none" else f"{kind} noise"
        ax.set(title=title, xlabel="SNR (dB)", ylabel="test accuracy (%)")
        ax.grid(alpha=0.3)
    if models:
        fig.axes[len(panels) - 1].legend(fontsize="small")
    return _finish(fig, path, dpi=120)


def plot_history(estimator, path=None):
    """Training curves: training loss, and validation loss and accuracy when recorded.

    Parameters
    ----------
    estimator : DRSNClassifier
        A fitted estimator.
    path : str or path-like, optional
        Save the figure there as PNG.

    Returns
    -------
    matplotlib.figure.Figure
    """
    history = estimator.history_
    epochs = history[:, "epoch"]
    fig = _new_figure(figsize=(6, 4))
    ax = fig.subplots()
    ax.plot(epochs, history[:, "train_loss"], label="training loss")
    if "valid_loss" in history[-1]:
        ax.plot(epochs, history[:, "valid_loss"], label="validation loss")
    ax.set(xlabel="epoch", ylabel="cross-entropy loss")
    ax.grid(alpha=0.3)
    if "valid_acc" in history[-1]:
        acc = ax.twinx()
        acc.plot(epochs, history[:, "valid_acc"], color="tab:green", label="validation accuracy")
        acc.set_ylabel("validation accuracy")
        acc.legend(loc="center right")
    ax.legend(loc="center left")
    return _finish(fig, path)


def plot_thresholds_vs_snr(
    estimator, X, snrs_db: Sequence[float] = (-5, 0, 5, 10), kind="gaussian",
    random_state=0, path=None,
):  # fmt: skip
    """Mean threshold of every shrinkage unit on copies of ``X`` at several SNRs.

    The paper's claim made visible: noisier inputs get larger thresholds.

    Parameters
    ----------
    estimator : DRSNClassifier
        A fitted DRSN-CW or DRSN-CS.
    X : array-like
        Clean signals, of the shape seen in ``fit``.
    snrs_db : sequence of float
        SNR levels of the added noise.
    kind : str, default="gaussian"
        Noise kind, see :func:`~sklearn_drsn.noise.add_noise`.
    random_state : int, default=0
        Seed of the noise.
    path : str or path-like, optional
        Save the figure there as PNG.

    Returns
    -------
    matplotlib.figure.Figure
    """
    X = np.asarray(X, dtype=np.float32)
    means: dict[str, list[float]] = {}
    for snr in snrs_db:
        noisy = add_noise(X, snr, kind=kind, random_state=random_state).astype(np.float32)
        for unit, tau in estimator.thresholds(noisy).items():
            means.setdefault(unit, []).append(float(tau.mean()))
    if not means:
        raise ValueError("the estimator has no shrinkage units (shrinkage=None)")
    fig = _new_figure(figsize=(6, 4))
    ax = fig.subplots()
    for unit, values in means.items():
        ax.plot(list(snrs_db), values, marker="o", label=unit)
    ax.set(xlabel=f"SNR of added {kind} noise (dB)", ylabel="mean threshold τ", yscale="log")
    ax.invert_xaxis()  # noisier to the right
    ax.grid(alpha=0.3)
    ax.legend(fontsize="x-small", ncol=2)
    return _finish(fig, path)


def plot_shrinkage(estimator, x, unit: str = "stages.0.0", channel: int = 0, path=None):
    """One feature map of one signal before and after a unit's soft thresholding.

    Parameters
    ----------
    estimator : DRSNClassifier
        A fitted DRSN-CW or DRSN-CS (1-D signals).
    x : array-like
        One signal, of the shape of one sample in ``fit``.
    unit : str, default="stages.0.0"
        Unit name, a key of :meth:`~sklearn_drsn.DRSNClassifier.thresholds`.
    channel : int, default=0
        Channel of the feature map to show.
    path : str or path-like, optional
        Save the figure there as PNG.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import torch

    module = estimator.net_.module_.eval()
    try:
        shrinkage = module.get_submodule(f"{unit}.shrinkage")
    except AttributeError:
        raise ValueError(f"no shrinkage unit {unit!r}; see estimator.thresholds(X)") from None
    if shrinkage is None:
        raise ValueError(f"unit {unit!r} has no shrinkage (a ResNet or ConvNet baseline)")
    captured = {}

    def hook(_module, inputs, output):
        # The unit's own threshold net gives tau from the same input: no second pass.
        captured["before"], captured["after"] = inputs[0], output
        captured["tau"] = _module.threshold(inputs[0])

    handle = shrinkage.register_forward_hook(hook)
    try:
        batch = torch.as_tensor(np.asarray(x, dtype=np.float32)).reshape(
            1, *estimator.input_shape_
        )
        with torch.no_grad():
            module(batch.to(estimator.net_.device))
    finally:
        handle.remove()
    before = captured["before"][0, channel].cpu().numpy()
    after = captured["after"][0, channel].cpu().numpy()
    tau = captured["tau"][0].flatten().cpu().numpy()
    tau_c = float(tau[channel] if len(tau) > 1 else tau[0])
    fig = _new_figure(figsize=(7, 3.5))
    ax = fig.subplots()
    ax.plot(before, lw=0.8, color="0.6", label="before soft thresholding")
    ax.plot(after, lw=0.9, color="tab:blue", label="after")
    for sign in (1, -1):
        ax.axhline(sign * tau_c, color="tab:red", ls="--", lw=0.8)
    ax.set(title=f"{unit}, channel {channel}: τ = {tau_c:.3g}", xlabel="position")
    ax.legend(fontsize="small")
    return _finish(fig, path)
