"""experiments/select_defaults.py: CV inside the train part only, resumable rows, the summary."""

import importlib.util
import math
from pathlib import Path

import numpy as np
import pytest

import sklearn_drsn.datasets
from sklearn_drsn.results import read_rows

SCRIPT = Path(__file__).resolve().parents[1] / "experiments" / "select_defaults.py"
spec = importlib.util.spec_from_file_location("select_defaults", SCRIPT)
sd = importlib.util.module_from_spec(spec)
spec.loader.exec_module(sd)

# A network of a few channels trained for one epoch: the protocol's mechanics, not its numbers.
TINY = {"widths": (2, 2, 2), "blocks_per_stage": 1, "max_epochs": 1, "batch_size": 8}
RUN = ["--datasets", "GunPoint", "--candidates", "tiny,tiny-cs", "--seeds", "0-1",
       "--folds", "2", "--jobs", "1", "--baseline", "tiny"]  # fmt: skip


def row(dataset, candidate, seed, fold, accuracy, n_folds=2):
    return {"dataset": dataset, "candidate": candidate, "seed": str(seed),
            "n_folds": str(n_folds), "fold": str(fold), "accuracy": str(accuracy),
            "fit_seconds": "1.0"}  # fmt: skip


@pytest.fixture
def tiny(monkeypatch):
    monkeypatch.setitem(sd.CANDIDATES, "tiny", TINY)
    monkeypatch.setitem(sd.CANDIDATES, "tiny-cs", {**TINY, "shrinkage": "cs"})


@pytest.fixture
def splits_read(monkeypatch):
    """The archive splits the script loads, in order."""
    read, load = [], sklearn_drsn.datasets.load_archive_dataset

    def spy(name, split="train", **kwargs):
        read.append(split)
        return load(name, split, **kwargs)

    monkeypatch.setattr(sklearn_drsn.datasets, "load_archive_dataset", spy)
    return read


def test_parse_seeds():
    assert sd.parse_seeds("0-2") == [0, 1, 2]
    assert sd.parse_seeds("4,0-1") == [4, 0, 1]


def test_unknown_names_are_refused():
    with pytest.raises(SystemExit, match="unknown data sets: Adiac"):
        sd.main(["--datasets", "Adiac", "--out", "unused.csv"])


def test_the_pool_holds_no_archive_outside_it():
    # "-std": an archive of the pool with each signal standardised (the main job's way).
    names = {n for n in sd.DATASETS if not n.startswith(("digits", "drivetrain"))}
    assert {n.removesuffix("-std") for n in names} == set(sd.ARCHIVE_POOL)


def test_digits_is_the_first_1250_images_only():
    from sklearn.datasets import load_digits

    X, y = sd.load("digits")
    assert X.shape == (sd.DIGITS_TRAIN, 1, 8, 8)
    np.testing.assert_array_equal(X.reshape(len(X), -1), load_digits().data[: sd.DIGITS_TRAIN])
    X_noisy, y_noisy = sd.load("digits-10db")
    np.testing.assert_array_equal(y_noisy, y)
    assert not np.allclose(X_noisy, X)


def test_tasks_are_seed_major_and_skip_done_ones():
    todo = sd.tasks(["a"], ["x", "y"], [0, 1], 2, done={("a", "x", "0", "2", "1")})
    assert len(todo) == 7
    assert [t[2] for t in todo] == [0, 0, 0, 1, 1, 1, 1]
    assert ("a", "x", 0, 2, 1) not in todo


def test_incomplete_seeds_are_left_out_of_the_summary():
    rows = [row("a", "x", 0, 0, 0.5), row("a", "x", 0, 1, 1.0), row("a", "x", 1, 0, 0.9)]
    scores = sd.seed_scores(rows, 2)
    assert list(scores) == [("a", "x")] and list(scores["a", "x"]) == [0]
    assert scores["a", "x"][0]["accuracy"] == 0.75


