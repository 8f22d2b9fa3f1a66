"""Fine-tuning on a few "real" recordings: warm start from simulated signals against scratch.

Pre-training ("simulated"): the drivetrain simulator at 30 Hz and load 6,
fault severity 2, Gaussian noise at 10 dB SNR, 40 signals a class (320),
1,024 points, a default DRSNClassifier with ``max_epochs`` capped at 40 (the
"small" recipe would train 100 epochs). The few "real-like" signals come
from a shifted condition the pre-training never saw: 35 Hz, load 12, fault
severity 1.5 (milder faults) and 5 dB SNR (more noise), ``shots`` signals a
class. Three models are scored on a held-out test set of the shifted
condition (40 a class, the same for every seed):

* pre-trained only: the pre-trained network as it is;
* fine-tuned: the pre-trained network, then ``set_params(warm_start=True)``
  and ``fit`` on the few shifted signals (epochs, batch and learning rate
  resolved anew for them by the recipe);
* from scratch: a default DRSNClassifier fitted on the few shifted signals.

Each seed draws the simulated and the shifted training signals, their noise
and the networks' initialisations. About 6 CPU-minutes for 3 seeds and 5 shots.

    python experiments/fine_tuning.py [--seeds 3] [--shots 5] [--jobs 2]
    python experiments/fine_tuning.py --summary-only   # the table again, from the CSV

Rows go to ``docs/_static/fine_tuning.csv`` as the fits end (``--resume`` keeps
those already there); the summary table to ``fine_tuning_summary.csv``.
"""

from __future__ import annotations

import argparse
import copy
import time
from pathlib import Path

import numpy as np
from _resume import save, start, write_summary
from joblib import Parallel, delayed

from sklearn_drsn.results import read_rows

FIELDS = ["seed", "shots", "model", "accuracy", "n_train", "n_epochs", "cpu_seconds"]
KEY = ["seed", "shots", "model"]
MODELS = ("pre-trained only", "fine-tuned", "from scratch")
LENGTH = 1024
# The simulated condition of pre-training and the shifted ("real-like") one.
SOURCE = dict(speeds=(30.0,), loads=(6.0,), fault_severity=2.0, snr_db=10.0)
TARGET = dict(speeds=(35.0,), loads=(12.0,), fault_severity=1.5, snr_db=5.0)
N_SOURCE_PER_CLASS = 40
N_TEST_PER_CLASS = 40
TEST_SEED = 20_000  # the shifted test set's random_state, away from the training seeds


