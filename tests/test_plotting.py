"""Plots render to PNG files without a display, and leave the caller's matplotlib alone."""

import math

import numpy as np
import pytest

from sklearn_drsn import DRSNClassifier

pytest.importorskip("matplotlib", reason="the plot extra is not installed")

from sklearn_drsn.plotting import (
    plot_accuracy,
    plot_history,
    plot_shrinkage,
    plot_thresholds_vs_snr,
)


@pytest.fixture(scope="module")
def fitted(make_signals, fast_params):
    X, y = make_signals(n_per_class=30, length=64)
    clf = DRSNClassifier(**{**fast_params, "validation_fraction": 0.25, "max_epochs": 6}).fit(X, y)
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


def test_plots_refuse_baselines_and_unknown_units(fitted, make_signals, fast_params):
    clf, X = fitted
    with pytest.raises(ValueError, match="no shrinkage unit"):
        plot_shrinkage(clf, X[0], unit="stages.9.9")
    X2, y2 = make_signals()
    resnet = DRSNClassifier(**{**fast_params, "shrinkage": None}).fit(X2, y2)
    with pytest.raises(ValueError, match="no shrinkage units"):
        plot_thresholds_vs_snr(resnet, X2)


# ------------------------------------------------------- the comparison's plot
def summary_row(noise, snr, model, mean, std=0.02):
    return {"noise": noise, "snr_db": snr, "model": model, "mean": mean, "std": std}


def points(ax):
    """``{label: (x values, y values)}`` of the error-bar series of ``ax``."""
    return {
        c.get_label(): (list(c.lines[0].get_xdata()), list(c.lines[0].get_ydata()))
        for c in ax.containers
    }


def test_accuracy_plot_shows_the_clean_data_beside_the_noisy(tmp_path):
    summary = [
        summary_row("gaussian", -5.0, "svc", 0.5),
        summary_row("gaussian", 5.0, "svc", 0.7),
        summary_row("none", math.inf, "svc", 0.9),
    ]
    fig = plot_accuracy(summary, tmp_path / "a.png")
    (ax,) = fig.axes
    assert [t.get_text() for t in ax.get_xticklabels()] == ["-5", "5", "clean"]
    _, accuracies = points(ax)["SVC"]
    assert accuracies == pytest.approx([50.0, 70.0, 90.0])
    assert is_png(tmp_path / "a.png")


def test_accuracy_plot_of_clean_data_alone_draws_it(tmp_path):
    summary = [summary_row("none", math.inf, m, a) for m, a in [("svc", 0.9), ("knn", 0.8)]]
    (ax,) = plot_accuracy(summary, tmp_path / "a.png").axes
    series = points(ax)
    assert {label: y for label, (_, y) in series.items()} == {"SVC": [90.0], "kNN": [80.0]}
    low, high = ax.get_xlim()
    assert all(low < x[0] < high for x, _ in series.values())
    assert ax.get_ylim()[0] < 80.0 < 90.0 < ax.get_ylim()[1]


def test_accuracy_plot_of_one_snr_sets_the_models_apart():
    models = ["drsn-cw", "resnet", "random-forest"]
    summary = [summary_row("gaussian", 0.0, m, 0.5) for m in models]  # the same accuracy
    (ax,) = plot_accuracy(summary).axes
    xs = [x[0] for x, _ in points(ax).values()]
    assert len(set(xs)) == len(models)  # not drawn on top of each other
    low, high = ax.get_xlim()
    assert all(low < x < high for x in xs) and high - low >= 0.5
    assert all(c.lines[0].get_marker() not in (None, "", "None") for c in ax.containers)


def test_plots_leave_the_callers_matplotlib_backend_alone(fitted, tmp_path):
    import matplotlib

    before = matplotlib.get_backend()
    matplotlib.use("pdf")  # as a notebook user has chosen theirs
    try:
        clf, _ = fitted
        plot_accuracy([summary_row("gaussian", 0.0, "svc", 0.5)], tmp_path / "a.png")
        plot_history(clf, tmp_path / "h.png")
        assert matplotlib.get_backend() == "pdf"
    finally:
        matplotlib.use(before)