def test_summary_counts_paired_wins_and_ranks():
    rows = []
    for seed, (acc_x, acc_y) in enumerate([(0.8, 0.9), (0.9, 0.8), (0.7, 0.9)]):
        rows += [row("a", "x", seed, f, acc_x) for f in range(2)]
        rows += [row("a", "y", seed, f, acc_y) for f in range(2)]
    table = {t["candidate"]: t for t in sd.summary(rows, 2, baseline="x")}
    assert (table["y"]["wins"], table["y"]["paired"]) == (2, 3)
    assert table["y"]["mean"] == pytest.approx(np.mean([0.9, 0.8, 0.9]))
    assert table["y"]["std"] == pytest.approx(np.std([0.9, 0.8, 0.9], ddof=1))
    ranks = sd.mean_ranks(sd.seed_scores(rows, 2), ["x", "y"])
    assert ranks == pytest.approx({"x": 5 / 3, "y": 4 / 3})
    assert math.isnan(sd.mean_ranks({}, ["x"])["x"])


def test_a_run_reads_train_splits_only_and_resumes(tmp_path, tiny, splits_read, capsys):
    out = tmp_path / "cv.csv"
    assert sd.main([*RUN, "--seeds", "0", "--out", str(out)]) == 0
    assert len(read_rows(out, sd.FIELDS)) == 1 * 2 * 2  # seeds x candidates x folds
    with pytest.raises(SystemExit, match="exists: pass --resume"):
        sd.main([*RUN, "--out", str(out)])
    assert sd.main([*RUN, "--out", str(out), "--resume"]) == 0
    rows = read_rows(out, sd.FIELDS)
    assert len(rows) == 2 * 2 * 2
    assert len({tuple(r[k] for k in sd.KEY) for r in rows}) == len(rows)
    assert {r["n_train"] for r in rows} == {"25"}  # GunPoint's 50 TRAIN series, 2 folds
    assert set(splits_read) == {"train"}
    summary = capsys.readouterr().out.splitlines()
    assert "GunPoint" in summary[-2] and "tiny-cs" in summary[-2]
    assert summary[-1].startswith("pooled mean rank")


def test_equal_fold_means_are_ties_whatever_their_last_bits():
    # 60/90, 60/90, 69/90 and three 63/90 have the same mean, 63/90, but not as floats.
    folds = {"x": [60 / 90, 60 / 90, 69 / 90], "y": [63 / 90] * 3}
    assert np.mean(folds["x"]) > np.mean(folds["y"])
    rows = [
        row("a", c, 0, f, acc, n_folds=3)
        for c, accs in folds.items()
        for f, acc in enumerate(accs)
    ]
    table = {t["candidate"]: t for t in sd.summary(rows, 3, baseline="y")}
    assert table["x"]["wins"] == 0
    assert sd.mean_ranks(sd.seed_scores(rows, 3), ["x", "y"]) == {"x": 1.5, "y": 1.5}


def test_the_summary_shows_the_named_candidates_and_the_baseline(tmp_path, capsys):
    out = tmp_path / "rows.csv"
    rows = [row("a", c, 0, f, acc) for c, acc in [("x", 0.5), ("y", 0.7)] for f in range(2)]
    rows += [row("b", "z", 0, f, 0.9) for f in range(2)]  # a candidate on another data set
    sd.save(rows, out, sd.FIELDS)
    capsys.readouterr()
    sd.main(
        ["--summary", "--out", str(out), "--folds", "2", "--candidates", "y", "--baseline", "x"]
    )
    printed = capsys.readouterr().out
    assert " z " not in printed and " y " in printed and " x " in printed
    assert "x 2.00, y 1.00" in printed
    sd.main(["--summary", "--out", str(out), "--folds", "2", "--baseline", "x"])
    assert " z " in capsys.readouterr().out


@pytest.mark.parametrize("n_train", [5, 9, 24, 33, 50, 180, 999])
def test_k4_e60_is_the_default_schedule_for_signals(n_train):
    # Its rows stand as the default's in the pool CSV: the two must fit the same network.
    from sklearn_drsn._recipes import resolve_config

    config = resolve_config("small", {}, n_train)
    params = sd.candidate_params("k4-e60", n_train)
    assert params == {k: config[k] for k in ("batch_size", "max_epochs", "lr")}