def signals(condition: dict, n_per_class: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Simulated signals of ``condition`` (seeded by ``seed``) with its Gaussian noise."""
    from sklearn_drsn.datasets import make_drivetrain
    from sklearn_drsn.noise import add_noise

    settings = {k: v for k, v in condition.items() if k != "snr_db"}
    X, y = make_drivetrain(
        n_per_class, length=LENGTH, **settings, return_conditions=False, random_state=seed
    )
    return add_noise(X, condition["snr_db"], random_state=seed + 1000), y


def few_shots(seed: int, shots: int) -> tuple[np.ndarray, np.ndarray]:
    """``shots`` signals a class of the shifted condition, the fine-tuning data of ``seed``."""
    return signals(TARGET, shots, 100 + seed)  # 100 +: not the pre-training draw of a seed


def pretrain(seed: int, max_epochs: int | None) -> tuple[object, dict]:
    """The pre-trained network of ``seed`` and its "pre-trained only" row."""
    from sklearn_drsn import DRSNClassifier

    X, y = signals(SOURCE, N_SOURCE_PER_CLASS, seed)
    start = time.process_time()  # CPU time: the shared machine makes wall time noisy
    clf = DRSNClassifier(max_epochs=max_epochs, random_state=seed).fit(X, y)
    seconds = time.process_time() - start
    return clf, row(clf, seed, 0, "pre-trained only", len(y), seconds)


def adapt(pretrained, seed: int, shots: int, model: str, max_epochs: int | None) -> dict:
    """Fine-tune a copy of ``pretrained`` or train from scratch on the few shifted signals."""
    from sklearn_drsn import DRSNClassifier

    X, y = few_shots(seed, shots)
    start = time.process_time()
    if model == "fine-tuned":
        # A copy, so that one pre-trained network serves every shot count.
        clf = copy.deepcopy(pretrained).set_params(warm_start=True, max_epochs=max_epochs)
    else:
        clf = DRSNClassifier(max_epochs=max_epochs, random_state=seed)
    clf.fit(X, y)
    return row(clf, seed, shots, model, len(y), time.process_time() - start)


def row(clf, seed: int, shots: int, model: str, n_train: int, seconds: float) -> dict:
    """The CSV row of ``clf``: its accuracy on the shifted test set."""
    X_test, y_test = signals(TARGET, N_TEST_PER_CLASS, TEST_SEED)
    return dict(seed=seed, shots=shots, model=model,
                accuracy=round(float(clf.score(X_test, y_test)), 4), n_train=n_train,
                n_epochs=clf.n_epochs_, cpu_seconds=round(seconds, 1))  # fmt: skip


def summary(path: Path) -> str:
    """One row per model and shot count: mean ± std in % over the seeds, then every seed's."""
    rows = read_rows(path, FIELDS)
    lines = [["model", "shifted signals a class", "seeds", "test accuracy (%)", "by seed"]]
    shots = sorted({int(r["shots"]) for r in rows})
    for model in MODELS:
        for k in shots:
            mine = [r for r in rows if r["model"] == model and int(r["shots"]) == k]
            if not mine:
                continue
            mine.sort(key=lambda r: int(r["seed"]))
            acc = [100 * float(r["accuracy"]) for r in mine]
            lines.append([model, str(k), ",".join(r["seed"] for r in mine),
                          f"{np.mean(acc):.1f} ± {np.std(acc):.1f}",
                          " / ".join(f"{a:.1f}" for a in acc)])  # fmt: skip
    return "\n".join(",".join(f'"{c}"' for c in line) for line in lines)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seeds", type=int, default=3, help="seeds 0 .. SEEDS-1")
    p.add_argument("--shots", default="5", help="comma-separated shifted signals a class")
    p.add_argument("--jobs", type=int, default=2, help="fits at a time (one thread each)")
    p.add_argument("--max-epochs", type=int, default=40, help="of pre-training; 0: the recipe's")
    p.add_argument("--adapt-epochs", type=int, default=0, help="of the few-shot fits; 0: recipe's")
    p.add_argument("--out", type=Path, default=Path("docs/_static/fine_tuning.csv"))
    p.add_argument("--summary-only", action="store_true")
    p.add_argument("--resume", action="store_true", help="skip the runs already in --out")
    args = p.parse_args()
    if not args.summary_only:
        done = start(args.out, FIELDS, KEY, args.resume)
        shots = [int(k) for k in args.shots.split(",") if k]
        todo = [(s, k, m) for s in range(args.seeds) for k in shots for m in MODELS[1:]
                if (str(s), str(k), m) not in done]  # fmt: skip
        # Pre-train every seed that has fits to do (again, when resuming: it is deterministic).
        seeds = sorted({s for s, _, _ in todo} | {s for s in range(args.seeds)
                       if (str(s), "0", MODELS[0]) not in done})  # fmt: skip
        pretrained = Parallel(n_jobs=args.jobs)(
            delayed(pretrain)(s, args.max_epochs or None) for s in seeds
        )
        networks = dict(zip(seeds, (clf for clf, _ in pretrained)))
        save((r for s, (_, r) in zip(seeds, pretrained) if (str(s), "0", MODELS[0]) not in done),
             args.out, FIELDS)  # fmt: skip
        results = Parallel(n_jobs=args.jobs, return_as="generator_unordered")(
            delayed(adapt)(
                networks[s] if m == "fine-tuned" else None, s, k, m, args.adapt_epochs or None
            )
            for s, k, m in todo
        )
        save(results, args.out, FIELDS)
    write_summary(args.out, summary(args.out))


if __name__ == "__main__":
    main()
