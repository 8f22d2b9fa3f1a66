"""Scaling out: searches and the main job on Dask and on joblib's process backend.

The Dask tests start real ``distributed.LocalCluster`` s (worker processes
on 127.0.0.1) and need the ``dask`` extra; CI installs it. The other tests
(loky, no CUDA initialisation) need nothing beyond the core package.
"""

import csv
import os
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time
from concurrent.futures import CancelledError

import numpy as np
import pytest
from joblib import Parallel, delayed, parallel_backend
from scipy.stats import loguniform
from sklearn.model_selection import (
    GridSearchCV,
    RandomizedSearchCV,
    StratifiedKFold,
    cross_validate,
)

from sklearn_drsn import DRSNClassifier
from sklearn_drsn.cli import main
from sklearn_drsn.datasets import make_drivetrain
from sklearn_drsn.experiment import run_comparison

# A tiny network on tiny data: these tests are about where the fits run.
TINY = dict(widths=(4, 8), blocks_per_stage=1, max_epochs=2, batch_size=16, random_state=0)
GRID = {"shrinkage": ["cw", None], "lr": [0.1, 0.01]}
NEEDS_DASK = "needs the dask extra: pip install 'sklearn-drsn[dask]'"
CLUSTER = dict(
    n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
)


@pytest.fixture(scope="module")
def data():
    X, y, _ = make_drivetrain(n_per_class=8, length=256, random_state=0)
    return X, y


@pytest.fixture(scope="class")
def client():
    """A client of a 2-worker LocalCluster, closed after the class's tests, also on failure."""
    distributed = pytest.importorskip("distributed", reason=NEEDS_DASK)
    cluster = distributed.LocalCluster(**CLUSTER)
    try:
        with distributed.Client(cluster) as client:
            yield client
    finally:
        cluster.close()


def workers_used(client, run):
    """Addresses of the workers that ran fits (joblib batches of ``_fit_and_score``)."""
    from distributed import get_task_stream

    with get_task_stream(client) as stream:
        run()
    return {task["worker"] for task in stream.data if "_fit_and_score" in task["key"]}


QUICK_CLI = ["--preset", "quick", "--no-progress", "--epochs", "1", "--n-per-class", "4",
             "--models", "drsn-cw,knn"]  # fmt: skip


def assert_cli_results(out, models=("drsn-cw", "knn")):
    with open(out / "results.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    assert sorted((r["model"], r["fold"]) for r in rows) == [
        (m, k) for m in models for k in ("0", "1")
    ]
    assert all(0.0 <= float(r["accuracy"]) <= 1.0 for r in rows)


def assert_same_scores(a, b):
    for key in a.cv_results_:
        if key.endswith("test_score"):
            np.testing.assert_array_equal(a.cv_results_[key], b.cv_results_[key], err_msg=key)


# ------------------------------------------------------------------ Dask
def in_background(run):
    """Start ``run()`` in a daemon thread (which cannot keep the test process alive).

    Returns a function that waits at most ``seconds`` for its outcome, a dict
    with its ``result`` or ``error``, and fails the test on a hang.
    """
    outcome = {}

    def target():
        try:
            outcome["result"] = run()
        except BaseException as exc:  # handed to the test's thread
            outcome["error"] = exc

    thread = threading.Thread(target=target, daemon=True)
    thread.start()

    def wait(seconds):
        thread.join(seconds)
        assert not thread.is_alive(), f"still running after {seconds} s: a hang"
        return outcome

    return wait


def allowed_failures(client, n):
    """Set the scheduler's ``distributed.scheduler.allowed-failures``; returns the old value."""

    def set_it(dask_scheduler):
        old, dask_scheduler.allowed_failures = dask_scheduler.allowed_failures, n
        return old

    return client.run_on_scheduler(set_it)


