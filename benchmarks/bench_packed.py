"""Packed ensembles on small data: M members as one packed network vs M networks in turn.

On data of GunPoint's size (50 series of 150 points, 2 classes, batches of
5) with the "small" recipe's network (widths 32-64-128, one unit a stage,
kernel 7, DRSN-CW) a training step costs its per-operation overhead, not
its arithmetic. A packed network (``DRSN(members=M)``) runs each layer of
its M members as one grouped call, so M members should cost far less than
M steps. This prints the median milliseconds of one training step (forward,
backward, Adam step, as ``DRSNClassifier`` trains: weight-decay groups,
fused Adam where PyTorch has it) of

* one network;
* M separate networks stepped one after another (M independent fits);
* one packed network with ``members=M`` (loss: the sum of the members'
  cross-entropies, as ``DRSNNet.get_loss`` computes it);

and the ratios. Contenders run round-robin in one process, ``--steps``
steps a round, ``--repeats`` rounds; one thread (``torch.set_num_threads(1)``).

    python benchmarks/bench_packed.py [--members 4] [--steps 50] [--repeats 7]
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time

import torch
import torch.nn.functional as F

from sklearn_drsn.nn import DRSN, weight_decay_groups

N, LENGTH, N_CLASSES, BATCH = 50, 150, 2, 5
WIDTHS, KERNEL, LR, WEIGHT_DECAY = (32, 64, 128), 7, 1e-3, 1e-4


def make_data(seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """Noisy sine bursts whose position depends on the class, ``(N, 1, LENGTH)``."""
    generator = torch.Generator().manual_seed(seed)
    y = torch.arange(N) % N_CLASSES
    t = torch.arange(LENGTH, dtype=torch.float32)
    centre = (y[:, None] + 1) * LENGTH / (N_CLASSES + 1)
    x = torch.exp(-(((t - centre) / (LENGTH / 12)) ** 2)) * torch.sin(t / 3.0)
    x = x + 0.3 * torch.randn(N, LENGTH, generator=generator)
    return x[:, None, :].float(), y


def adam(net: torch.nn.Module) -> torch.optim.Optimizer:
    groups = weight_decay_groups(net, WEIGHT_DECAY)
    try:
        return torch.optim.Adam(groups, lr=LR, fused=True)
    except (RuntimeError, ValueError, TypeError):
        return torch.optim.Adam(groups, lr=LR)


def member_loss(out: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Cross-entropy of ``(N, K)`` logits, or the sum over members of ``(N, M, K)``."""
    if out.dim() == 3:
        members = out.shape[1]
        return members * F.cross_entropy(out.transpose(1, 2), y[:, None].expand(-1, members))
    return F.cross_entropy(out, y)


class Trainer:
    """Networks with their optimizers, each stepped on the same mini-batches in turn."""

    def __init__(self, nets: list[torch.nn.Module], x: torch.Tensor, y: torch.Tensor) -> None:
        self.nets = [net.train() for net in nets]
        self.optimizers = [adam(net) for net in nets]
        self.x, self.y = x, y
        self.batches = [slice(s, s + BATCH) for s in range(0, N, BATCH)]
        self.position = 0

    def steps(self, count: int) -> None:
        for _ in range(count):
            batch = self.batches[self.position % len(self.batches)]
            self.position += 1
            x, y = self.x[batch], self.y[batch]
            for net, optimizer in zip(self.nets, self.optimizers):
                optimizer.zero_grad()
                member_loss(net(x), y).backward()
                optimizer.step()


def build(members: int = 1, seed: int = 0) -> DRSN:
    torch.manual_seed(seed)
    return DRSN(
        1, N_CLASSES, widths=WIDTHS, blocks_per_stage=1, kernel_size=KERNEL, shrinkage="cw",
        members=members,
    )  # fmt: skip


def measure(members: int, steps: int, repeats: int) -> dict[str, float]:
    """Median milliseconds a step of each contender."""
    x, y = make_data()
    contenders = {
        "1 network": Trainer([build()], x, y),
        f"{members} networks in turn": Trainer([build(seed=m) for m in range(members)], x, y),
        f"packed, members={members}": Trainer([build(members)], x, y),
    }
    for trainer in contenders.values():
        trainer.steps(5)  # warm-up: allocator, oneDNN primitives
    times = {name: [] for name in contenders}
    for _ in range(repeats):
        for name, trainer in contenders.items():
            start = time.perf_counter()
            trainer.steps(steps)
            times[name].append((time.perf_counter() - start) / steps * 1e3)
    return {name: statistics.median(t) for name, t in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--members", type=int, default=4)
    parser.add_argument("--steps", type=int, default=50, help="steps a round")
    parser.add_argument("--repeats", type=int, default=7, help="rounds (median taken)")
    args = parser.parse_args()
    torch.set_num_threads(1)
    print(f"torch {torch.__version__}, {platform.processor() or platform.machine()}, 1 thread")
    print(f"{N} series of {LENGTH}, batch {BATCH}, widths {WIDTHS}, kernel {KERNEL}, DRSN-CW")
    ms = measure(args.members, args.steps, args.repeats)
    single = ms["1 network"]
    for name, value in ms.items():
        print(f"{name:>24}: {value:7.2f} ms a step  ({value / single:4.2f} x one network)")
    separate, packed = list(ms.values())[1:]
    print(f"packed vs {args.members} networks in turn: {separate / packed:.2f}x faster")


if __name__ == "__main__":
    main()
