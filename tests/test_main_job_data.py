"""The main job on the user's own file: the estimator's recipe, and an official test split."""

import csv
import json

import numpy as np
import pytest

from sklearn_drsn import DRSNClassifier
from sklearn_drsn.cli import main
from sklearn_drsn.presets import PRESETS
from sklearn_drsn.results import FoldResult

# In this process (--jobs 1), so that a spy on DRSNClassifier.fit sees every fit.
BASE = ["--no-progress", "--jobs", "1", "--snrs", "clean"]


def rows(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture
def data_file(tmp_path, make_signals):
    """An easy .npz of 3 classes of 3-channel noisy sines (a frequency per class)."""
    X, y = make_signals(n_per_class=16, length=64, n_classes=3, channels=3, seed=1)
    path = tmp_path / "mine.npz"
    np.savez(path, X=X.astype(np.float32), y=np.array(["low", "mid", "high"])[y])
    return path


@pytest.fixture
def fitted_params(monkeypatch):
    """The parameters of every DRSNClassifier fitted, each with ``n_train`` added."""
    seen = []
    fit = DRSNClassifier.fit

    def spy(self, X, y, **kwargs):
        seen.append({**self.get_params(), "n_train": len(X)})
        return fit(self, X, y, **kwargs)

    monkeypatch.setattr(DRSNClassifier, "fit", spy)
    return seen


@pytest.fixture
def comparison_kwargs(monkeypatch):
    """The keyword arguments the CLI passes to run_comparison (which is not run)."""
    seen = {}

    def fake_run_comparison(X, y, models, **kwargs):
        seen.update(kwargs, X=X, y=y)
        return [FoldResult("none", float("inf"), "knn", 0, 0.5, 0.1)]

    monkeypatch.setattr("sklearn_drsn._main_job.run_comparison", fake_run_comparison)
    return seen


def test_users_data_reaches_the_deep_models_with_the_auto_recipe_and_matches_the_forest(
    tmp_path, data_file, fitted_params, capsys
):
    out = tmp_path / "out"
    args = [*BASE, "--data", str(data_file), "--models", "drsn-cw,resnet,random-forest",
            "--n-splits", "2", "--max-epochs", "3", "--out", str(out)]  # fmt: skip
    assert main(args) == 0
    printed = capsys.readouterr().out
    assert len(fitted_params) == 2 * 2  # two deep models, two folds
    assert {p["recipe"] for p in fitted_params} == {"auto"}
    # The batch is the recipe's, not the default preset's 32; so are the settings below.
    assert {(p["batch_size"], p["n_init"], p["threshold_batch_norm"]) for p in fitted_params} == {
        (None, 1, True)
    }
    summary = {r["model"]: r for r in rows(out / "summary.csv")}
    assert summary["drsn-cw"]["deep_config"].startswith("recipe auto -> ")
    assert "3 epochs" in summary["resnet"]["deep_config"]
    assert summary["random-forest"]["deep_config"] == ""
    assert "deep models: DRSN-CW, ResNet: recipe auto -> " in printed
    assert json.loads((out / "run.json").read_text())["protocol"]["recipe"] == "auto"
    forest = float(summary["random-forest"]["mean"])
    for deep in ("drsn-cw", "resnet"):
        assert float(summary[deep]["mean"]) >= forest, summary


def test_users_data_leaves_epochs_and_batch_to_the_recipe(tmp_path, data_file, comparison_kwargs):
    assert main([*BASE, "--preset", "default", "--data", str(data_file), "--out",
                 str(tmp_path)]) == 0  # fmt: skip
    deep = comparison_kwargs["deep_params"]
    defaults = DRSNClassifier().get_params()
    assert deep == {key: defaults[key] for key in deep}
    assert (deep["recipe"], deep["max_epochs"], deep["batch_size"]) == ("auto", None, None)


@pytest.mark.parametrize(
    ("extra", "recipe", "epochs", "batch"),
    [
        (["--recipe", "paper"], "paper", PRESETS["default"]["max_epochs"], 32),  # today's run
        (["--recipe", "small", "--max-epochs", "7"], "small", 7, None),
        (["--batch-size", "8"], "auto", None, 8),
    ],
)
def test_recipe_and_the_users_own_settings_override_the_rule(
    tmp_path, data_file, comparison_kwargs, capsys, extra, recipe, epochs, batch
):
    assert main([*BASE, "--data", str(data_file), "--out", str(tmp_path), *extra]) == 0
    deep = comparison_kwargs["deep_params"]
    assert (deep["recipe"], deep["max_epochs"], deep["batch_size"]) == (recipe, epochs, batch)
    assert f"recipe {recipe}" in capsys.readouterr().out


def test_the_simulator_keeps_the_papers_recipe_and_the_presets_settings(
    tmp_path, comparison_kwargs
):
    args = [*BASE, "--preset", "default", "--n-per-class", "4", "--length", "64"]
    assert main([*args, "--out", str(tmp_path)]) == 0
    deep = comparison_kwargs["deep_params"]
    preset = PRESETS["default"]
    assert deep == {key: preset[key] for key in deep}
    assert deep["recipe"] == "paper"
    assert main([*args, "--recipe", "auto", "--out", str(tmp_path / "a")]) == 0
    deep = comparison_kwargs["deep_params"]
    assert (deep["recipe"], deep["max_epochs"], deep["n_init"]) == ("auto", None, 1)


def test_the_quick_preset_stays_a_smoke_test_on_the_users_data(
    tmp_path, data_file, comparison_kwargs
):
    assert main([*BASE, "--preset", "quick", "--data", str(data_file), "--out",
                 str(tmp_path)]) == 0  # fmt: skip
    deep = comparison_kwargs["deep_params"]
    assert (deep["recipe"], deep["max_epochs"]) == ("auto", PRESETS["quick"]["max_epochs"])


def test_resuming_with_another_recipe_is_refused(tmp_path, data_file, capsys):
    args = [*BASE, "--data", str(data_file), "--models", "knn", "--n-splits", "2", "--out",
            str(tmp_path)]  # fmt: skip
    assert main(args) == 0
    capsys.readouterr()
    assert main([*args, "--resume", "--recipe", "paper"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and 'recipe: "auto" before, "paper" now' in err


def save_test_split(path, X, y):
    np.savez(path, X=X.astype(np.float32), y=y)
    return str(path)


def test_test_data_fits_on_the_data_and_scores_on_the_test_file(
    tmp_path, data_file, make_signals, fitted_params, capsys
):
    X, y = make_signals(n_per_class=5, length=64, n_classes=3, channels=3, seed=7)
    test = save_test_split(tmp_path / "test.npz", X, np.array(["low", "mid", "high"])[y])
    out = tmp_path / "out"
    args = [*BASE, "--data", str(data_file), "--test-data", test, "--models", "resnet,knn",
            "--snrs=0,clean", "--max-epochs", "1", "--out", str(out)]  # fmt: skip
    assert main(args) == 0
    assert "no cross-validation" in capsys.readouterr().out
    results = rows(out / "results.csv")
    assert len(results) == 2 * 2  # one row per model and condition
    assert {r["fold"] for r in results} == {"0"}
    # One deep fit a condition, on all 48 signals of --data (a fold would hold 32).
    assert [p["n_train"] for p in fitted_params] == [48, 48]
    protocol = json.loads((out / "run.json").read_text())["protocol"]
    assert protocol["n_splits"] is None and len(protocol["test_data_sha256"]) == 64


@pytest.mark.parametrize(
    ("shape", "labels", "message"),
    [
        ((6, 3, 32), ["low", "mid", "high"] * 2,
         "has samples of shape (3, 32) but --data has (3, 64)"),
        ((6, 64), ["low", "mid", "high"] * 2,
         "has samples of shape (64,) but --data has (3, 64)"),
        ((6, 3, 64), ["low", "up", "down", "left", "right", "mid"],
         "has 4 labels that --data does not have ('down', 'left', 'right', ...)"),
    ],
)  # fmt: skip
def test_a_test_file_that_does_not_fit_the_data_exits_2_with_one_line(
    tmp_path, data_file, capsys, shape, labels, message
):
    test = save_test_split(tmp_path / "t.npz", np.zeros(shape), np.array(labels))
    out = tmp_path / "out"
    status = main([*BASE, "--data", str(data_file), "--test-data", test, "--out", str(out)])
    err = capsys.readouterr().err.strip()
    assert status == 2
    assert len(err.splitlines()) == 1 and message in err
    assert err.endswith("give the test split of the same data set")
    assert not out.exists()


def test_test_data_without_data_exits_2(tmp_path, capsys):
    test = save_test_split(tmp_path / "t.npz", np.zeros((4, 16)), np.array([0, 1, 0, 1]))
    assert main([*BASE, "--preset", "quick", "--test-data", test, "--out", str(tmp_path)]) == 2
    assert "--test-data needs --data" in capsys.readouterr().err