class TestOnALocalCluster:
    """Searches, cross-validation, the main job and dying workers on one 2-worker cluster."""

    def test_grid_search_on_dask_equals_serial(self, client, data):
        X, y = data
        serial = GridSearchCV(DRSNClassifier(**TINY), GRID, cv=2, error_score="raise").fit(X, y)
        on_dask = GridSearchCV(DRSNClassifier(**TINY), GRID, cv=2, n_jobs=-1, error_score="raise")

        def fit():
            with parallel_backend("dask"):
                on_dask.fit(X, y)

        assert workers_used(client, fit), "no fit ran on the cluster"
        assert on_dask.best_params_ == serial.best_params_
        assert_same_scores(on_dask, serial)
        assert on_dask.best_estimator_.predict(X).shape == y.shape

    def test_randomized_search_and_cross_validate_on_dask_equal_serial(self, client, data):
        X, y = data
        space = {"shrinkage": ["cw", "cs", None], "lr": loguniform(1e-3, 1e-1)}
        search = dict(n_iter=2, cv=2, random_state=0, error_score="raise")
        folds = StratifiedKFold(n_splits=2, shuffle=True, random_state=0)
        serial_search = RandomizedSearchCV(DRSNClassifier(**TINY), space, **search).fit(X, y)
        serial_cv = cross_validate(DRSNClassifier(**TINY), X, y, cv=folds, return_estimator=True)
        with parallel_backend("dask"):
            dask_search = RandomizedSearchCV(DRSNClassifier(**TINY), space, n_jobs=-1, **search)
            dask_search.fit(X, y)
            dask_cv = cross_validate(
                DRSNClassifier(**TINY), X, y, cv=folds, n_jobs=-1, return_estimator=True
            )
        assert dask_search.best_params_ == serial_search.best_params_
        assert_same_scores(dask_search, serial_search)
        np.testing.assert_array_equal(dask_cv["test_score"], serial_cv["test_score"])
        # The fitted models came back from the workers and predict here, as the serial ones.
        for remote, local in zip(dask_cv["estimator"], serial_cv["estimator"]):
            np.testing.assert_array_equal(remote.predict_proba(X), local.predict_proba(X))

    def test_comparison_on_dask_equals_serial_and_leaves_the_workers_threads(self, client, data):
        import torch

        kwargs = dict(snrs_db=[0.0], n_splits=2, deep_params={"max_epochs": 1}, random_state=3)
        models = ["drsn-cw", "knn"]
        serial = run_comparison(*data, models, n_jobs=1, **kwargs)
        client.run(torch.set_num_threads, 2)  # as a worker that is not limited to one thread
        rows = []

        def run():
            with parallel_backend("dask"):
                rows.extend(run_comparison(*data, models, n_jobs=-1, **kwargs))

        try:
            used = workers_used(client, run)
            threads = client.run(torch.get_num_threads)
        finally:
            client.run(torch.set_num_threads, 1)
        assert [(r.model, r.fold, r.accuracy) for r in rows] == [
            (r.model, r.fold, r.accuracy) for r in serial
        ]
        # The fits ran with the estimator's n_threads and put the worker's setting back.
        assert used and all(threads[worker] == 2 for worker in used), (used, threads)

    def test_main_job_on_a_scheduler(self, client, tmp_path, capsys):
        address = client.scheduler.address
        args = [*QUICK_CLI, "--scheduler", address, "--out", str(tmp_path)]
        assert main(args) == 0
        assert f"fits: Dask cluster at {address} (2 workers, 2 threads)" in capsys.readouterr().out
        assert_cli_results(tmp_path)

    # The last two tests kill workers (which their nannies restart).
    def test_a_worker_killed_mid_search_gives_an_error_or_a_retry_never_a_hang(self, client, data):
        from distributed.scheduler import KilledWorker

        X, y = data
        slow = {**TINY, "max_epochs": 40}  # about 0.5 s per fit: killed mid-fit

        def search():
            with parallel_backend("dask"):
                est = GridSearchCV(DRSNClassifier(**slow), GRID, cv=2, n_jobs=-1, refit=False)
                return est.fit(X, y)

        pids = client.run(os.getpid)
        # One death of a fit's worker is retried, a second one fails the fit. (Not 0:
        # joblib's own Dask backend, 1.6 at least, then waits forever on the failed
        # fit, see the next test; joblib hears of cancelled ones.)
        default = allowed_failures(client, 1)
        try:
            wait = in_background(search)
            deadline = time.monotonic() + 60
            while not any(client.processing().values()):
                assert time.monotonic() < deadline, "no fit started on the cluster"
                time.sleep(0.05)
            time.sleep(0.3)  # into the fit
            victim = next(w for w, tasks in client.processing().items() if tasks)
            os.kill(pids[victim], signal.SIGKILL)
            outcome = wait(60)
        finally:
            allowed_failures(client, default)
        if "error" in outcome:
            # The lost fit (KilledWorker), or those whose data the dead worker held (cancelled).
            assert isinstance(outcome["error"], (KilledWorker, CancelledError)), outcome
        else:  # the lost fits ran again elsewhere
            assert len(outcome["result"].cv_results_["params"]) == 4

    def test_main_job_reports_a_fit_that_kills_its_workers_in_one_line(self, client):
        from sklearn_drsn._dask import ClusterError, dask_backend

        client.wait_for_workers(2, timeout=60)  # the killed one is back
        driver = os.getpid()

        def die():  # every try kills its worker, as running out of memory would
            if os.getpid() == driver:  # joblib ran it here: must not happen
                raise RuntimeError("ran in the test's process")
            os._exit(1)

        def crash():  # the main job's Dask backend, on this cluster
            with dask_backend(client.scheduler.address, None):
                Parallel(n_jobs=-1)(delayed(die)() for _ in range(2))

        default = allowed_failures(client, 0)
        try:
            outcome = in_background(crash)(60)
        finally:
            allowed_failures(client, default)
        assert isinstance(outcome.get("error"), ClusterError), outcome
        assert "KilledWorker" in str(outcome["error"]) and "\n" not in str(outcome["error"])


