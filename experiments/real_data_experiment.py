"""DRSN-CW, DRSN-CS and ResNet on real UCR/UEA data sets, clean and with added noise.

Official train/test splits of data sets bundled with sktime or aeon (install
the ``archives`` extra), default DRSNClassifier settings (no per-data-set
tuning), several seeds; Gaussian noise at a given SNR is added to the train
and the test signals alike (independent draws). Results are appended to a
CSV as they arrive, so an interrupted run keeps what it measured; the
summary is printed as an RST table next to the published ResNet accuracies.

    python experiments/real_data_experiment.py [--jobs 2] [--out docs/_static/real_data.csv]
    python experiments/real_data_experiment.py --summary-only   # the table again, from the CSV
    # more seeds for some cells, keeping what is there:
    python experiments/real_data_experiment.py --resume --datasets GunPoint --models DRSN-CW \
        --clean-seeds 10 --noisy-seeds 0

The summary table goes to ``<out>_summary.csv`` (the docs include it). The
user guide's real-data page says how long a run takes.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import numpy as np
from _resume import save, start, write_summary
from joblib import Parallel, delayed

from sklearn_drsn.results import read_rows

DATASETS = ["GunPoint", "ArrowHead", "ItalyPowerDemand", "BasicMotions"]
MODELS = {"DRSN-CW": "cw", "DRSN-CS": "cs", "ResNet": None}
# Ismail Fawaz et al. (2019), ResNet, mean (std) test accuracy over 10 runs on the
# UCR archive (their results CSV, hfawaz/dl-4-tsc). BasicMotions (UEA) is not in
# their multivariate archive, so no published ResNet figure is quoted for it.
PUBLISHED_RESNET = {"GunPoint": "99.1 (0.7)", "ArrowHead": "84.5 (1.2)",
                    "ItalyPowerDemand": "96.3 (0.4)", "BasicMotions": "n/a"}  # fmt: skip
FIELDS = ["dataset", "model", "snr_db", "seed", "accuracy", "seconds", "recipe"]
KEY = ["dataset", "model", "snr_db", "seed"]


def run_one(dataset: str, model: str, snr_db: float | None, seed: int) -> dict:
    import torch

    from sklearn_drsn import DRSNClassifier
    from sklearn_drsn.datasets import load_archive_dataset
    from sklearn_drsn.noise import add_noise

    torch.set_num_threads(1)  # one fit per core
    X_train, y_train = load_archive_dataset(dataset, "train")
    X_test, y_test = load_archive_dataset(dataset, "test")
    if snr_db is not None:
        X_train = add_noise(X_train, snr_db, random_state=1000 + seed)
        X_test = add_noise(X_test, snr_db, random_state=2000 + seed)
    start = time.perf_counter()
    clf = DRSNClassifier(shrinkage=MODELS[model], random_state=seed).fit(X_train, y_train)
    accuracy = float(clf.score(X_test, y_test))
    return dict(dataset=dataset, model=model, snr_db="clean" if snr_db is None else snr_db,
                seed=seed, accuracy=round(accuracy, 4),
                seconds=round(time.perf_counter() - start, 1), recipe=clf.recipe_)  # fmt: skip


def jobs(clean_seeds: int, noisy_seeds: int, snrs: list[float], datasets=DATASETS, models=MODELS):
    """Seed by seed over every condition, so that a run stopped early is balanced."""
    for seed in range(max(clean_seeds, noisy_seeds)):
        conditions = ([None] if seed < clean_seeds else []) + (snrs if seed < noisy_seeds else [])
        for snr in conditions:
            for dataset in datasets:
                for model in models:
                    yield dataset, model, snr, seed


def summary(path: Path) -> str:
    """One row per data set and model: mean (std) accuracy in % and the number of seeds."""
    rows = read_rows(path, FIELDS)
    noisy = sorted({r["snr_db"] for r in rows} - {"clean"}, key=float, reverse=True)
    conditions = ["clean", *noisy]
    header = [
        "data set",
        "model",
        *(c if c == "clean" else f"{float(c):g} dB" for c in conditions),
    ]
    lines = [[*header, "published ResNet, clean"]]
    for dataset in DATASETS:
        for model in MODELS:
            cells = [dataset, model]
            for condition in conditions:
                key = (dataset, model, condition)
                acc = [float(r["accuracy"]) * 100 for r in rows
                       if (r["dataset"], r["model"], r["snr_db"]) == key]  # fmt: skip
                cells.append(
                    f"{np.mean(acc):.1f} ± {np.std(acc):.1f} (n={len(acc)})" if acc else ""
                )
            cells.append(PUBLISHED_RESNET[dataset] if model == "ResNet" else "")
            lines.append(cells)
    return "\n".join(",".join(f'"{c}"' for c in line) for line in lines)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    p.add_argument("--clean-seeds", type=int, default=3)
    p.add_argument("--noisy-seeds", type=int, default=2)
    p.add_argument("--snrs", default="-5,0", help="comma-separated SNRs in dB")
    p.add_argument("--datasets", default=",".join(DATASETS), help="comma-separated subset")
    p.add_argument("--models", default=",".join(MODELS), help="comma-separated subset")
    p.add_argument("--out", type=Path, default=Path("docs/_static/real_data.csv"))
    p.add_argument("--summary-only", action="store_true")
    p.add_argument("--resume", action="store_true", help="skip the runs already in --out")
    args = p.parse_args()
    if not args.summary_only:
        snrs = [float(s) for s in args.snrs.split(",") if s]
        done = start(args.out, FIELDS, KEY, args.resume)
        todo = [
            job for job in jobs(args.clean_seeds, args.noisy_seeds, snrs,
                                args.datasets.split(","), args.models.split(","))
            if (job[0], job[1], "clean" if job[2] is None else str(job[2]), str(job[3]))
            not in done
        ]  # fmt: skip
        results = Parallel(n_jobs=args.jobs, return_as="generator_unordered")(
            delayed(run_one)(*job) for job in todo
        )
        save(results, args.out, FIELDS)
    write_summary(args.out, summary(args.out))


if __name__ == "__main__":
    main()
