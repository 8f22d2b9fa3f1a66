"""Choosing DRSNClassifier's defaults on a development pool, by CV inside the TRAIN splits only.

The protocol of issue 22 (docs: user_guide/selection_protocol.rst). Each
candidate is a named dict of ``DRSNClassifier`` hyper-parameters
(:data:`CANDIDATES`); each data set of the development pool
(:data:`DATASETS`) is scored by stratified k-fold cross-validation inside
its official TRAIN split (or the fixed train part of a simulated or
scikit-learn data set). No test split is ever read here: test splits are
read once, at the end, by the script that makes the reported table.

For every (data set, candidate, seed, fold) one fit: the seed fixes both the
folds and the network's ``random_state``, so candidates are compared on the
same folds (paired). Each fold's row is appended to ``--out`` as its fit
ends; ``--resume`` skips the rows already there, so an interrupted run goes
on where it stopped.

    python experiments/select_defaults.py --datasets digits --candidates paper,small-e25 \
        --seeds 0-2 --folds 3 --jobs 2 --out select_defaults.csv
    python experiments/select_defaults.py --out select_defaults.csv --resume ...  # goes on
    python experiments/select_defaults.py --summary --out select_defaults.csv --baseline paper
    python experiments/select_defaults.py --summary --out select_defaults.csv \
        --candidates small,small-e25 --baseline paper  # only these and the baseline

The summary prints, per data set and candidate, the mean ± sample std over
seeds of each seed's mean CV accuracy, the per-seed values, the mean wall
and CPU seconds of one fit (on a shared machine the CPU seconds are the
steadier measure), the seeds on which the candidate beats ``--baseline``
(paired), and the pooled mean rank of each candidate over all (data set,
seed) cells where every candidate has a complete seed.
"""

from __future__ import annotations

import argparse
import functools
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))  # _resume, when imported by path
from _resume import completed, save

from sklearn_drsn.results import read_rows

#: The archive data sets of the development pool (official TRAIN splits only).
ARCHIVE_POOL = ("GunPoint", "ArrowHead", "ItalyPowerDemand", "BasicMotions", "JapaneseVowels")
#: load_digits' first images form its train part; the others are its test part, never read here.
DIGITS_TRAIN = 1250
#: Seed of the simulated signals and of all added noise: the data set is fixed, the seeds vary.
DATA_SEED = 0


def _archive(name: str):
    from sklearn_drsn.datasets import load_archive_dataset

    return load_archive_dataset(name, split="train")


def _drivetrain(n_per_class: int, length: int, snr_db: float):
    from sklearn_drsn.datasets import make_drivetrain
    from sklearn_drsn.noise import add_noise
    from sklearn_drsn.preprocessing import SignalStandardizer

    X, y = make_drivetrain(
        n_per_class, length=length, return_conditions=False, random_state=DATA_SEED
    )
    X = add_noise(X, snr_db, random_state=DATA_SEED)
    # Per-signal standardisation is stateless (each signal by its own statistics), so no leak.
    return SignalStandardizer().fit_transform(X).astype(np.float32), y


def _digits(snr_db: float | None):
    from sklearn.datasets import load_digits

    from sklearn_drsn.noise import add_noise

    X, y = load_digits(return_X_y=True)
    X, y = X[:DIGITS_TRAIN], y[:DIGITS_TRAIN]
    # Noise is scaled per image (64 pixels), not per row of 8, hence the flat shape here.
    X = add_noise(X, snr_db, random_state=DATA_SEED)
    return X.reshape(-1, 1, 8, 8).astype(np.float32), y


def _standardised_archive(name: str):
    """An archive's TRAIN split with each signal standardised on its own (the main job's way)."""
    from sklearn_drsn.preprocessing import SignalStandardizer

    X, y = _archive(name)
    # Per-signal standardisation is stateless (each signal by its own statistics), so no leak.
    return SignalStandardizer().fit_transform(X).astype(np.float32), y


#: The development pool: name -> loader of (X, y), the train part only.
DATASETS: dict[str, Callable[[], tuple[np.ndarray, np.ndarray]]] = {
    **{name: functools.partial(_archive, name) for name in ARCHIVE_POOL},
    # JapaneseVowels as the main job gives it to the models by default (no --raw-amplitudes).
    "JapaneseVowels-std": functools.partial(_standardised_archive, "JapaneseVowels"),
    "drivetrain-0db": functools.partial(_drivetrain, 30, 1024, 0.0),
    # 190 a class: 1,520 signals, so that each fit of a 3-fold CV sees 1,000 or more.
    "drivetrain-1520": functools.partial(_drivetrain, 190, 512, 0.0),
    "digits": functools.partial(_digits, None),
    "digits-10db": functools.partial(_digits, 10.0),
}


