"""Seed ensembles of the default DRSN-CW on real UCR/UEA data sets.

Fits ``DRSNClassifier(random_state=s)`` (default settings) for seeds
``0 .. n_seeds - 1`` on each data set's official train split, keeps the test
probabilities, and reports the single networks, the soft-voting ensembles
of consecutive seeds (0-4, 5-9, ...) and the ensemble of all of them.
Averaging the members' probabilities is exactly what
``make_seed_ensemble(k, random_state=first_seed)`` predicts (tests/test_ensemble.py
checks it); fitting the members one by one lets every seed serve as a single
network too. Needs the ``archives`` extra.

    python experiments/seed_ensemble_experiment.py --datasets GunPoint,ArrowHead --seeds 10
"""

from __future__ import annotations

import argparse

import numpy as np
from joblib import Parallel, delayed


def fit_and_predict_proba(dataset: str, seed: int, shrinkage: str | None) -> np.ndarray:
    import torch

    from sklearn_drsn import DRSNClassifier
    from sklearn_drsn.datasets import load_archive_dataset

    torch.set_num_threads(1)  # one fit per core
    X_train, y_train = load_archive_dataset(dataset, "train")
    X_test, _ = load_archive_dataset(dataset, "test")
    clf = DRSNClassifier(shrinkage=shrinkage, random_state=seed).fit(X_train, y_train)
    return clf.predict_proba(X_test)


def report(dataset: str, probas: list[np.ndarray], size: int) -> str:
    from sklearn.preprocessing import LabelEncoder

    from sklearn_drsn.datasets import load_archive_dataset

    _, y_test = load_archive_dataset(dataset, "test")
    codes = LabelEncoder().fit_transform(y_test)  # the classifiers' classes_ are sorted
    single = [100 * np.mean(p.argmax(1) == codes) for p in probas]
    groups = [range(i, i + size) for i in range(0, len(probas) - size + 1, size)]
    groups.append(range(len(probas)))  # and one ensemble of every seed
    mean_probas = [np.mean([probas[s] for s in g], axis=0) for g in groups]
    ensembles = [100 * np.mean(p.argmax(1) == codes) for p in mean_probas]
    return (
        f"{dataset}: single networks {np.mean(single):.1f} ± {np.std(single):.1f} "
        f"(seeds {', '.join(f'{a:.1f}' for a in single)}); ensembles: "
        + ", ".join(f"seeds {g.start}-{g.stop - 1}: {a:.1f}" for g, a in zip(groups, ensembles))
    )


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--datasets", default="GunPoint,ArrowHead,ItalyPowerDemand,BasicMotions")
    p.add_argument("--seeds", type=int, default=10, help="seeds 0 .. SEEDS-1")
    p.add_argument("--size", type=int, default=5, help="networks per ensemble")
    p.add_argument("--shrinkage", default="cw", help="cw, cs or none (the ResNet)")
    p.add_argument("--jobs", type=int, default=2)
    args = p.parse_args()
    datasets = args.datasets.split(",")
    shrinkage = None if args.shrinkage == "none" else args.shrinkage
    tasks = [(d, s) for s in range(args.seeds) for d in datasets]
    probas = Parallel(n_jobs=args.jobs)(
        delayed(fit_and_predict_proba)(d, s, shrinkage) for d, s in tasks
    )
    for dataset in datasets:
        mine = [p for (d, _), p in zip(tasks, probas) if d == dataset]
        print(report(dataset, mine, args.size))


if __name__ == "__main__":
    main()
