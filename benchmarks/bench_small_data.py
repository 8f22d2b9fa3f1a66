"""Small-data training speed: the default fit, its step against a hand-written loop and the bound.

Data of GunPoint's size (synthetic, 50 series of 150 points, 2 classes;
``--large`` adds 300 x 500), one thread (``torch.set_num_threads(1)``, as
the package's fits run). Printed, medians of ``--repeats`` runs interleaved
round-robin in one process:

* ``DRSNClassifier().fit`` with every default: seconds, batch, epochs and
  optimiser steps, as the checkout's own recipe decides them (the number
  that a user waits for);
* the step, like for like: ``DRSNClassifier(max_epochs=E, batch_size=B).fit``
  with the batch of the small recipe before issue 25 (a tenth of the
  series: 5 for 50), against a hand-written eager loop over the same
  network, batch and optimizer (Adam with the estimator's weight-decay
  groups; also PyTorch's ``foreach`` and ``fused`` Adam): seconds, steps/s,
  ms a step, and that schedule's 1,500 steps extrapolated;
* the arithmetic bound of that step: FLOPs of forward and backward from
  ``torch.utils.flop_counter.FlopCounterMode`` divided by the float32
  matrix-product FLOP/s measured here, and each step's ratio to it.

``--baseline-src PATH`` also measures another checkout of the package (the
commit before issue 25's changes: ``mkdir /tmp/base && git archive a6e4949 |
tar -x -C /tmp/base``): this script runs itself in child processes with
``PYTHONPATH=PATH`` and with this checkout, alternately, ``--rounds``
times, and prints the medians side by side with the speed-ups, the default
fit's first.

    python benchmarks/bench_small_data.py [--epochs 20] [--repeats 3] [--large]
    python benchmarks/bench_small_data.py --baseline-src /tmp/base [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

#: (n series, length, classes) of the cases; GunPoint is 50 x 150 with 2 classes.
CASES = {"gunpoint": (50, 150, 2), "large": (300, 500, 2)}
WIDTHS, KERNEL, LR, WEIGHT_DECAY, MIN_STEPS = (32, 64, 128), 7, 1e-3, 1e-4, 1500


def make_data(n: int, length: int, n_classes: int, seed: int = 0):
    """Noisy sine bursts whose position depends on the class (something to learn)."""
    rng = np.random.default_rng(seed)
    y = np.arange(n) % n_classes
    t = np.arange(length)
    centre = (y[:, None] + 1) * length / (n_classes + 1)
    X = np.exp(-(((t - centre) / (length / 12)) ** 2)) * np.sin(t / 3.0)
    X += 0.3 * rng.normal(size=(n, length))
    return X.astype(np.float32), y


def default_schedule(n: int) -> tuple[int, int]:
    """Batch size and optimiser steps of the small recipe before issue 25, for ``n`` series."""
    batch = int(np.clip(n // 10, 2, 16))
    per_epoch = -(-n // batch)
    epochs = int(np.clip(-(-MIN_STEPS // per_epoch), 100, 500))
    return batch, epochs * per_epoch


def build_net(n_classes: int):
    from sklearn_drsn.nn import DRSN

    torch.manual_seed(0)
    return DRSN(
        1, n_classes, widths=WIDTHS, blocks_per_stage=1, kernel_size=KERNEL, shrinkage="cw"
    )


def hand_loop(X, y, n_classes, batch, epochs, **adam_options):
    """A plain eager loop: the same network, batch size, optimizer and cosine schedule."""
    from sklearn_drsn.nn import weight_decay_groups

    net = build_net(n_classes).train()
    opt = torch.optim.Adam(weight_decay_groups(net, WEIGHT_DECAY), lr=LR, **adam_options)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(opt, epochs)
    Xt, yt = torch.as_tensor(X)[:, None, :], torch.as_tensor(y)
    for _ in range(epochs):
        order = torch.randperm(len(Xt))
        for start in range(0, len(Xt), batch):
            idx = order[start : start + batch]
            opt.zero_grad()
            F.cross_entropy(net(Xt[idx]), yt[idx]).backward()
            opt.step()
        schedule.step()


def step_flops(n_classes: int, batch: int, length: int) -> int:
    """FLOPs of one training step's forward and backward (matrix products and convolutions).

    Counted on :class:`~sklearn_drsn.nn.ReferenceDRSN`, the same architecture
    in plain autograd, because the counter's hooks do not follow the nested
    ``autograd.grad`` of older versions' fused shrinkage.
    """
    from torch.utils.flop_counter import FlopCounterMode

    from sklearn_drsn.nn import ReferenceDRSN

    net = ReferenceDRSN(1, n_classes, WIDTHS, 1, KERNEL, "cw").train()
    x, target = torch.randn(batch, 1, length), torch.randint(0, n_classes, (batch,))
    with FlopCounterMode(display=False) as counter:
        F.cross_entropy(net(x), target).backward()
    return counter.get_total_flops()


def matmul_flops_per_second(size: int = 512, repeats: int = 7) -> float:
    """Float32 FLOP/s of one thread's square matrix product (best of ``repeats``).

    Timed in the thread's CPU time, so that other processes on a shared
    machine do not lower the bound's denominator.
    """
    a, b = torch.randn(size, size), torch.randn(size, size)
    a @ b
    best = np.inf
    for _ in range(repeats):
        start = time.thread_time()
        for _ in range(10):
            a @ b
        best = min(best, (time.thread_time() - start) / 10)
    return 2 * size**3 / best


def interleaved(contenders: dict, repeats: int) -> dict[str, float]:
    """Median seconds of each callable, run round-robin ``repeats`` times after a warm-up."""
    for fn in contenders.values():
        fn()
    times = {name: [] for name in contenders}
    for _ in range(repeats):
        for name, fn in contenders.items():
            start = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(t) for name, t in times.items()}


def measure(case: str, epochs: int, repeats: int) -> dict:
    """Seconds of each contender's capped fit, its steps, and the arithmetic bound."""
    from sklearn_drsn import DRSNClassifier

    n, length, n_classes = CASES[case]
    X, y = make_data(n, length, n_classes)
    batch, full_steps = default_schedule(n)
    steps = epochs * -(-n // batch)
    # The batch of the recipe before issue 25 for both, so that steps compare like for like.
    clf = DRSNClassifier(max_epochs=epochs, batch_size=batch, device="cpu", random_state=0)

    def loop(**options):
        return lambda: hand_loop(X, y, n_classes, batch, epochs, **options)

    seconds = interleaved(
        {
            "DRSNClassifier.fit": lambda: clf.fit(X, y),
            "hand loop": loop(),
            "hand loop, foreach Adam": loop(foreach=True),
            "hand loop, fused Adam": loop(fused=True),
        },
        repeats,
    )
    flops = step_flops(n_classes, batch, length)
    fit = default_fit(X, y)
    return {
        "case": case, "n": n, "length": length, "batch": batch, "steps": steps,
        "full_steps": full_steps, "seconds": seconds, "step_flops": flops,
        "matmul_flops_per_s": matmul_flops_per_second(), "default_fit": fit,
        "default_step_flops": step_flops(n_classes, fit["batch"], length),
    }  # fmt: skip


def default_fit(X, y) -> dict:
    """Seconds, batch and optimiser steps of one ``DRSNClassifier().fit`` with every default.

    The package's own recipe decides batch and epochs, so a checkout whose
    recipe takes fewer, larger steps is measured as it would run for a user.
    """
    from sklearn_drsn import DRSNClassifier

    clf = DRSNClassifier(device="cpu", random_state=0)
    start = time.perf_counter()
    clf.fit(X, y)
    seconds = time.perf_counter() - start
    steps = sum(len(epoch["batches"]) for epoch in clf.history_)  # the steps it took
    return {"seconds": seconds, "batch": int(clf.config_["batch_size"]),
            "epochs": int(clf.n_epochs_), "steps": steps}  # fmt: skip


def report(result: dict, label: str = "") -> None:
    """Steps/s, ms a step, extrapolated full-fit seconds and ratios, one line a contender."""
    r = result
    bound_ms = 1e3 * r["step_flops"] / r["matmul_flops_per_s"]
    print(
        f"\n{label}[{r['case']}] {r['n']} x {r['length']}, batch {r['batch']}, {r['steps']} steps "
        f"timed (old schedule: {r['full_steps']}); step: {r['step_flops'] / 1e6:.1f} MFLOP, "
        f"matmul {r['matmul_flops_per_s'] / 1e9:.0f} GFLOP/s -> bound {bound_ms:.2f} ms"
    )
    d = r["default_fit"]
    d_ms = 1e3 * d["seconds"] / d["steps"]
    d_bound_ms = 1e3 * r["default_step_flops"] / r["matmul_flops_per_s"]
    print(f"  default DRSNClassifier().fit: {d['seconds']:.2f} s, batch {d['batch']}, "
          f"{d['epochs']} epochs, {d['steps']} steps, {d_ms:.2f} ms a step, "
          f"{d_ms / d_bound_ms:.1f}x its bound ({d_bound_ms:.2f} ms)")  # fmt: skip
    fit = r["seconds"]["DRSNClassifier.fit"]
    print(f"  {'contender':<26}{'s':>7}{'steps/s':>9}{'ms/step':>9}{'full fit s':>11}"
          f"{'x bound':>9}{'x fit':>7}")  # fmt: skip
    for name, s in r["seconds"].items():
        ms = 1e3 * s / r["steps"]
        print(f"  {name:<26}{s:7.2f}{r['steps'] / s:9.1f}{ms:9.2f}"
              f"{ms * r['full_steps'] / 1e3:11.1f}{ms / bound_ms:9.1f}{fit / s:7.2f}")  # fmt: skip


def compare(args) -> None:
    """This checkout against ``--baseline-src``, in alternating child processes."""
    here = Path(__file__).resolve().parents[1]
    sources = {"baseline": Path(args.baseline_src).resolve(), "this checkout": here}
    runs = {label: [] for label in sources}
    for _ in range(args.rounds):
        for label, src in sources.items():
            cmd = [sys.executable, __file__, "--child", "--epochs", str(args.epochs)]
            cmd += ["--repeats", str(args.repeats)] + (["--large"] if args.large else [])
            env = {**os.environ, "PYTHONPATH": str(src)}
            child = subprocess.run(cmd, env=env, capture_output=True, text=True)
            if child.returncode:
                sys.exit(f"the run with PYTHONPATH={src} failed:\n{child.stderr}")
            out = child.stdout
            runs[label].append(json.loads(out.strip().splitlines()[-1]))
    for case_index, case in enumerate(runs["this checkout"][0]["results"]):
        medians = {}
        for label, rounds in runs.items():
            merged = dict(rounds[0]["results"][case_index])
            merged["seconds"] = {
                name: statistics.median(r["results"][case_index]["seconds"][name] for r in rounds)
                for name in merged["seconds"]
            }
            merged["default_fit"] = {
                **merged["default_fit"],
                "seconds": statistics.median(
                    r["results"][case_index]["default_fit"]["seconds"] for r in rounds
                ),
            }
            medians[label] = merged
            report(merged, f"{label} ({rounds[0]['package']}): ")
        print(f"\n[{case['case']}] speed-up of this checkout over the baseline "
              f"(median of {args.rounds} alternating rounds):")  # fmt: skip
        for name, base in medians["baseline"]["seconds"].items():
            print(f"  {name:<26}{base / medians['this checkout']['seconds'][name]:6.2f}x")
        base, new = (medians[label]["default_fit"]["seconds"] for label in sources)
        print(f"  {'default fit (full)':<26}{base / new:6.2f}x  ({base:.1f} s -> {new:.1f} s)")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--epochs", type=int, default=20, help="epochs per timed fit (cap)")
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--large", action="store_true", help="also 300 x 500 (batch 16)")
    p.add_argument("--baseline-src", help="another checkout of the package to compare with")
    p.add_argument("--rounds", type=int, default=3, help="alternations with --baseline-src")
    p.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args()
    torch.set_num_threads(1)
    if args.baseline_src:
        compare(args)
        return
    import sklearn_drsn

    cases = ["gunpoint"] + (["large"] if args.large else [])
    results = [measure(case, args.epochs, args.repeats) for case in cases]
    if args.child:
        print(json.dumps({"package": str(Path(sklearn_drsn.__file__).parent), "results": results}))
        return
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, torch {torch.__version__}, "
          f"1 thread; package {Path(sklearn_drsn.__file__).parent}; "
          f"median of {args.repeats}, interleaved")  # fmt: skip
    for result in results:
        report(result)


if __name__ == "__main__":
    main()
