"""Thread policy: one fit and a small search, under each ``n_threads`` and ``n_jobs``.

Prints medians and ratios against the default policy (``n_threads=1``), and
the PyTorch thread counts that the fits saw inside the workers, so that
oversubscription shows as a count above ``cores / workers``.

    python benchmarks/bench_threads.py [--repeats 3] [--epochs 20]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import numpy as np
import torch
from sklearn.model_selection import cross_validate
from skorch.callbacks import Callback

from sklearn_drsn import DRSNClassifier


class RecordThreads(Callback):
    """Record the PyTorch thread count and the process id at the end of each epoch."""

    def on_epoch_end(self, net, **kwargs):
        net.history.record("threads", torch.get_num_threads())
        net.history.record("pid", os.getpid())


def gunpoint_like(n=50, length=150, seed=0):
    """Two classes of noisy bumps at different places, GunPoint's size."""
    rng = np.random.default_rng(seed)
    t = np.arange(length)
    y = np.arange(n) % 2
    centre = np.where(y == 0, 50, 100)[:, None] + rng.normal(0, 5, (n, 1))
    X = np.exp(-((t - centre) ** 2) / 200) + rng.normal(0, 0.3, (n, length))
    return X.astype(np.float32), y


def time_fit(params, X, y, repeats):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        DRSNClassifier(**params).fit(X, y)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def time_search(params, X, y, n_jobs, repeats):
    """Median seconds of 6-fold cross-validation and the thread counts seen per worker."""
    times, seen = [], {}
    for _ in range(repeats):
        start = time.perf_counter()
        cv = cross_validate(
            DRSNClassifier(**params, callbacks=[RecordThreads()]),
            X,
            y,
            cv=6,
            n_jobs=n_jobs,
            return_estimator=True,
        )
        times.append(time.perf_counter() - start)
        for est in cv["estimator"]:
            seen[est.history_[-1, "pid"]] = est.history_[-1, "threads"]
    return statistics.median(times), seen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=20)
    args = parser.parse_args()
    X, y = gunpoint_like()
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    base = dict(max_epochs=args.epochs, random_state=0)
    print(
        f"{cores} cores; PyTorch's default {torch.get_num_threads()} threads; data {X.shape}, "
        f"default recipe, {args.epochs} epochs; medians of {args.repeats}"
    )

    print("\none fit")
    policies = {"n_threads=1 (default)": 1, "n_threads=-1": -1, "n_threads=None": None}
    fits = {name: time_fit({**base, "n_threads": n}, X, y, args.repeats)
            for name, n in policies.items()}  # fmt: skip
    reference = fits["n_threads=1 (default)"]
    for name, seconds in fits.items():
        print(f"  {name:24s} {seconds:7.2f} s   {seconds / reference:5.2f}x the default")

    print("\n6-fold cross_validate")
    rows = {}
    for name, n in policies.items():
        for n_jobs in (1, -1):
            rows[name, n_jobs] = time_search({**base, "n_threads": n}, X, y, n_jobs, args.repeats)
    reference = rows["n_threads=1 (default)", 1][0]
    for (name, n_jobs), (seconds, seen) in rows.items():
        counts = sorted(set(seen.values()))
        total = len(seen) * max(counts)
        print(f"  {name:24s} n_jobs={n_jobs:2d} {seconds:7.2f} s   "
              f"{seconds / reference:5.2f}x   {len(seen)} process(es), threads per fit "
              f"{counts}, at most {total} threads for {cores} cores")  # fmt: skip


if __name__ == "__main__":
    main()
