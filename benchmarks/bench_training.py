"""Training and prediction throughput: DRSNClassifier vs a naive skorch wrap vs a hand loop.

Prints samples/s (median over repeats, same process, same data) and ratios
against the baselines, for the paper's network (input 1 x 2048, batch 128).
CPU by default; CUDA too when PyTorch sees a GPU.

    python benchmarks/bench_training.py [--n 2048] [--epochs 2] [--repeats 3]
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time

import numpy as np
import torch
from skorch import NeuralNetClassifier

from sklearn_drsn import DRSNClassifier
from sklearn_drsn.nn import DRSN, weight_decay_groups


def hand_loop(X, y, epochs, batch_size, device, shrinkage):
    """A straightforward eager PyTorch loop with the same numerics."""
    torch.manual_seed(0)
    net = DRSN(n_classes=8, shrinkage=shrinkage).to(device)
    opt = torch.optim.SGD(weight_decay_groups(net, 1e-4), lr=0.1, momentum=0.9)
    Xt, yt = torch.as_tensor(X).to(device), torch.as_tensor(y).to(device)
    loss_fn = torch.nn.CrossEntropyLoss()
    net.train()
    for _ in range(epochs):
        order = torch.randperm(len(Xt), device=device)
        for start in range(0, len(Xt), batch_size):
            idx = order[start : start + batch_size]
            opt.zero_grad()
            loss = loss_fn(net(Xt[idx]), yt[idx])
            loss.backward()
            opt.step()
    return net


def naive_skorch(epochs, batch_size, device, shrinkage):
    return NeuralNetClassifier(
        DRSN,
        module__n_classes=8,
        module__shrinkage=shrinkage,
        criterion=torch.nn.CrossEntropyLoss,
        optimizer=torch.optim.SGD,
        lr=0.1,
        optimizer__momentum=0.9,
        optimizer__weight_decay=1e-4,
        batch_size=batch_size,
        max_epochs=epochs,
        train_split=None,
        device=device,
        verbose=0,
    )


def timed(fn, repeats):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        if torch.cuda.is_available():
            torch.cuda.synchronize()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=2048, help="training signals")
    p.add_argument("--epochs", type=int, default=2)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--shrinkage", default="cw", help="cw, cs or none")
    args = p.parse_args()
    shrinkage = None if args.shrinkage == "none" else args.shrinkage
    rng = np.random.default_rng(0)
    X = rng.normal(size=(args.n, 1, 2048)).astype(np.float32)
    y = rng.integers(0, 8, args.n)
    X[np.arange(args.n), 0, y] += 3.0  # something to learn
    devices = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])
    print(f"machine: {platform.processor() or platform.machine()}, torch {torch.__version__}, "
          f"{torch.get_num_threads()} threads; N={args.n}, epochs={args.epochs}, "
          f"median of {args.repeats}")  # fmt: skip
    for device in devices:
        bench_device(device, X, y, args.epochs, args.repeats, shrinkage)


def bench_device(device, X, y, epochs, repeats, shrinkage) -> None:
    n = len(X)
    work = n * epochs
    ours = DRSNClassifier(shrinkage=shrinkage, max_epochs=epochs, device=device, random_state=0)
    skorch_net = naive_skorch(epochs, 128, device, shrinkage)
    X2 = X[:, 0, :]  # DRSNClassifier takes (n, length)
    t_ours = timed(lambda: ours.fit(X2, y), repeats)
    t_skorch = timed(lambda: skorch_net.fit(X, y), repeats)
    t_hand = timed(lambda: hand_loop(X, y, epochs, 128, device, shrinkage), repeats)
    p_ours = timed(lambda: ours.predict_proba(X2), repeats)
    p_skorch = timed(lambda: skorch_net.predict_proba(X), repeats)
    print(f"\n[{device}] fit samples/s: ours {work / t_ours:,.0f} | naive skorch "
          f"{work / t_skorch:,.0f} | hand loop {work / t_hand:,.0f}")  # fmt: skip
    print(f"[{device}] fit ratio: ours/skorch {t_skorch / t_ours:.2f}x, "
          f"ours/hand {t_hand / t_ours:.2f}x")  # fmt: skip
    print(f"[{device}] predict_proba samples/s: ours {n / p_ours:,.0f} | naive skorch "
          f"{n / p_skorch:,.0f} | ratio {p_skorch / p_ours:.2f}x")  # fmt: skip


if __name__ == "__main__":
    main()
