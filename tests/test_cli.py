"""The main job end to end, on a tiny setting, and its handling of bad input."""

import csv
import math
import subprocess
import sys
import time
from types import SimpleNamespace

import numpy as np
import pytest

from sklearn_drsn._main_job import ProgressBar
from sklearn_drsn.cli import main
from sklearn_drsn.presets import PRESETS
from sklearn_drsn.results import FoldResult

TINY = ["--preset", "quick", "--no-progress", "--epochs", "1", "--n-per-class", "4"]


def exit_status(argv):
    """main()'s status, also where argparse exits for a usage error."""
    try:
        return main(argv)
    except SystemExit as exc:
        return exc.code


def read_csv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def test_cli_writes_consistent_csv_table_and_plot(tmp_path, capsys):
    out = tmp_path / "out"
    args = [*TINY, "--models", "drsn-cw,knn", "--snrs=-5,clean", "--out", str(out)]
    assert main(args) == 0
    printed = capsys.readouterr().out
    rows = read_csv(out / "results.csv")
    summary = read_csv(out / "summary.csv")
    # 2 models x (gaussian at -5 dB + clean) x 2 folds
    assert len(rows) == 2 * 2 * 2
    assert {r["model"] for r in rows} == {"drsn-cw", "knn"}
    assert {r["noise"] for r in rows} == {"gaussian", "none"}
    for s in summary:
        key = (s["model"], s["noise"], s["snr_db"])
        accs = [float(r["accuracy"]) for r in rows if (r["model"], r["noise"], r["snr_db"]) == key]
        assert float(s["mean"]) == pytest.approx(np.mean(accs))
        # The printed table shows the same mean, in percent.
        assert f"{100 * float(s['mean']):.1f} ± {100 * float(s['std']):.1f}" in printed
    assert all(0.0 <= float(r["accuracy"]) <= 1.0 for r in rows)
    png = (out / "accuracy.png").read_bytes()
    assert png.startswith(b"\x89PNG") and len(png) > 5_000
    assert "DRSN-CW" in printed and "kNN" in printed and "clean" in printed


def test_cli_reads_the_users_npz(tmp_path):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(12, 64))
    y = np.repeat(["a", "b"], 6)
    np.savez(tmp_path / "mine.npz", signals=X, labels=y)
    args = [*TINY, "--data", str(tmp_path / "mine.npz"), "--x-key", "signals",
            "--y-key", "labels", "--models", "knn", "--out", str(tmp_path / "o")]  # fmt: skip
    assert main(args) == 0
    assert len(read_csv(tmp_path / "o" / "results.csv")) == 2


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--data", "no/such/file.npz"], "no such file"),
        (["--models", "drsn-cw,xgboost"], "unknown model 'xgboost'"),
        (["--noise", "brown"], "unknown noise kind"),
        (["--snrs", "loud"], "not an SNR"),
        (["--folds", "1"], "at least 2"),
        (["--batch-size", "1"], "at least 2"),
        (["--seed", "-1"], "must be at least 0"),
        (["--widths", "8,x"], "positive integers"),
        (["--widths", "16,8"], "must not decrease"),
        (["--n-init", "0"], "at least 1"),
        (["--init-epochs", "0"], "at least 1"),
        (["--local-cluster", "1"], "at least 2"),
        (["--jobs", "2", "--scheduler", "tcp://127.0.0.1:8786"], "not allowed with"),
    ],
)
def test_bad_input_gives_one_line_and_nonzero_exit(tmp_path, capsys, extra, message):
    status = exit_status([*TINY, "--out", str(tmp_path), *extra])
    err = capsys.readouterr().err.strip()
    assert status == 2
    assert message in err
    assert "Traceback" not in err
    assert "error:" in err.splitlines()[-1]


@pytest.mark.parametrize(
    "option", [["--scheduler", "tcp://127.0.0.1:8786"], ["--local-cluster", "2"]]
)
def test_dask_options_without_dask_give_one_line(tmp_path, capsys, monkeypatch, option):
    monkeypatch.setitem(sys.modules, "distributed", None)  # as if not installed
    assert main([*TINY, "--out", str(tmp_path), *option]) == 2
    err = capsys.readouterr().err.strip()
    assert err == (
        f"sklearn-drsn: error: {option[0]} needs Dask, which is not installed: "
        "pip install 'sklearn-drsn[dask]'"
    )


def test_wrong_keys_and_mismatched_lengths(tmp_path, capsys):
    np.savez(tmp_path / "a.npz", X=np.zeros((4, 8)), labels=np.zeros(4))
    np.savez(tmp_path / "b.npz", X=np.zeros((4, 8)), y=np.zeros(3))
    assert main([*TINY, "--data", str(tmp_path / "a.npz"), "--out", str(tmp_path)]) == 2
    assert "no array named 'y'" in capsys.readouterr().err
    assert main([*TINY, "--data", str(tmp_path / "b.npz"), "--out", str(tmp_path)]) == 2
    assert "4 samples but y has 3" in capsys.readouterr().err