def _few_batches(batches: int, min_steps: int, min_epochs: int, lr: float) -> dict:
    """A schedule rule: ``batches`` near-equal batches an epoch, of at most 32 signals."""
    return dict(batch_divisor=batches, round_up=True, max_batch=32, min_steps=min_steps,
                epochs=(min_epochs, 500), lr=lr)  # fmt: skip


#: The small recipe's schedule for signals before issue 25: batches of a tenth within
#: 2..16, at least 1,500 steps and 100 epochs, Adam at 1e-3.
TENTH_1500 = dict(batch_divisor=10, round_up=False, max_batch=16, min_steps=1500,
                  epochs=(100, 500), lr=1e-3)  # fmt: skip

#: Candidate defaults: name -> DRSNClassifier hyper-parameters on top of its defaults.
CANDIDATES: dict[str, dict] = {
    "default": {},
    "paper": {"recipe": "paper"},
    "small": {"recipe": "small"},
    # The small recipe capped at 25 epochs (1,325 steps on 833 digits): the pilot's CPU budget.
    "small-e25": {"recipe": "small", "max_epochs": 25},
    "resnet": {"shrinkage": None},
    "cs": {"shrinkage": "cs"},
    # Four networks packed into one (Laurent et al., 2023): the seed-spread lever of issue 22.
    "packed4": {"n_members": 4},
    # Fewer, larger steps (issue 25): each epoch is a few near-equal batches (at most 32
    # signals), for at least min_steps steps and epochs[0] epochs; rules of the form of
    # _recipes.SMALL_SCHEDULE. "k4-e60" is SMALL_SCHEDULE[1], the default for signals
    # since then (its rows are "default" in the CSVs).
    "k2": {"schedule": _few_batches(2, min_steps=200, min_epochs=100, lr=1e-3)},
    "k2-lr3": {"schedule": _few_batches(2, min_steps=200, min_epochs=100, lr=3e-3)},
    "k4-e60": {"schedule": _few_batches(4, min_steps=240, min_epochs=60, lr=2e-3)},
    "k4-e60-lr1": {"schedule": _few_batches(4, min_steps=240, min_epochs=60, lr=1e-3)},
    # The small recipe's schedule for signals before issue 25, alone and with the
    # candidates that were measured with it.
    "tenth-1500": {"schedule": TENTH_1500},
    "resnet-tenth-1500": {"schedule": TENTH_1500, "shrinkage": None},
    "packed4-tenth-1500": {"schedule": TENTH_1500, "n_members": 4},
}

FIELDS = ["dataset", "candidate", "seed", "n_folds", "fold", "accuracy", "fit_seconds",
          "fit_cpu_seconds", "n_train", "recipe", "max_epochs", "n_epochs"]  # fmt: skip
KEY = ("dataset", "candidate", "seed", "n_folds", "fold")


def load(dataset: str) -> tuple[np.ndarray, np.ndarray]:
    """The train part of ``dataset``, loaded anew for each fit (a second at most)."""
    return DATASETS[dataset]()


def parse_seeds(text: str) -> list[int]:
    """``"0-2"`` or ``"0,1,2"`` (or a mix, ``"0-2,7"``) -> ``[0, 1, 2]``.

    >>> parse_seeds("0-2,7")
    [0, 1, 2, 7]
    """
    seeds = []
    for part in text.split(","):
        first, _, last = part.partition("-")
        seeds.extend(range(int(first), int(last or first) + 1))
    return seeds


def parse_names(text: str, known: Sequence[str], what: str) -> list[str]:
    """Comma-separated names, each checked against ``known``."""
    names = [n for n in text.split(",") if n]
    unknown = [n for n in names if n not in known]
    if unknown:
        raise SystemExit(f"unknown {what}: {', '.join(unknown)}; known: {', '.join(known)}")
    return names


def tasks(datasets, candidates, seeds, n_folds, done=frozenset()) -> list[tuple]:
    """The (dataset, candidate, seed, n_folds, fold) fits not in ``done``, seed by seed.

    Seed-major order, so that an interrupted run leaves whole seeds of every candidate.
    """
    todo = []
    for seed in seeds:
        for dataset in datasets:
            for candidate in candidates:
                for fold in range(n_folds):
                    task = (dataset, candidate, seed, n_folds, fold)
                    if tuple(map(str, task)) not in done:
                        todo.append(task)
    return todo


