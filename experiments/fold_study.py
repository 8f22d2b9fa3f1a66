"""One fold of the main job's default data, several model seeds: which fits learn, and why.

The tables in the main job's docs on failed fits, initialisations and
learning-rate warm-up come from this script: the ``default`` preset's data
(simulator seed 0, 250 signals per class, each noisy signal standardised),
one of its three folds, and one deep model trained once per model seed with
the preset's settings (30 epochs of batch 32, threshold sub-networks
without BatchNorm, one initialisation) changed by ``--params``. For every
fit it prints the test accuracy, the final training loss and the loss after
a few epochs, one line each, and writes them to ``--out`` as CSV.

    python experiments/fold_study.py --model drsn-cw --snr -5 --fold 0 --seeds 0-7
    python experiments/fold_study.py --model drsn-cw --seeds 0-7 --warmup 3
    python experiments/fold_study.py --model drsn-cw --seeds 0-7 --milestones 18,27
    python experiments/fold_study.py --model convnet --snr 5 --fold 1 --seeds 0 \
        --params '{"lr": 0.2}'

Fits run two at a time (``--jobs``), one PyTorch thread each: about 12
minutes for 8 DRSN-CW fits on a 2-core CPU.
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np
from _resume import save
from joblib import Parallel, delayed

from sklearn_drsn.presets import DEEP_PARAMS, PRESETS

#: The main job's default preset, whose data and deep-model settings this study uses.
PRESET = PRESETS["default"]

FIELDS = ["model", "snr_db", "fold", "seed", "params", "warmup", "milestones", "test",
          "train_loss", "early_loss", "s"]  # fmt: skip


def linear_warmup(epochs: int):
    """A skorch callback: the learning rate rises linearly over the first ``epochs``.

    Per optimiser step, from ``lr / steps`` to ``lr``; the net's schedule (an
    epoch-level, chainable scheduler such as the paper's MultiStepLR) goes
    on from the full rate.
    """
    from skorch.callbacks import Callback

    class LinearWarmup(Callback):
        def initialize(self):
            self.step, self.steps = 0, None
            return self

        def on_train_begin(self, net, X=None, y=None, **kwargs):
            self.steps = epochs * -(-len(X) // net.batch_size)

        def on_batch_begin(self, net, batch=None, training=None, **kwargs):
            if not training or self.step > self.steps:
                return
            for group in net.optimizer_.param_groups:
                group["lr"] = net.lr * min(1.0, (self.step + 1) / self.steps)
            self.step += 1

    return LinearWarmup()


def run_one(
    model: str, snr: float, fold: int, seed: int, params: dict, warmup: int,
    milestones: list[int] | None, early: int,
) -> dict:  # fmt: skip
    import torch
    from sklearn.model_selection import StratifiedKFold
    from skorch.callbacks import LRScheduler

    from sklearn_drsn.datasets import make_drivetrain
    from sklearn_drsn.experiment import make_model, make_noisy
    from sklearn_drsn.preprocessing import SignalStandardizer

    torch.set_num_threads(1)
    # The data, noise and folds as the main job draws them for the preset.
    seed = PRESET["random_state"]
    X, y, _ = make_drivetrain(
        n_per_class=PRESET["n_per_class"], length=PRESET["length"],
        fault_severity=PRESET["fault_severity"], random_state=seed,
    )  # fmt: skip
    X = SignalStandardizer().fit_transform(make_noisy(X, "gaussian", snr, seed))
    folds = StratifiedKFold(PRESET["n_splits"], shuffle=True, random_state=seed)
    train, test = list(folds.split(X, y))[fold]
    deep = {**{key: PRESET[key] for key in DEEP_PARAMS}, "n_init": 1, **params}
    callbacks = []
    if warmup:
        callbacks.append(("warmup", linear_warmup(warmup)))
    if milestones:  # the paper's step schedule, with the steps elsewhere
        deep["lr_schedule"] = "constant"
        callbacks.append(("steps", LRScheduler("MultiStepLR", milestones=milestones, gamma=0.1)))
    if callbacks:
        deep["callbacks"] = callbacks
    clf = make_model(model, deep_params=deep, random_state=seed, device="cpu")
    start = time.perf_counter()
    clf.fit(X[train], y[train])
    losses = clf.history_[:, "train_loss"]
    return dict(
        model=model, snr_db=snr, fold=fold, seed=seed, params=json.dumps(params),
        warmup=warmup, milestones=milestones, test=round(100 * clf.score(X[test], y[test]), 1),
        train_loss=round(float(losses[-1]), 3),
        early_loss=round(float(losses[min(early, len(losses)) - 1]), 3),
        s=round(time.perf_counter() - start),
    )  # fmt: skip


def seeds(text: str) -> list[int]:
    if "-" in text:
        low, high = map(int, text.split("-"))
        return list(range(low, high + 1))
    return [int(s) for s in text.split(",")]


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--model", default="drsn-cw")
    p.add_argument("--snr", type=float, default=-5.0)
    p.add_argument("--fold", type=int, default=0, choices=range(PRESET["n_splits"]))
    p.add_argument("--seeds", type=seeds, default=list(range(8)), help="e.g. 0-7 or 1,4")
    p.add_argument("--params", type=json.loads, default={}, help="DRSNClassifier params, JSON")
    p.add_argument("--warmup", type=int, default=0, help="epochs of linear lr warm-up")
    p.add_argument(
        "--milestones", type=seeds, help="epochs after which the lr drops tenfold, e.g. 18,27"
    )
    p.add_argument("--early", type=int, default=3, help="epoch of the early loss")
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--out", default="fold_study.csv")
    args = p.parse_args()
    rows = Parallel(n_jobs=args.jobs, return_as="generator")(
        delayed(run_one)(
            args.model,
            args.snr,
            args.fold,
            s,
            args.params,
            args.warmup,
            args.milestones,
            args.early,
        )
        for s in args.seeds
    )
    tests = [row["test"] for row in save(rows, args.out, FIELDS)]  # earlier studies stay
    print(f"test accuracy {np.mean(tests):.1f} ± {np.std(tests):.1f} % over {len(tests)} seeds")


if __name__ == "__main__":
    main()
