"""The thread policy: fits use ``n_threads`` PyTorch threads and leave the caller's setting alone.

The reproducibility promise is checked in a fresh Python process with
PyTorch's default thread count: this suite's conftest pins one thread,
which would hide a fit whose result depends on the caller's setting.
"""

import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest
import torch
from skorch.callbacks import Callback

from sklearn_drsn import DRSNClassifier
from sklearn_drsn._threads import resolve_n_threads


def signals(n=24, length=32, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, length)).astype(np.float32)
    y = np.arange(n) % 2
    X[y == 1] += np.sin(np.arange(length) / 3)
    return X, y


class RecordThreads(Callback):
    """Record torch.get_num_threads() in the history at every epoch of training."""

    def on_epoch_end(self, net, **kwargs):
        net.history.record("threads", torch.get_num_threads())


@pytest.fixture
def caller_threads():
    """The caller's thread count set to 2 for the test, then put back."""
    before = torch.get_num_threads()
    torch.set_num_threads(2)
    yield 2
    torch.set_num_threads(before)


@pytest.mark.parametrize("n_threads, inside", [(1, 1), (3, 3), (None, 2)])
def test_fit_trains_with_n_threads_and_restores_the_callers(
    caller_threads, n_threads, inside, tiny_params
):
    clf = DRSNClassifier(**tiny_params, n_threads=n_threads, callbacks=[RecordThreads()])
    clf.fit(*signals())
    assert clf.history_[:, "threads"] == [inside, inside]
    assert torch.get_num_threads() == caller_threads
    clf.predict_proba(signals()[0])
    clf.thresholds(signals()[0])
    assert torch.get_num_threads() == caller_threads


def test_a_failing_fit_restores_the_callers_threads(caller_threads, tiny_params):
    X, _ = signals()
    with pytest.raises(ValueError, match="at least 2 classes"):
        DRSNClassifier(**tiny_params, n_threads=1).fit(X, np.zeros(len(X)))
    assert torch.get_num_threads() == caller_threads


def test_a_fit_interrupted_during_training_restores_the_callers_threads(
    caller_threads, tiny_params
):
    class Interrupt(Callback):
        def on_epoch_end(self, net, **kwargs):
            raise RuntimeError("stopped by the test")

    clf = DRSNClassifier(**tiny_params, n_threads=1, callbacks=[Interrupt()])
    with pytest.raises(RuntimeError, match="stopped by the test"):
        clf.fit(*signals())
    assert torch.get_num_threads() == caller_threads
    assert not hasattr(clf, "net_")


def test_minus_one_means_every_available_core_capped_by_the_workers_limit(monkeypatch):
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    cores = resolve_n_threads(-1)
    assert cores >= 1
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    assert resolve_n_threads(-1) == 1
    assert resolve_n_threads(4) == 4


@pytest.mark.parametrize("bad", [0, -2, 1.5, "all"])
def test_n_threads_is_validated(bad, tiny_params):
    with pytest.raises(ValueError, match="n_threads"):
        DRSNClassifier(**tiny_params, n_threads=bad).fit(*signals())


SCRIPT = textwrap.dedent(
    """
    import json, sys
    import numpy as np
    import torch
    from joblib import parallel_backend
    from sklearn.model_selection import GridSearchCV
    from sklearn_drsn import DRSNClassifier


    def search(base, X, y, **kwargs):
        grid = {"shrinkage": ["cw", None], "lr": [0.01, 0.003]}
        gs = GridSearchCV(base, grid, cv=3, scoring="neg_log_loss", **kwargs).fit(X, y)
        return gs.cv_results_["mean_test_score"].tolist(), repr(gs.best_params_)


    def main():
        rng = np.random.default_rng(0)
        X = rng.normal(size=(60, 64)).astype(np.float32)
        y = np.arange(60) % 3
        X[y == 1] += np.sin(np.arange(64) / 3)
        X[y == 2] += np.sign(np.sin(np.arange(64) / 7))
        base = DRSNClassifier(widths=(8, 16), max_epochs=3, batch_size=8, random_state=0)
        out = {"default_threads": torch.get_num_threads(), "serial": search(base, X, y)}
        out["loky"] = search(base, X, y, n_jobs=2)
        if sys.argv[1] == "dask":
            from distributed import Client, LocalCluster

            with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                              dashboard_address=None) as cluster, Client(cluster):
                with parallel_backend("dask"):
                    out["dask"] = search(base, X, y)
        probas = []
        for threads in (1, 2):
            torch.set_num_threads(threads)
            probas.append(base.fit(X, y).predict_proba(X).tolist())
        out["proba_equal"] = probas[0] == probas[1]
        print(json.dumps(out))


    if __name__ == "__main__":
        main()
    """
)


def test_same_search_gives_identical_scores_serially_in_loky_and_on_dask(tmp_path):
    try:
        import distributed  # noqa: F401

        backend = "dask"
    except ImportError:  # the dask extra is optional; loky and serial are still compared
        backend = "none"
    script = tmp_path / "search.py"
    script.write_text(SCRIPT)
    # A fresh process with PyTorch's default threads (this suite pins one thread).
    env = {k: v for k, v in os.environ.items() if k != "OMP_NUM_THREADS"}
    result = subprocess.run(
        [sys.executable, str(script), backend],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    import json

    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert out["loky"] == out["serial"]
    if backend == "dask":
        assert out["dask"] == out["serial"]
    assert out["proba_equal"]
