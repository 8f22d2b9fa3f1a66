"""The main job saves every result as its fit ends, and --resume goes on from there."""

import csv
import json
import subprocess
import sys

import pytest
from filelock import FileLock, Timeout

import sklearn_drsn.experiment as experiment
from sklearn_drsn._main_job import UsageError
from sklearn_drsn._run_folder import RunFolder
from sklearn_drsn.cli import main

# In this process (--jobs 1), so that a spy sees every fit; two conditions, two models.
RUN = ["--preset", "quick", "--no-progress", "--jobs", "1", "--epochs", "1",
       "--n-per-class", "4", "--models", "resnet,knn", "--snrs=0,clean"]  # fmt: skip
N_FITS = 2 * 2 * 2  # conditions x models x folds


def rows(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def measured(path):
    """What each fit measured, without its timing."""
    return [{k: v for k, v in r.items() if k != "fit_seconds"} for r in rows(path)]


@pytest.fixture
def fits(monkeypatch):
    """Counts the fits run; ``fits.stop_after = n`` interrupts the run at fit n + 1."""
    state = type("Fits", (), {"count": 0, "stop_after": None})()
    fit_and_score = experiment._fit_and_score

    def spy(*args, **kwargs):
        if state.stop_after is not None and state.count == state.stop_after:
            raise KeyboardInterrupt  # Ctrl-C while this fit runs
        state.count += 1
        return fit_and_score(*args, **kwargs)

    monkeypatch.setattr(experiment, "_fit_and_score", spy)
    return state


@pytest.fixture
def uninterrupted(tmp_path_factory):
    out = tmp_path_factory.mktemp("whole")
    assert main([*RUN, "--out", str(out)]) == 0
    return out


def test_an_interrupted_run_resumes_to_the_results_of_an_uninterrupted_one(
    tmp_path, fits, uninterrupted, capsys
):
    fits.count, fits.stop_after = 0, 3
    assert main([*RUN, "--out", str(tmp_path)]) == 130
    err = capsys.readouterr().err
    assert "3 new fold results are saved in" in err and "--resume" in err
    assert len(rows(tmp_path / "results.csv")) == 3  # each saved as its fit ended

    fits.stop_after, fits.count = None, 0
    assert main([*RUN, "--out", str(tmp_path), "--resume"]) == 0
    assert "resuming: 3 fold results" in capsys.readouterr().out
    assert fits.count == N_FITS - 3  # only the missing fits ran
    assert measured(tmp_path / "results.csv") == measured(uninterrupted / "results.csv")
    assert rows(tmp_path / "summary.csv") != []
    assert (tmp_path / "accuracy.png").read_bytes().startswith(b"\x89PNG")


def test_resuming_a_finished_run_fits_nothing_and_more_models_fit_only_themselves(tmp_path, fits):
    assert main([*RUN, "--out", str(tmp_path)]) == 0
    before = rows(tmp_path / "results.csv")
    fits.count = 0
    assert main([*RUN, "--out", str(tmp_path), "--resume"]) == 0
    assert fits.count == 0
    assert rows(tmp_path / "results.csv") == before
    more = [a if a != "resnet,knn" else "resnet,knn,svc" for a in RUN]
    assert main([*more, "--out", str(tmp_path), "--resume"]) == 0
    assert fits.count == 2 * 2  # the new model on both conditions and folds
    after = rows(tmp_path / "results.csv")
    assert len(after) == len(before) + 4 and all(row in after for row in before)
    # Fewer models than before: the earlier rows stay in the results.
    assert main([*RUN[:-3], "--models", "knn", "--snrs=0", "--out", str(tmp_path),
                 "--resume"]) == 0  # fmt: skip
    assert sorted(map(str, rows(tmp_path / "results.csv"))) == sorted(map(str, after))


@pytest.mark.parametrize(
    ("change", "difference"),
    [
        (["--epochs", "2"], "max_epochs: 1 before, 2 now"),
        (["--seed", "1"], "random_state: 0 before, 1 now"),
        (["--folds", "3"], "n_splits: 2 before, 3 now"),
        (["--n-per-class", "5"], "data_sha256"),
        (["--raw-amplitudes"], "signals"),
        (["--widths", "8,16,32"], "widths: null before, [8, 16, 32] now"),
    ],
)
def test_resuming_with_other_settings_says_which_and_changes_nothing(
    tmp_path, capsys, change, difference
):
    assert main([*RUN, "--snrs=clean", "--out", str(tmp_path)]) == 0
    files = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    capsys.readouterr()
    assert main([*RUN, "--snrs=clean", *change, "--out", str(tmp_path), "--resume"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and err.startswith("sklearn-drsn: error: cannot resume")
    assert difference in err
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == files


def test_a_last_row_cut_short_by_a_kill_is_fitted_again(tmp_path, fits, uninterrupted):
    assert main([*RUN, "--out", str(tmp_path)]) == 0
    lines = (tmp_path / "results.csv").read_text().splitlines(keepends=True)
    (tmp_path / "results.csv").write_text("".join(lines[:5]) + lines[5][:9])
    fits.count = 0
    assert main([*RUN, "--out", str(tmp_path), "--resume"]) == 0
    assert fits.count == N_FITS - 4
    assert measured(tmp_path / "results.csv") == measured(uninterrupted / "results.csv")


def test_resume_without_a_run_record_refuses(tmp_path, capsys):
    assert main([*RUN, "--snrs=clean", "--out", str(tmp_path)]) == 0
    (tmp_path / "run.json").unlink()
    assert main([*RUN, "--snrs=clean", "--out", str(tmp_path), "--resume"]) == 2
    assert "no run.json" in capsys.readouterr().err


def test_resume_in_an_empty_folder_starts_the_run(tmp_path, fits):
    assert main([*RUN, "--out", str(tmp_path / "new"), "--resume"]) == 0
    assert fits.count == N_FITS
    record = json.loads((tmp_path / "new" / "run.json").read_text())
    assert record["protocol"]["max_epochs"] == 1 and record["protocol"]["n_splits"] == 2


def test_a_new_run_keeps_the_earlier_results_aside(tmp_path, capsys):
    args = [*RUN, "--snrs=clean", "--out", str(tmp_path)]
    assert main(args) == 0
    first = (tmp_path / "results.csv").read_text()
    capsys.readouterr()
    assert main(args) == 0
    assert (tmp_path / "results.previous.csv").read_text() == first
    assert "results.previous.csv" in capsys.readouterr().err


def test_a_run_that_fails_before_its_first_fit_leaves_the_folder_as_it_was(
    tmp_path, monkeypatch, capsys
):
    args = [*RUN, "--snrs=clean", "--out", str(tmp_path)]
    assert main(args) == 0
    files = {p.name: p.read_bytes() for p in tmp_path.iterdir()}

    def unreachable(*_):
        raise UsageError("cannot reach the Dask scheduler")  # as a wrong --scheduler

    monkeypatch.setattr("sklearn_drsn._main_job.dask_backend", unreachable)
    for extra in ([], ["--resume"]):
        assert main([*args, *extra]) == 2
        assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == files
    assert "results.previous.csv" not in capsys.readouterr().err


def held_lock(folder):
    """The lock of ``folder`` as another run holds it (a lock object of its own)."""
    folder.mkdir(parents=True, exist_ok=True)
    lock = FileLock(folder / "run.lock", timeout=0)
    lock.acquire()
    return lock


@pytest.mark.parametrize("extra", [[], ["--resume"]], ids=["new-run", "resume"])
def test_a_run_on_a_folder_another_run_is_writing_is_refused_and_changes_nothing(
    tmp_path, capsys, fits, extra
):
    args = [*RUN, "--snrs=clean", "--out", str(tmp_path)]
    assert main(args) == 0
    files = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    capsys.readouterr()
    lock = held_lock(tmp_path)
    fits.count = 0
    try:
        assert main([*args, *extra]) == 2
    finally:
        lock.release()
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "another run is writing to" in err
    assert fits.count == 0
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == files


def test_a_second_run_started_during_a_run_is_refused_and_the_first_ends_whole(
    tmp_path, monkeypatch, uninterrupted
):
    fit_and_score = experiment._fit_and_score
    second = []

    def start_a_second_run_during_the_first_fit(*args, **kwargs):
        if not second:
            second.append(main([*RUN, "--out", str(tmp_path)]))
        return fit_and_score(*args, **kwargs)

    monkeypatch.setattr(experiment, "_fit_and_score", start_a_second_run_during_the_first_fit)
    assert main([*RUN, "--out", str(tmp_path)]) == 0
    assert second == [2]
    assert not (tmp_path / "results.previous.csv").exists()
    assert measured(tmp_path / "results.csv") == measured(uninterrupted / "results.csv")


def test_the_lock_is_free_after_a_run_ends_or_is_interrupted(tmp_path, fits):
    assert main([*RUN, "--out", str(tmp_path / "ended")]) == 0
    fits.count, fits.stop_after = 0, 1
    assert main([*RUN, "--out", str(tmp_path / "interrupted")]) == 130
    for folder in ("ended", "interrupted"):
        held_lock(tmp_path / folder).release()  # raises filelock.Timeout if still held


def test_a_killed_run_leaves_no_stale_lock(tmp_path, fits):
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_AND_WAIT, str(tmp_path / "run.lock")],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "held"
        assert main([*RUN, "--snrs=clean", "--out", str(tmp_path)]) == 2
    finally:
        holder.kill()  # as SIGKILL, or a machine that goes down: no clean-up runs
        holder.wait()
    assert main([*RUN, "--snrs=clean", "--out", str(tmp_path)]) == 0
    assert fits.count == N_FITS // 2


HOLD_AND_WAIT = """
import sys, time
from filelock import FileLock
lock = FileLock(sys.argv[1], timeout=0)
lock.acquire()
print("held", flush=True)
time.sleep(60)
"""


def test_the_run_folder_holds_its_lock_from_begin_until_it_is_left(tmp_path):
    folder = RunFolder(tmp_path, {"seed": 0})
    with pytest.raises(KeyboardInterrupt), folder:
        folder.begin([], resume=False)
        with pytest.raises(Timeout):
            held_lock(tmp_path)
        raise KeyboardInterrupt
    held_lock(tmp_path).release()  # while ``folder`` is still referenced
