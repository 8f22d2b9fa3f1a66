"""DRSN-CW, DRSN-CS and ResNet on real UCR/UEA data sets, clean and with added noise.

Official train/test splits of data sets bundled with sktime or aeon (install
the ``archives`` extra) and of scikit-learn's digits (the development pool of
experiments/select_defaults.py), default DRSNClassifier settings (no per-data-set
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
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from _resume import save, start, write_summary
from joblib import Parallel, delayed
from select_defaults import DIGITS_TRAIN, seed_scores
from select_defaults import FIELDS as CV_FIELDS

from sklearn_drsn.results import read_rows

ARCHIVES = ["GunPoint", "ArrowHead", "ItalyPowerDemand", "BasicMotions", "JapaneseVowels"]
# load_digits as (n, 1, 8, 8) images: the pool's 2-D data set; its first 1,250 images
# are the train part (select_defaults.DIGITS_TRAIN), the other 547 its test part.
DATASETS = [*ARCHIVES, "digits"]
MODELS = {"DRSN-CW": "cw", "DRSN-CS": "cs", "ResNet": None}
# Ismail Fawaz et al. (2019), ResNet, mean (std) test accuracy over 10 runs on the
# UCR archive (their results CSV, hfawaz/dl-4-tsc); JapaneseVowels from their
# multivariate (MTS) archive results, quoted by issue 22 without its std.
# BasicMotions (UEA) is not in their multivariate archive: no published figure.
PUBLISHED_RESNET = {"GunPoint": "99.1 (0.7)", "ArrowHead": "84.5 (1.2)",
                    "ItalyPowerDemand": "96.3 (0.4)", "BasicMotions": "n/a",
                    "JapaneseVowels": "99.2", "digits": "n/a"}  # fmt: skip
# The selection protocol's candidate (experiments/select_defaults.py) for each model:
# its CV accuracy inside the TRAIN split goes beside the test accuracy.
CV_CANDIDATES = {"DRSN-CW": "default", "DRSN-CS": "cs", "ResNet": "resnet"}
FIELDS = ["dataset", "model", "snr_db", "seed", "accuracy", "seconds", "recipe"]
KEY = ["dataset", "model", "snr_db", "seed"]


def load_split(dataset: str, split: str) -> tuple[np.ndarray, np.ndarray]:
    """An official split; digits flat, (n, 64), so that noise is scaled per image."""
    if dataset == "digits":
        from sklearn.datasets import load_digits

        X, y = load_digits(return_X_y=True)
        part = slice(None, DIGITS_TRAIN) if split == "train" else slice(DIGITS_TRAIN, None)
        return X[part], y[part]
    from sklearn_drsn.datasets import load_archive_dataset

    return load_archive_dataset(dataset, split)


def run_one(dataset: str, model: str, snr_db: float | None, seed: int) -> dict:
    import torch

    from sklearn_drsn import DRSNClassifier
    from sklearn_drsn.noise import add_noise

    torch.set_num_threads(1)  # one fit per core
    X_train, y_train = load_split(dataset, "train")
    X_test, y_test = load_split(dataset, "test")
    if snr_db is not None:
        X_train = add_noise(X_train, snr_db, random_state=1000 + seed)
        X_test = add_noise(X_test, snr_db, random_state=2000 + seed)
    if dataset == "digits":
        X_train, X_test = (X.reshape(-1, 1, 8, 8).astype(np.float32) for X in (X_train, X_test))
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


def _cell(accuracies: list[float]) -> str:
    """Mean ± std in % over seeds, and the number of seeds; empty for none."""
    if not accuracies:
        return ""
    return f"{np.mean(accuracies):.1f} ± {np.std(accuracies):.1f} (n={len(accuracies)})"


def summary(path: Path, cv_paths: Sequence[Path] = ()) -> str:
    """One row per data set and model: mean (std) accuracy in % and the number of seeds.

    With ``cv_paths`` (CSVs of ``select_defaults.py``), a first column gives
    the clean CV accuracy inside the TRAIN split, beside the test columns.
    """
    rows = read_rows(path, FIELDS)
    cv_rows = [r for p in cv_paths for r in read_rows(p, CV_FIELDS)] if cv_paths else None
    # Per (data set, candidate), per seed with every fold: the mean CV accuracy.
    cv_scores = seed_scores(cv_rows, max(int(r["n_folds"]) for r in cv_rows)) if cv_rows else {}
    noisy = sorted({r["snr_db"] for r in rows} - {"clean"}, key=float, reverse=True)
    conditions = ["clean", *noisy]
    header = [
        "data set",
        "model",
        *(["CV in TRAIN, clean"] if cv_rows is not None else []),
        *(f"test, {c}" if c == "clean" else f"test, {float(c):g} dB" for c in conditions),
    ]
    lines = [[*header, "published ResNet, test, clean"]]
    for dataset in DATASETS:
        for model in MODELS:
            cells = [dataset, model]
            if cv_rows is not None:
                seeds = cv_scores.get((dataset, CV_CANDIDATES[model]), {}).values()
                cells.append(_cell([100 * score["accuracy"] for score in seeds]))
            for condition in conditions:
                key = (dataset, model, condition)
                acc = [float(r["accuracy"]) * 100 for r in rows
                       if (r["dataset"], r["model"], r["snr_db"]) == key]  # fmt: skip
                cells.append(_cell(acc))
            if not any(cells[2:]):
                continue  # a model not run on this data set
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
    p.add_argument(
        "--cv",
        type=Path,
        nargs="+",
        default=(),
        help="CSVs of select_defaults.py: their CV accuracies go in a column of the summary",
    )
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
    write_summary(args.out, summary(args.out, args.cv))


if __name__ == "__main__":
    main()