def test_main_job_on_a_local_cluster(tmp_path, capsys):
    pytest.importorskip("distributed", reason=NEEDS_DASK)
    # A classic model only, to keep it short: the deep ones ran on Dask in the tests above.
    args = [*QUICK_CLI, "--models", "knn", "--local-cluster", "2", "--out", str(tmp_path)]
    assert main(args) == 0
    assert "fits: local Dask cluster of 2" in capsys.readouterr().out
    assert_cli_results(tmp_path, models=["knn"])


def test_main_job_reports_an_unreachable_scheduler_in_one_line(tmp_path, capsys, monkeypatch):
    pytest.importorskip("distributed", reason=NEEDS_DASK)
    monkeypatch.setattr("sklearn_drsn._dask.CONNECT_TIMEOUT_S", 1.0)
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    args = ["--preset", "quick", "--scheduler", f"tcp://127.0.0.1:{port}", "--out", str(tmp_path)]
    start = time.monotonic()
    assert main(args) == 2
    err = capsys.readouterr().err.strip()
    assert time.monotonic() - start < 30
    assert "cannot reach the Dask scheduler" in err and len(err.splitlines()) == 1


# ------------------------------------------------------- joblib processes
def test_loky_processes_equal_serial(data):
    X, y = data
    folds = StratifiedKFold(n_splits=2, shuffle=True, random_state=0)
    grid = {"shrinkage": ["cw", None]}
    serial = GridSearchCV(DRSNClassifier(**TINY), grid, cv=folds).fit(X, y)
    parallel = GridSearchCV(DRSNClassifier(**TINY), grid, cv=folds, n_jobs=2).fit(X, y)
    assert parallel.best_params_ == serial.best_params_
    assert_same_scores(parallel, serial)
    serial_cv = cross_validate(DRSNClassifier(**TINY), X, y, cv=folds)
    parallel_cv = cross_validate(DRSNClassifier(**TINY), X, y, cv=folds, n_jobs=2)
    np.testing.assert_array_equal(parallel_cv["test_score"], serial_cv["test_score"])


# ------------------------------------------------------------------ CUDA
def test_import_construction_and_params_do_not_touch_cuda():
    # In a fresh process, with torch.cuda's entry points recording their calls
    # (on a CPU-only machine too): a process forked after these steps can still
    # use CUDA, and "auto" is resolved where the fit runs, e.g. on a GPU worker.
    code = textwrap.dedent(
        """
        import pickle, torch

        calls = []
        for name in ["is_available", "device_count", "init", "_lazy_init", "current_device"]:
            def spy(*args, _f=getattr(torch.cuda, name), _name=name, **kwargs):
                calls.append(_name)
                return _f(*args, **kwargs)
            setattr(torch.cuda, name, spy)

        from sklearn.base import clone
        import sklearn_drsn, sklearn_drsn.cli, sklearn_drsn.experiment
        from sklearn_drsn import DRSNClassifier

        clf = DRSNClassifier(device="auto", shrinkage="cs")
        clf.set_params(shrinkage="cw", lr=0.01, device="auto")
        assert clf.get_params()["device"] == "auto"
        pickle.loads(pickle.dumps(clone(clf)))
        sklearn_drsn.experiment.make_model("drsn-cw")
        sklearn_drsn.cli.build_parser().parse_args(["--local-cluster", "2"])
        assert calls == [] and not torch.cuda.is_initialized(), calls
        sklearn_drsn._training.resolve_device("auto")  # what fit does: the spies work
        assert calls == ["is_available"], calls
        """
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