@pytest.fixture
def comparison_kwargs(monkeypatch):
    """The keyword arguments the CLI passes to run_comparison (which is not run)."""
    seen = {}

    def fake_run_comparison(X, y, models, **kwargs):
        seen.update(kwargs)
        return [FoldResult("gaussian", 0.0, "knn", 0, 0.5, 0.1)]

    monkeypatch.setattr("sklearn_drsn._main_job.run_comparison", fake_run_comparison)
    return seen


@pytest.mark.parametrize(
    ("extra", "expected"), [([], PRESETS["quick"]["batch_size"]), (["--batch-size", "7"], 7)]
)
def test_batch_size_option_reaches_the_comparison(tmp_path, comparison_kwargs, extra, expected):
    assert main([*TINY, "--out", str(tmp_path), *extra]) == 0
    assert comparison_kwargs["deep_params"]["batch_size"] == expected


@pytest.mark.parametrize(("extra", "expected"), [([], True), (["--raw-amplitudes"], False)])
def test_raw_amplitudes_option_turns_off_the_signal_standardisation(
    tmp_path, comparison_kwargs, capsys, extra, expected
):
    assert main([*TINY, "--out", str(tmp_path), *extra]) == 0
    assert comparison_kwargs["standardize_signals"] is expected
    said = "raw amplitudes" if extra else "each signal standardised"
    assert said in capsys.readouterr().out


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ([], PRESETS["quick"]["threshold_batch_norm"]),
        (["--threshold-batch-norm"], True),
        (["--no-threshold-batch-norm"], False),
    ],
)
def test_threshold_batch_norm_option_reaches_the_comparison(
    tmp_path, comparison_kwargs, extra, expected
):
    assert main([*TINY, "--out", str(tmp_path), *extra]) == 0
    assert comparison_kwargs["deep_params"]["threshold_batch_norm"] is expected


@pytest.mark.parametrize(
    ("extra", "expected"), [([], None), (["--widths", "8, 16,32"], (8, 16, 32))]
)
def test_widths_option_reaches_the_comparison(
    tmp_path, comparison_kwargs, capsys, extra, expected
):
    assert main([*TINY, "--out", str(tmp_path), *extra]) == 0
    assert comparison_kwargs["deep_params"]["widths"] == expected
    assert ("widths (8, 16, 32)" in capsys.readouterr().out) is bool(extra)


@pytest.mark.parametrize(
    ("extra", "expected"), [([], PRESETS["quick"]["n_init"]), (["--n-init", "4"], 4)]
)
def test_n_init_option_reaches_the_comparison(
    tmp_path, comparison_kwargs, capsys, extra, expected
):
    assert main([*TINY, "--out", str(tmp_path), *extra]) == 0
    assert comparison_kwargs["deep_params"]["n_init"] == expected
    assert ("best of 4 initialisations" in capsys.readouterr().out) is bool(extra)


@pytest.mark.parametrize(
    ("extra", "expected"),
    [(["--n-init", "3"], None), (["--n-init", "3", "--init-epochs", "2"], 2)],
)
def test_init_epochs_option_reaches_the_comparison(
    tmp_path, comparison_kwargs, capsys, extra, expected
):
    assert main([*TINY, "--out", str(tmp_path), *extra]) == 0
    assert comparison_kwargs["deep_params"]["init_epochs"] == expected
    assert comparison_kwargs["deep_params"]["n_init"] == 3
    printed = capsys.readouterr().out
    assert ("best of 3 initialisations after 2 epochs" in printed) is (expected == 2)


def test_epochs_option_reaches_the_deep_models(tmp_path, comparison_kwargs):
    assert main([*TINY, "--out", str(tmp_path), "--epochs", "4"]) == 0
    assert comparison_kwargs["deep_params"]["max_epochs"] == 4


def test_default_preset_tries_three_initialisations_and_the_paper_preset_one():
    # The default preset's short budget leaves some initial weights untrained at -5 dB;
    # the paper's protocol is kept as published.
    assert PRESETS["default"]["n_init"] == 3
    assert PRESETS["paper"]["n_init"] == 1


def test_paper_preset_is_the_papers_protocol():
    paper = PRESETS["paper"]
    assert (paper["n_splits"], paper["max_epochs"], paper["n_per_class"]) == (10, 100, 3600)
    assert paper["batch_size"] == 128
    assert paper["snrs_db"] == list(range(-5, 6))
    assert set(paper["noise_kinds"]) == {"gaussian", "laplacian", "pink"}
    assert not any(math.isinf(s) for s in paper["snrs_db"])