def candidate_params(candidate: str, n_train: int) -> dict:
    """``DRSNClassifier`` hyper-parameters of ``candidate`` for a fit on ``n_train`` signals.

    >>> candidate_params("k4-e60", 50)
    {'batch_size': 13, 'max_epochs': 60, 'lr': 0.002}
    >>> candidate_params("tenth-1500", 50)
    {'batch_size': 5, 'max_epochs': 150, 'lr': 0.001}
    """
    from sklearn_drsn._recipes import small_schedule

    params = dict(CANDIDATES[candidate])
    rule = params.pop("schedule", None)
    if rule is not None:
        batch, epochs = small_schedule(n_train, rule=rule)
        params.update(batch_size=batch, max_epochs=epochs, lr=rule["lr"])
    return params


def run_fold(dataset: str, candidate: str, seed: int, n_folds: int, fold: int) -> dict:
    """Fit one candidate on all folds but ``fold`` of the train part, score it on ``fold``."""
    from sklearn.model_selection import StratifiedKFold

    from sklearn_drsn import DRSNClassifier

    X, y = load(dataset)
    splits = StratifiedKFold(n_folds, shuffle=True, random_state=seed).split(X, y)
    train, valid = list(splits)[fold]
    params = candidate_params(candidate, len(train))
    clf = DRSNClassifier(**{"n_threads": 1, **params, "random_state": seed})
    wall, cpu = time.perf_counter(), time.process_time()
    clf.fit(X[train], y[train])
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return {
        "dataset": dataset, "candidate": candidate, "seed": seed, "n_folds": n_folds,
        "fold": fold, "accuracy": float(clf.score(X[valid], y[valid])),
        "fit_seconds": round(wall, 2), "fit_cpu_seconds": round(cpu, 2),
        "n_train": len(train), "recipe": clf.recipe_,
        "max_epochs": clf.config_["max_epochs"], "n_epochs": clf.n_epochs_,
    }  # fmt: skip


def seed_scores(rows: Sequence[dict], n_folds: int) -> dict[tuple[str, str], dict[int, dict]]:
    """Per (dataset, candidate), per seed with all ``n_folds`` folds: mean accuracy and fit s."""
    folds: dict[tuple, dict[int, list[dict]]] = {}
    for r in rows:
        if int(r["n_folds"]) == n_folds:
            key = (r["dataset"], r["candidate"])
            folds.setdefault(key, {}).setdefault(int(r["seed"]), []).append(r)
    scores: dict[tuple[str, str], dict[int, dict]] = {}
    for key, by_seed in folds.items():
        for seed, fs in sorted(by_seed.items()):
            if len({int(f["fold"]) for f in fs}) == n_folds:
                scores.setdefault(key, {})[seed] = {
                    # Rounded: equal fold means can differ in their last bits once
                    # averaged, which would break ties in the wins and the ranks.
                    "accuracy": round(float(np.mean([float(f["accuracy"]) for f in fs])), 12),
                    "fit_seconds": float(np.mean([float(f["fit_seconds"]) for f in fs])),
                    "fit_cpu_seconds": float(
                        np.mean([float(f.get("fit_cpu_seconds") or "nan") for f in fs])
                    ),
                }
    return scores


def mean_ranks(scores: dict, candidates: Sequence[str]) -> dict[str, float]:
    """Each candidate's mean rank (1 = best, ties averaged) over (dataset, seed) cells.

    Only the cells where every one of ``candidates`` has a complete seed count.

    >>> s = {("a", "x"): {0: {"accuracy": 0.9}}, ("a", "y"): {0: {"accuracy": 0.8}}}
    >>> mean_ranks(s, ["x", "y"])
    {'x': 1.0, 'y': 2.0}
    """
    from scipy.stats import rankdata

    cells = {(d, s) for (d, _), by_seed in scores.items() for s in by_seed}
    ranks: dict[str, list[float]] = {c: [] for c in candidates}
    for dataset, seed in sorted(cells):
        accs = [scores.get((dataset, c), {}).get(seed, {}).get("accuracy") for c in candidates]
        if None in accs:
            continue
        for c, rank in zip(candidates, rankdata([-a for a in accs]), strict=True):
            ranks[c].append(float(rank))
    return {c: float(np.mean(r)) if r else float("nan") for c, r in ranks.items()}


