"""Plots of what a fitted DRSN learned (the ``plot`` extra: matplotlib).

Every function returns the matplotlib ``Figure`` and, given ``path``, also
saves it as a PNG. They use the non-interactive Agg backend, so they work
without a display.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .noise import add_noise

__all__ = ["plot_history", "plot_shrinkage", "plot_thresholds_vs_snr"]


def _pyplot():
    try:
        import matplotlib
    except ImportError:
        raise ImportError("plots need matplotlib: pip install 'sklearn-drsn[plot]'") from None
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _finish(fig, path):
    fig.tight_layout()
    if path is not None:
        fig.savefig(Path(path), dpi=110)
    return fig


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
    plt = _pyplot()
    history = estimator.history_
    epochs = history[:, "epoch"]
    fig, ax = plt.subplots(figsize=(6, 4))
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
    plt = _pyplot()
    X = np.asarray(X, dtype=np.float32)
    means: dict[str, list[float]] = {}
    for snr in snrs_db:
        noisy = add_noise(X, snr, kind=kind, random_state=random_state).astype(np.float32)
        for unit, tau in estimator.thresholds(noisy).items():
            means.setdefault(unit, []).append(float(tau.mean()))
    if not means:
        raise ValueError("the estimator has no shrinkage units (shrinkage=None)")
    fig, ax = plt.subplots(figsize=(6, 4))
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

    plt = _pyplot()
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
    fig, ax = plt.subplots(figsize=(7, 3.5))
    ax.plot(before, lw=0.8, color="0.6", label="before soft thresholding")
    ax.plot(after, lw=0.9, color="tab:blue", label="after")
    for sign in (1, -1):
        ax.axhline(sign * tau_c, color="tab:red", ls="--", lw=0.8)
    ax.set(title=f"{unit}, channel {channel}: τ = {tau_c:.3g}", xlabel="position")
    ax.legend(fontsize="small")
    return _finish(fig, path)