def test_progress_bar_times_the_first_fit_from_the_start_of_the_comparison():
    # Created at the first result, the bar timed that fit as instantaneous.
    bar = ProgressBar(enabled=True)
    time.sleep(0.2)  # the first fit
    bar.update(SimpleNamespace(model="drsn-cw", noise="gaussian", snr_db=-5.0), n_fits=4)
    assert (bar.bar.n, bar.bar.total) == (1, 4)
    assert bar.bar.format_dict["elapsed"] >= 0.2
    bar.close()


def test_progress_bar_can_be_disabled():
    bar = ProgressBar(enabled=False)
    bar.update(SimpleNamespace(model="svc", noise="pink", snr_db=0.0), n_fits=2)
    assert bar.bar is None
    bar.close()


@pytest.mark.parametrize(
    ("option", "key", "value", "expected"),
    [
        ("--max-epochs", "max_epochs", "4", 4),
        ("--epochs", "max_epochs", "4", 4),  # the earlier spelling
        ("--n-splits", "n_splits", "3", 3),
        ("--folds", "n_splits", "3", 3),
        ("--random-state", "random_state", "5", 5),
        ("--seed", "random_state", "5", 5),
    ],
)
def test_options_have_the_librarys_names_and_the_earlier_ones_still_work(
    tmp_path, comparison_kwargs, option, key, value, expected
):
    assert main([*TINY, "--out", str(tmp_path), option, value]) == 0
    given = {**comparison_kwargs, **comparison_kwargs["deep_params"]}
    assert given[key] == expected


@pytest.mark.parametrize("option", ["--fault-severity", "--severity"])
def test_fault_severity_reaches_the_simulator(tmp_path, comparison_kwargs, monkeypatch, option):
    seen = {}

    def fake_make_drivetrain(**kwargs):
        seen.update(kwargs)
        return np.zeros((8, 16)), np.repeat([0, 1], 4), None

    monkeypatch.setattr("sklearn_drsn.datasets.make_drivetrain", fake_make_drivetrain)
    assert main([*TINY, "--out", str(tmp_path), option, "1.5"]) == 0
    assert seen["fault_severity"] == 1.5


def test_help_names_each_option_once_and_hides_the_earlier_spellings(capsys):
    assert exit_status(["--help"]) == 0
    text = capsys.readouterr().out
    for name in ["--max-epochs", "--n-splits", "--random-state", "--fault-severity"]:
        assert name in text
    for old in ["--epochs ", "--folds", "--seed", "--severity"]:
        assert old not in text


def test_parsing_the_command_line_does_not_import_torch():
    code = (
        "import sys; from sklearn_drsn.cli import build_parser; "
        "build_parser().parse_args(['--preset', 'quick']); print('torch' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_the_quick_preset_says_its_accuracies_mean_nothing(tmp_path, comparison_kwargs, capsys):
    assert main([*TINY, "--out", str(tmp_path)]) == 0
    assert "smoke test" in capsys.readouterr().out
    assert main(["--preset", "default", "--no-progress", "--out", str(tmp_path / "d"),
                 "--n-per-class", "4", "--length", "64"]) == 0  # fmt: skip
    assert "smoke test" not in capsys.readouterr().out


def test_a_fit_that_fails_during_the_run_exits_1_with_one_line(tmp_path, capsys, monkeypatch):
    def diverge(self, X, y, **kwargs):
        raise ValueError("training diverged (the training loss became NaN or infinite)")

    monkeypatch.setattr("sklearn_drsn.classifier.DRSNClassifier.fit", diverge)
    status = main([*TINY, "--jobs", "1", "--models", "drsn-cw", "--out", str(tmp_path)])
    err = capsys.readouterr().err.strip()
    assert status == 1
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert err.startswith("sklearn-drsn: error: a fit failed") and "training diverged" in err


def test_bad_data_exits_2_and_writes_no_results(tmp_path, capsys):
    X = np.random.default_rng(0).normal(size=(12, 64))
    X[3, 5] = np.nan
    np.savez(tmp_path / "mine.npz", X=X, y=np.repeat([0, 1], 6))
    out = tmp_path / "o"
    assert main([*TINY, "--data", str(tmp_path / "mine.npz"), "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "mine.npz" in err
    assert not (out / "results.csv").exists()


def test_a_results_file_without_results_is_not_announced_as_earlier_results(tmp_path, capsys):
    tmp_path.joinpath("results.csv").write_text("noise,snr_db,model,fold,accuracy,fit_seconds\n")
    assert main([*TINY, "--models", "knn", "--out", str(tmp_path)]) == 0
    assert "earlier results" not in capsys.readouterr().err
    assert not (tmp_path / "results.previous.csv").exists()
