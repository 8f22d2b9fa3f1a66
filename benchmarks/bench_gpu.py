"""GPU training speed: DRSNClassifier vs a naive skorch wrap, mixed precision and CUDA graphs.

For a day a GPU is available (none was to this project's sessions so far).
Two cases, each timed as median of ``--repeats`` interleaved runs after a
warm-up, with the device synchronised around every timing:

* the paper network: widths 4-8-16, 4 units a stage, kernel 3, input
  1 x 2048, batch 128, SGD with momentum;
* the small-data case: widths 32-64-128, 1 unit a stage, kernel 7, input
  1 x 150, batch 13, Adam at 2e-3 (the "small" recipe on GunPoint-size data).

Contenders: ``DRSNClassifier.fit``; ``skorch.NeuralNetClassifier`` wrapping
``sklearn_drsn.nn.DRSN`` naively (``train_split=None``, same network,
optimizer and batch); a hand-written eager loop in float32, the same under
``torch.autocast`` bfloat16, and the whole training step (forward, backward,
optimizer) replayed as one CUDA graph, in float32 and in bfloat16. Printed:
ms a step, samples/s and each contender's speed-up over ``DRSNClassifier``.
Exits with a message (status 0) when PyTorch sees no CUDA device. Takes
about two minutes on a current GPU with the defaults.

    python benchmarks/bench_gpu.py [--steps 200] [--repeats 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

#: name: (DRSN keyword arguments, input length, batch, optimizer, its options)
CASES = {
    "paper": (
        dict(widths=(4, 8, 16), blocks_per_stage=4, kernel_size=3), 2048, 128,
        torch.optim.SGD, dict(lr=0.1, momentum=0.9, weight_decay=1e-4),
    ),
    "small data": (
        dict(widths=(32, 64, 128), blocks_per_stage=1, kernel_size=7), 150, 13,
        torch.optim.Adam, dict(lr=2e-3, weight_decay=1e-4),
    ),
}  # fmt: skip
N_CLASSES = 2


def build(kwargs: dict):
    from sklearn_drsn.nn import DRSN

    torch.manual_seed(0)
    return DRSN(1, N_CLASSES, shrinkage="cw", **kwargs).cuda().train()


def data(length: int, n: int):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(n, length)).astype(np.float32)
    y = np.arange(n) % N_CLASSES
    X[y == 1, length // 2 :] += 1.0  # something to learn
    return X, y


def eager_steps(case, steps: int, amp: bool):
    """A hand-written loop of ``steps`` steps on batches sliced from data on the device."""
    kwargs, length, batch, opt_cls, opt_kwargs = case
    net = build(kwargs)
    opt = opt_cls(net.parameters(), **opt_kwargs)
    X, y = data(length, batch * 8)
    Xt, yt = torch.as_tensor(X)[:, None].cuda(), torch.as_tensor(y).cuda()

    def run():
        for i in range(steps):
            start = (i % 8) * batch
            xb, yb = Xt[start : start + batch], yt[start : start + batch]
            opt.zero_grad(set_to_none=True)
            with torch.autocast("cuda", dtype=torch.bfloat16, enabled=amp):
                loss = F.cross_entropy(net(xb), yb)
            loss.backward()
            opt.step()

    return run


def graphed_steps(case, steps: int, amp: bool):
    """The whole training step captured once as a CUDA graph and replayed ``steps`` times."""
    kwargs, length, batch, opt_cls, opt_kwargs = case
    net = build(kwargs)
    opt = opt_cls(net.parameters(), capturable=True, **opt_kwargs) if opt_cls is torch.optim.Adam \
        else opt_cls(net.parameters(), **opt_kwargs)  # fmt: skip
    X, y = data(length, batch * 8)
    Xt, yt = torch.as_tensor(X)[:, None].cuda(), torch.as_tensor(y).cuda()
    static_x, static_y = Xt[:batch].clone(), yt[:batch].clone()

    def step():
        opt.zero_grad(set_to_none=False)
        with torch.autocast("cuda", dtype=torch.bfloat16, enabled=amp):
            loss = F.cross_entropy(net(static_x), static_y)
        loss.backward()
        opt.step()

    side = torch.cuda.Stream()
    side.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(side):  # warm-up on a side stream, as capture requires
        for _ in range(3):
            step()
    torch.cuda.current_stream().wait_stream(side)
    graph = torch.cuda.CUDAGraph()
    with torch.cuda.graph(graph):
        step()

    def run():
        for i in range(steps):
            start = (i % 8) * batch
            static_x.copy_(Xt[start : start + batch])
            static_y.copy_(yt[start : start + batch])
            graph.replay()

    return run


def estimator_fits(case, steps: int):
    """DRSNClassifier and a naive skorch wrap, each fitting ``steps`` optimiser steps."""
    from skorch import NeuralNetClassifier

    from sklearn_drsn import DRSNClassifier
    from sklearn_drsn.nn import DRSN

    kwargs, length, batch, opt_cls, opt_kwargs = case
    X, y = data(length, batch * 8)
    epochs = max(1, steps // 8)
    optimizer = "adam" if opt_cls is torch.optim.Adam else "sgd"
    ours = DRSNClassifier(
        max_epochs=epochs, batch_size=batch, optimizer=optimizer, lr=opt_kwargs["lr"],
        recipe="paper" if batch == 128 else "small", device="cuda", random_state=0, **kwargs,
    )  # fmt: skip
    extra = {f"optimizer__{k}": v for k, v in opt_kwargs.items() if k != "lr"}
    naive = NeuralNetClassifier(
        DRSN, module__in_channels=1, module__n_classes=N_CLASSES, module__shrinkage="cw",
        **{f"module__{k}": v for k, v in kwargs.items()},
        criterion=torch.nn.CrossEntropyLoss, optimizer=opt_cls, lr=opt_kwargs["lr"], **extra,
        batch_size=batch, max_epochs=epochs, train_split=None, device="cuda", verbose=0,
    )  # fmt: skip
    return (
        lambda: ours.fit(X, y),
        lambda: naive.fit(X[:, None], y),
        epochs * 8,
    )


def timed(contenders: dict, repeats: int) -> dict[str, float]:
    """Median seconds of each callable, interleaved, synchronised, after a warm-up."""
    for fn, _ in contenders.values():
        fn()
    torch.cuda.synchronize()
    times = {name: [] for name in contenders}
    for _ in range(repeats):
        for name, (fn, _) in contenders.items():
            torch.cuda.synchronize()
            start = time.perf_counter()
            fn()
            torch.cuda.synchronize()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(t) for name, t in times.items()}


def bench(name: str, steps: int, repeats: int) -> None:
    case = CASES[name]
    batch = case[2]
    ours, naive, fit_steps = estimator_fits(case, steps)
    contenders = {
        "DRSNClassifier.fit": (ours, fit_steps),
        "skorch wrap (naive)": (naive, fit_steps),
        "hand loop fp32": (eager_steps(case, steps, amp=False), steps),
        "hand loop bf16 autocast": (eager_steps(case, steps, amp=True), steps),
    }
    for amp, label in ((False, "CUDA graph fp32"), (True, "CUDA graph bf16")):
        try:
            contenders[label] = (graphed_steps(case, steps, amp), steps)
        except RuntimeError as error:  # capture refused: report it, time the rest
            print(f"  ({label}: capture failed: {str(error).splitlines()[0]})")
    seconds = timed(contenders, repeats)
    ref = 1e3 * seconds["DRSNClassifier.fit"] / fit_steps
    print(f"\n[{name}] batch {batch}; ms a step, samples/s, speed-up over DRSNClassifier")
    for label, s in seconds.items():
        ms = 1e3 * s / contenders[label][1]
        print(f"  {label:<26}{ms:9.3f}{1e3 * batch / ms:11,.0f}{ref / ms:8.2f}x")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--steps", type=int, default=200, help="optimiser steps a timing")
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--case", choices=[*CASES, "all"], default="all")
    args = p.parse_args()
    if not torch.cuda.is_available():
        print("bench_gpu.py: PyTorch sees no CUDA device; nothing to measure.")
        sys.exit(0)
    print(f"device: {torch.cuda.get_device_name()}, torch {torch.__version__}, "
          f"{args.steps} steps a timing, median of {args.repeats}, interleaved")  # fmt: skip
    for name in CASES if args.case == "all" else [args.case]:
        bench(name, args.steps, args.repeats)


if __name__ == "__main__":
    main()
