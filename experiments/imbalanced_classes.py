"""Imbalanced classes: DRSNClassifier with and without ``class_weight="balanced"``.

The drivetrain simulator (one operating condition, 30 Hz and load 6, fault
severity 2, signals of 1,024 points) with Gaussian noise at 10 dB SNR. In
the training set of each seed, one fault class keeps 10 % of the others'
count (4 signals against 40); the test set is drawn separately, balanced
(50 a class) and the same for every seed. For each seed (which draws the
training signals, the noise, the minority subsample and the network's
initialisation), a default DRSNClassifier is fitted twice, without and with
``class_weight="balanced"``, and scored by balanced accuracy and the
minority class's recall. ``max_epochs`` is capped (40 by default; the
"small" recipe would train 100 epochs here) to keep a run (5 seeds) near 7 CPU-minutes.

    python experiments/imbalanced_classes.py [--seeds 5] [--jobs 2]
    python experiments/imbalanced_classes.py --summary-only   # the table again, from the CSV

Rows go to ``docs/_static/imbalanced_classes.csv`` as the fits end (``--resume``
keeps those already there); the summary table to ``imbalanced_classes_summary.csv``.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
from _resume import save, start, write_summary
from joblib import Parallel, delayed

from sklearn_drsn.results import read_rows

FIELDS = ["seed", "class_weight", "balanced_accuracy", "minority_recall", "accuracy",
          "n_train", "n_epochs", "cpu_seconds"]  # fmt: skip
KEY = ["seed", "class_weight"]
# The simulator's settings, shared by the training and the test sets.
SIMULATOR = dict(length=1024, speeds=(30.0,), loads=(6.0,), fault_severity=2.0)
N_PER_CLASS = 40  # training signals of each majority class
N_TEST_PER_CLASS = 50
TEST_SEED = 10_000  # the test set's random_state, away from the training seeds


def noisy_signals(n_per_class: int, seed: int, snr_db: float) -> tuple[np.ndarray, np.ndarray]:
    """Simulated signals (seeded by ``seed``) with Gaussian noise at ``snr_db``."""
    from sklearn_drsn.datasets import make_drivetrain
    from sklearn_drsn.noise import add_noise

    X, y = make_drivetrain(n_per_class, **SIMULATOR, return_conditions=False, random_state=seed)
    return add_noise(X, snr_db, random_state=seed + 1000), y


def run_one(seed: int, class_weight: str, minority: int, ratio: float, snr_db: float,
            max_epochs: int | None) -> dict:  # fmt: skip
    from sklearn.metrics import balanced_accuracy_score, recall_score

    from sklearn_drsn import DRSNClassifier

    X, y = noisy_signals(N_PER_CLASS, seed, snr_db)
    # Keep a random `ratio` of the minority class's training signals, drop the rest.
    rng = np.random.default_rng(seed)
    minority_idx = np.flatnonzero(y == minority)
    dropped = rng.permutation(minority_idx)[round(ratio * len(minority_idx)) :]
    keep = np.setdiff1d(np.arange(len(y)), dropped)
    X, y = X[keep], y[keep]
    X_test, y_test = noisy_signals(N_TEST_PER_CLASS, TEST_SEED, snr_db)
    start = time.process_time()  # CPU time: the shared machine makes wall time noisy
    clf = DRSNClassifier(
        class_weight=None if class_weight == "none" else class_weight,
        max_epochs=max_epochs,
        random_state=seed,
    ).fit(X, y)
    pred = clf.predict(X_test)
    return dict(
        seed=seed,
        class_weight=class_weight,
        balanced_accuracy=round(float(balanced_accuracy_score(y_test, pred)), 4),
        minority_recall=round(
            float(recall_score(y_test, pred, labels=[minority], average=None)[0]), 4
        ),
        accuracy=round(float(np.mean(pred == y_test)), 4),
        n_train=len(y),
        n_epochs=clf.n_epochs_,
        cpu_seconds=round(time.process_time() - start, 1),
    )


def summary(path: Path) -> str:
    """One row per weighting: mean ± std in % over the seeds, then every seed's value."""
    rows = read_rows(path, FIELDS)
    lines = [["class_weight", "seeds", "balanced accuracy (%)", "minority recall (%)",
              "balanced accuracy by seed", "minority recall by seed"]]  # fmt: skip
    for weighting in ("none", "balanced"):
        mine = sorted(
            (r for r in rows if r["class_weight"] == weighting), key=lambda r: int(r["seed"])
        )
        if not mine:
            continue
        cells = [weighting, ",".join(r["seed"] for r in mine)]
        values = {
            m: [100 * float(r[m]) for r in mine] for m in ("balanced_accuracy", "minority_recall")
        }
        cells += [f"{np.mean(v):.1f} ± {np.std(v):.1f}" for v in values.values()]
        cells += [" / ".join(f"{x:.1f}" for x in v) for v in values.values()]
        lines.append(cells)
    return "\n".join(",".join(f'"{c}"' for c in line) for line in lines)


def main() -> None:
    from sklearn_drsn.datasets import DRIVETRAIN_CLASSES

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seeds", type=int, default=5, help="seeds 0 .. SEEDS-1")
    p.add_argument("--jobs", type=int, default=2, help="fits at a time (one thread each)")
    p.add_argument("--minority", default="bearing_inner_race", choices=DRIVETRAIN_CLASSES)
    p.add_argument("--ratio", type=float, default=0.1, help="minority count / majority count")
    p.add_argument("--snr", type=float, default=10.0, help="SNR of the added noise in dB")
    p.add_argument("--max-epochs", type=int, default=40, help="0: the recipe's own")
    p.add_argument("--out", type=Path, default=Path("docs/_static/imbalanced_classes.csv"))
    p.add_argument("--summary-only", action="store_true")
    p.add_argument("--resume", action="store_true", help="skip the runs already in --out")
    args = p.parse_args()
    if not args.summary_only:
        done = start(args.out, FIELDS, KEY, args.resume)
        todo = [(s, w) for s in range(args.seeds) for w in ("none", "balanced")
                if (str(s), w) not in done]  # fmt: skip
        minority = DRIVETRAIN_CLASSES.index(args.minority)
        results = Parallel(n_jobs=args.jobs, return_as="generator_unordered")(
            delayed(run_one)(s, w, minority, args.ratio, args.snr, args.max_epochs or None)
            for s, w in todo
        )
        save(results, args.out, FIELDS)
    write_summary(args.out, summary(args.out))


if __name__ == "__main__":
    main()
