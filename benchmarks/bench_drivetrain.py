"""Throughput of the drivetrain simulator: ``python benchmarks/bench_drivetrain.py``.

Prints samples per second for 8 x 500 observations of 2048 points (best of 3 runs).
"""

import argparse
import time

from sklearn_drsn.datasets import make_drivetrain


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-per-class", type=int, default=500)
    parser.add_argument("--length", type=int, default=2048)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    make_drivetrain(n_per_class=2, length=args.length, random_state=0)  # warm-up
    n = 8 * args.n_per_class
    best = float("inf")
    for seed in range(args.repeats):
        start = time.perf_counter()
        make_drivetrain(n_per_class=args.n_per_class, length=args.length, random_state=seed)
        best = min(best, time.perf_counter() - start)
    print(
        f"make_drivetrain: {n} x {args.length} samples in {best:.3f} s "
        f"-> {n / best:,.0f} samples/s"
    )


if __name__ == "__main__":
    main()