def summary(rows: Sequence[dict], n_folds: int, baseline: str) -> list[dict]:
    """One dict per (dataset, candidate): mean, std over seeds, per-seed values, wins."""
    scores = seed_scores(rows, n_folds)
    table = []
    for (dataset, candidate), by_seed in scores.items():
        accs = [v["accuracy"] for v in by_seed.values()]
        base = scores.get((dataset, baseline), {})
        paired = [s for s in by_seed if s in base]
        table.append({
            "dataset": dataset, "candidate": candidate, "n_seeds": len(accs),
            "mean": float(np.mean(accs)),
            "std": float(np.std(accs, ddof=1)) if len(accs) > 1 else float("nan"),
            "per_seed": {s: v["accuracy"] for s, v in by_seed.items()},
            "fit_seconds": float(np.mean([v["fit_seconds"] for v in by_seed.values()])),
            "fit_cpu_seconds": float(np.mean([v["fit_cpu_seconds"] for v in by_seed.values()])),
            "wins": sum(by_seed[s]["accuracy"] > base[s]["accuracy"] for s in paired),
            "paired": len(paired) if candidate != baseline else 0,
        })  # fmt: skip
    return table


def format_summary(rows: Sequence[dict], n_folds: int, baseline: str) -> str:
    """The summary as text: one line per (dataset, candidate), then the pooled mean ranks."""
    table = summary(rows, n_folds, baseline)
    lines = [f"{n_folds}-fold CV inside the train part; accuracy in %, mean ± std over seeds",
             f"{'dataset':<18}{'candidate':<12}{'mean ± std':>14}  {'per seed':<28}"
             f"{'fit s':>7}{'cpu s':>7}  beats {baseline}"]  # fmt: skip
    for t in table:
        per_seed = " ".join(f"{s}:{100 * a:.1f}" for s, a in t["per_seed"].items())
        wins = f"{t['wins']}/{t['paired']}" if t["paired"] else "-"
        lines.append(
            f"{t['dataset']:<18}{t['candidate']:<12}"
            f"{100 * t['mean']:>6.1f} ± {100 * t['std']:>4.1f}  {per_seed:<28}"
            f"{t['fit_seconds']:>7.0f}{t['fit_cpu_seconds']:>7.0f}  {wins}"
        )
    candidates = list(dict.fromkeys(t["candidate"] for t in table))
    ranks = mean_ranks(seed_scores(rows, n_folds), candidates)
    lines.append("pooled mean rank (1 = best): "
                 + ", ".join(f"{c} {r:.2f}" for c, r in ranks.items()))  # fmt: skip
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--datasets", default=",".join(DATASETS), help="comma-separated, of the pool")
    p.add_argument(
        "--candidates",
        help="comma-separated names of CANDIDATES: those to run (default: default) and to "
        "summarise with the baseline (default: every candidate in --out)",
    )
    p.add_argument("--seeds", default="0-2", help='e.g. "0-9" or "0,3,5"')
    p.add_argument("--folds", type=int, default=3, help="stratified folds inside the train part")
    p.add_argument("--jobs", type=int, default=2, help="fits at a time (one thread each)")
    p.add_argument("--out", type=Path, default=Path("select_defaults.csv"))
    p.add_argument("--resume", action="store_true", help="skip the fits already in --out")
    p.add_argument("--summary", action="store_true", help="only print the summary of --out")
    p.add_argument(
        "--baseline", default="default", help="the candidate that wins are counted against"
    )
    args = p.parse_args(argv)

    if not args.summary:
        datasets = parse_names(args.datasets, list(DATASETS), "data sets")
        candidates = parse_names(args.candidates or "default", list(CANDIDATES), "candidates")
        if args.out.exists() and not args.resume:
            raise SystemExit(f"{args.out} exists: pass --resume to go on, or another --out")
        done = completed(args.out, FIELDS, KEY)
        todo = tasks(datasets, candidates, parse_seeds(args.seeds), args.folds, done)
        print(f"{len(todo)} fits to run, {len(done)} already in {args.out}", flush=True)
        from joblib import Parallel, delayed

        parallel = Parallel(n_jobs=args.jobs, return_as="generator_unordered")
        save(parallel(delayed(run_fold)(*t) for t in todo), args.out, FIELDS)
    rows = read_rows(args.out, FIELDS)
    if args.candidates:  # the pooled ranks need cells that every shown candidate has
        shown = {*args.candidates.split(","), args.baseline}
        rows = [r for r in rows if r["candidate"] in shown]
    print(format_summary(rows, args.folds, args.baseline))
    return 0


if __name__ == "__main__":
    sys.exit(main())
