"""Peak memory of predict_proba on many long signals: bounded by the batch, not by N.

Fits DRSN-CW briefly on a small set, then predicts N signals of length 2048
(float32, 200,000 by default: 1.6 GB) and reports the growth of the
process's peak resident memory during prediction against the size of X.
Also predicts N/10 signals, so that the two growths can be compared: if
prediction copied X or kept per-batch activations, the growth would scale
with N.

    python benchmarks/bench_predict_memory.py [--n 200000]
"""

from __future__ import annotations

import argparse
import resource
import time

import numpy as np

from sklearn_drsn import DRSNClassifier


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=200_000)
    p.add_argument("--length", type=int, default=2048)
    args = p.parse_args()
    rng = np.random.default_rng(0)
    X_fit = rng.normal(size=(256, args.length)).astype(np.float32)
    clf = DRSNClassifier(recipe="paper", max_epochs=1, random_state=0)
    clf.fit(X_fit, np.arange(256) % 8)
    for n in (args.n // 10, args.n):
        X = np.empty((n, args.length), dtype=np.float32)
        for start in range(0, n, 10_000):  # fill without a float64 temporary of size N
            block = X[start : start + 10_000]
            block[:] = rng.standard_normal(block.shape, dtype=np.float32)
        before = peak_mb()
        start = time.perf_counter()
        proba = clf.predict_proba(X)
        seconds = time.perf_counter() - start
        growth = peak_mb() - before
        print(f"N={n:>7,}: X is {X.nbytes / 2**20:,.0f} MiB; peak RSS grew by {growth:,.0f} MiB "
              f"during predict_proba ({proba.nbytes / 2**20:,.1f} MiB of which is the output); "
              f"{n / seconds:,.0f} samples/s")  # fmt: skip
        del X, proba


if __name__ == "__main__":
    main()
