"""Training and prediction throughput: DRSNClassifier vs a naive skorch wrap vs a hand loop.

Prints samples/s (median over repeats, same process, same data, runs
interleaved so that load on a shared machine hits every contender alike) and
ratios against the baselines, for the paper's network (input 1 x 2048,
batch 128, SGD with momentum, L2 on conv/FC weights):

* baselines on the plain network (``sklearn_drsn.nn.ReferenceDRSN``, the
  author's code written straight in PyTorch): a minimal hand-written eager
  loop, and skorch's ``NeuralNetClassifier`` with ``train_split=None``;
* the same baselines on this project's ``DRSN`` module, so that the ratio of
  the training machinery alone is visible too;
* ``DRSNClassifier`` also without its closing pass that recomputes the
  BatchNorm statistics (``recompute_batch_norm=False``), a pass the loops
  do not make;
* the step time of DRSN-CW and DRSN-CS against the same-shape ResNet
  (shrinkage overhead, the paper's Table V reports 1.55-1.62x).

Every contender starts from the same weights and sees the same number of
training samples. CPU by default; CUDA too when PyTorch sees a GPU.

    python benchmarks/bench_training.py [--n 1024] [--epochs 2] [--repeats 5]
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time

import numpy as np
import torch
import torch.nn.functional as F
from sklearn.base import clone
from skorch import NeuralNetClassifier

from sklearn_drsn import DRSNClassifier
from sklearn_drsn.nn import DRSN, ReferenceDRSN, weight_decay_groups

BATCH = 128


def initial_weights(shrinkage):
    torch.manual_seed(0)
    return DRSN(n_classes=8, shrinkage=shrinkage).state_dict()


def build(module_cls, shrinkage):
    net = module_cls(n_classes=8, shrinkage=shrinkage)
    net.load_state_dict(initial_weights(shrinkage))
    return net


def hand_loop(X, y, epochs, device, module_cls, shrinkage):
    """A straightforward eager PyTorch loop with the same numerics as DRSNClassifier."""
    net = build(module_cls, shrinkage).to(device)
    opt = torch.optim.SGD(weight_decay_groups(net, 1e-4), lr=0.1, momentum=0.9)
    Xt, yt = torch.as_tensor(X).to(device), torch.as_tensor(y).to(device)
    net.train()
    for _ in range(epochs):
        order = torch.randperm(len(Xt), device=device)
        for start in range(0, len(Xt), BATCH):
            idx = order[start : start + BATCH]
            opt.zero_grad()
            F.cross_entropy(net(Xt[idx]), yt[idx]).backward()
            opt.step()
    return net


class _Initialised:
    """A module factory for skorch that starts from the shared initial weights."""

    def __init__(self, module_cls):
        self.module_cls = module_cls

    def __call__(self, n_classes, shrinkage):
        return build(self.module_cls, shrinkage)


def naive_skorch(epochs, device, module_cls, shrinkage):
    return NeuralNetClassifier(
        _Initialised(module_cls),
        module__n_classes=8,
        module__shrinkage=shrinkage,
        criterion=torch.nn.CrossEntropyLoss,
        optimizer=torch.optim.SGD,
        lr=0.1,
        optimizer__momentum=0.9,
        optimizer__weight_decay=1e-4,  # on every parameter: skorch's simplest form
        batch_size=BATCH,
        max_epochs=epochs,
        train_split=None,
        device=device,
        verbose=0,
    )


def sync(device):
    if device == "cuda":
        torch.cuda.synchronize()


def interleaved(contenders: dict, repeats: int, device: str) -> dict[str, float]:
    """Median seconds of each callable, run round-robin ``repeats`` times after a warm-up."""
    for fn in contenders.values():
        fn()
    times = {name: [] for name in contenders}
    for _ in range(repeats):
        for name, fn in contenders.items():
            sync(device)
            start = time.perf_counter()
            fn()
            sync(device)
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(t) for name, t in times.items()}


def bench_fit_predict(device, X, y, epochs, repeats, shrinkage) -> None:
    n, work = len(X), len(X) * epochs
    X2 = X[:, 0, :]  # DRSNClassifier takes (n, length)
    ours = DRSNClassifier(shrinkage=shrinkage, max_epochs=epochs, device=device, random_state=0)
    # The same fit without the closing pass that recomputes the BatchNorm statistics,
    # which a hand loop does not make (its share shrinks as 1/epochs).
    ours_no_pass = clone(ours).set_params(recompute_batch_norm=False)
    skorch_plain = naive_skorch(epochs, device, ReferenceDRSN, shrinkage)
    skorch_same = naive_skorch(epochs, device, DRSN, shrinkage)

    def loop(module_cls):
        return lambda: hand_loop(X, y, epochs, device, module_cls, shrinkage)

    fit = interleaved(
        {
            "ours": lambda: ours.fit(X2, y),
            "ours, no BatchNorm pass": lambda: ours_no_pass.fit(X2, y),
            "skorch (plain net)": lambda: skorch_plain.fit(X, y),
            "hand loop (plain net)": loop(ReferenceDRSN),
            "skorch (same net)": lambda: skorch_same.fit(X, y),
            "hand loop (same net)": loop(DRSN),
        },
        repeats,
        device,
    )
    report(f"\n[{device}] fit, samples/s (N={n}, {epochs} epochs):", fit, work)
    predict = interleaved(
        {
            "ours": lambda: ours.predict_proba(X2),
            "skorch (plain net)": lambda: skorch_plain.predict_proba(X),
            "skorch (same net)": lambda: skorch_same.predict_proba(X),
        },
        repeats,
        device,
    )
    report(f"[{device}] predict_proba, samples/s:", predict, n)


def report(title: str, seconds: dict[str, float], samples: int) -> None:
    """Samples/s of every contender and how many times faster "ours" is."""
    print(title)
    for name, t in seconds.items():
        ratio = "" if name == "ours" else f"   ours is {t / seconds['ours']:.2f}x"
        print(f"  {name:<24}{samples / t:>9,.0f}{ratio}")


def bench_shrinkage_overhead(device, repeats) -> None:
    """Training-step time of DRSN-CW and DRSN-CS relative to the same-shape ResNet."""
    x = torch.randn(BATCH, 1, 2048, device=device)
    target = torch.randint(0, 8, (BATCH,), device=device)

    def stepper(shrinkage):
        net = DRSN(n_classes=8, shrinkage=shrinkage).to(device)
        opt = torch.optim.SGD(weight_decay_groups(net, 1e-4), lr=0.01, momentum=0.9)

        def step():
            for _ in range(3):
                opt.zero_grad()
                F.cross_entropy(net(x), target).backward()
                opt.step()

        return step

    steps = {"resnet": stepper(None), "cw": stepper("cw"), "cs": stepper("cs")}
    t = interleaved(steps, max(repeats, 5), device)
    resnet_ms = t["resnet"] / 3e-3
    print(f"[{device}] training step (batch {BATCH}, 1 x 2048): ResNet {resnet_ms:.1f} ms;"
          f" DRSN-CW {t['cw'] / t['resnet']:.2f}x, DRSN-CS {t['cs'] / t['resnet']:.2f}x"
          " (shrinkage overhead)")  # fmt: skip


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=1024, help="training signals")
    p.add_argument("--epochs", type=int, default=2)
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--shrinkage", default="cw", help="cw, cs or none")
    args = p.parse_args()
    shrinkage = None if args.shrinkage == "none" else args.shrinkage
    rng = np.random.default_rng(0)
    X = rng.normal(size=(args.n, 1, 2048)).astype(np.float32)
    y = rng.integers(0, 8, args.n)
    X[np.arange(args.n), 0, y] += 3.0  # something to learn
    devices = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])
    print(f"machine: {platform.processor() or platform.machine()}, torch {torch.__version__}, "
          f"{torch.get_num_threads()} threads; median of {args.repeats}, interleaved")  # fmt: skip
    for device in devices:
        bench_fit_predict(device, X, y, args.epochs, args.repeats, shrinkage)
        bench_shrinkage_overhead(device, args.repeats)


if __name__ == "__main__":
    main()
