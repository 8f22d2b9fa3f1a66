"""Plots render to PNG files without a display."""

import numpy as np
import pytest

from sklearn_drsn import DRSNClassifier

from .test_classifier import FAST, make_signals

pytest.importorskip("matplotlib", reason="the plot extra is not installed")

from sklearn_drsn.plotting import plot_history, plot_shrinkage, plot_thresholds_vs_snr


@pytest.fixture(scope="module")
def fitted():
    X, y = make_signals(n_per_class=30, length=64)
    clf = DRSNClassifier(**{**FAST, "validation_fraction": 0.25, "max_epochs": 6}).fit(X, y)
    return clf, X


def is_png(path):
    return path.read_bytes().startswith(b"\x89PNG") and path.stat().st_size > 5_000


def test_history_plot_has_train_and_validation_curves(fitted, tmp_path):
    clf, _ = fitted
    fig = plot_history(clf, tmp_path / "h.png")
    labels = [line.get_label() for ax in fig.axes for line in ax.lines]
    assert {"training loss", "validation loss", "validation accuracy"} <= set(labels)
    assert len(fig.axes[0].lines[0].get_xdata()) == clf.n_epochs_
    assert is_png(tmp_path / "h.png")


def test_thresholds_vs_snr_plots_one_line_per_unit(fitted, tmp_path):
    clf, X = fitted
    fig = plot_thresholds_vs_snr(clf, X, snrs_db=[-5, 0, 5], path=tmp_path / "t.png")
    lines = fig.axes[0].lines
    assert len(lines) == len(clf.thresholds(X[:2]))
    assert all(len(line.get_ydata()) == 3 for line in lines)
    assert is_png(tmp_path / "t.png")


def test_shrinkage_plot_shows_before_after_and_threshold(fitted, tmp_path):
    clf, X = fitted
    fig = plot_shrinkage(clf, X[0], unit="stages.0.0", channel=1, path=tmp_path / "s.png")
    before, after = (line.get_ydata() for line in fig.axes[0].lines[:2])
    assert np.all(np.abs(after) <= np.abs(before) + 1e-6)
    assert is_png(tmp_path / "s.png")


def test_plots_refuse_baselines_and_unknown_units(fitted):
    clf, X = fitted
    with pytest.raises(ValueError, match="no shrinkage unit"):
        plot_shrinkage(clf, X[0], unit="stages.9.9")
    X2, y2 = make_signals()
    resnet = DRSNClassifier(**{**FAST, "shrinkage": None}).fit(X2, y2)
    with pytest.raises(ValueError, match="no shrinkage units"):
        plot_thresholds_vs_snr(resnet, X2)
