"""How DRSNClassifier's fit and predict time grow with N and with signal length.

Prints median seconds per epoch and per prediction pass, and samples/s, for
the paper's DRSN-CW and recipe on random data (CPU; PyTorch's default thread
count; a fit's one epoch includes the BatchNorm statistics pass).

    python benchmarks/bench_scaling.py [--repeats 3]
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from sklearn_drsn import DRSNClassifier


def median_seconds(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def measure(n: int, length: int, repeats: int) -> tuple[float, float]:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(n, length)).astype(np.float32)
    y = rng.integers(0, 8, n)
    # The paper's recipe at every N: "auto" would switch networks below 1,000 signals.
    clf = DRSNClassifier(recipe="paper", max_epochs=1, random_state=0)
    fit = median_seconds(lambda: clf.fit(X, y), repeats)
    predict = median_seconds(lambda: clf.predict_proba(X), repeats)
    return fit, predict


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--repeats", type=int, default=3)
    args = p.parse_args()
    print(f"{'N':>6} {'length':>7} {'fit s/epoch':>12} {'fit samples/s':>14} "
          f"{'predict s':>10} {'predict samples/s':>18}")  # fmt: skip
    for n, length in [(256, 2048), (512, 2048), (1024, 2048), (2048, 2048),
                      (1024, 512), (1024, 1024), (1024, 4096)]:  # fmt: skip
        fit, predict = measure(n, length, args.repeats)
        print(f"{n:>6} {length:>7} {fit:>12.3f} {n / fit:>14,.0f} {predict:>10.3f} "
              f"{n / predict:>18,.0f}")  # fmt: skip


if __name__ == "__main__":
    main()
