"""The small skorch subclass under DRSNClassifier: in-memory batches and weight-decay groups.

skorch's defaults collate every mini-batch sample by sample through a
``DataLoader``; our data is a dense array that fits in memory, so batches
are slices of one tensor that already lives on the training device.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator

import torch
from skorch import NeuralNet
from skorch.callbacks import Callback, LRScheduler, PrintLog
from torch.nn import functional as F
from torch.utils.data import Dataset

from .nn import weight_decay_groups

__all__ = [
    "BatchAccuracy",
    "ContinuedLRScheduler",
    "DRSNNet",
    "InMemoryDataset",
    "PlainPrintLog",
    "TensorBatches",
]


class InMemoryDataset(Dataset):
    """Features, integer targets and optional sample weights, as tensors on the training device.

    With weights, the target of a sample is the pair ``(y, weight)``.
    """

    def __init__(
        self, X: torch.Tensor, y: torch.Tensor, weights: torch.Tensor | None = None
    ) -> None:
        if len(X) != len(y) or (weights is not None and len(weights) != len(y)):
            raise ValueError(f"X, y and weights have different lengths: {len(X)} and {len(y)}")
        self.X, self.y, self.weights = X, y, weights

    def __len__(self) -> int:
        return len(self.X)

    def targets(self, index) -> torch.Tensor | tuple[torch.Tensor, torch.Tensor]:
        """``y[index]``, paired with ``weights[index]`` when there are weights."""
        if self.weights is None:
            return self.y[index]
        return self.y[index], self.weights[index]

    def __getitem__(self, i):
        return self.X[i], self.targets(i)


class TensorBatches:
    """Mini-batches sliced from an :class:`InMemoryDataset`, in skorch's iterator protocol.

    A trailing batch of a single sample is merged into the one before it:
    BatchNorm cannot normalise one sample in training mode, and dropping it
    would throw data away.

    Shuffling draws from torch's default generator, which the estimator
    seeds inside a forked RNG state, so it is reproducible without touching
    the caller's random state.
    """

    def __init__(self, dataset: InMemoryDataset, batch_size: int, shuffle: bool = False) -> None:
        self.dataset = dataset
        self.batch_size = batch_size
        self.shuffle = shuffle

    def _bounds(self) -> list[tuple[int, int]]:
        n, size = len(self.dataset), self.batch_size
        bounds = [(start, min(start + size, n)) for start in range(0, n, size)]
        if len(bounds) > 1 and bounds[-1][1] - bounds[-1][0] == 1:
            bounds[-2:] = [(bounds[-2][0], n)]
        return bounds

    def __len__(self) -> int:
        return len(self._bounds())

    def __iter__(self) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        data, X = self.dataset, self.dataset.X
        if self.shuffle:
            order = torch.randperm(len(X)).to(X.device)
            for start, stop in self._bounds():
                idx = order[start:stop]
                yield X[idx], data.targets(idx)
        else:
            for start, stop in self._bounds():
                yield X[start:stop], data.targets(slice(start, stop))


class BatchAccuracy(Callback):
    """Record ``valid_acc`` from the predictions skorch already made for ``valid_loss``."""

    def on_epoch_begin(self, net, **kwargs) -> None:
        self.correct_, self.seen_ = 0, 0

    def on_batch_end(self, net, batch=None, training=None, y_pred=None, **kwargs) -> None:
        if training or y_pred is None:
            return
        y_true = batch[1][0] if isinstance(batch[1], tuple) else batch[1]
        y_true = y_true.to(y_pred.device)
        self.correct_ += int((y_pred.argmax(dim=1) == y_true).sum())
        self.seen_ += len(y_true)

    def on_epoch_end(self, net, **kwargs) -> None:
        if self.seen_:
            net.history.record("valid_acc", self.correct_ / self.seen_)


class ContinuedLRScheduler(LRScheduler):
    """skorch's ``LRScheduler``, whose schedule goes on where it was when training resumes.

    skorch rebuilds the PyTorch scheduler at every ``partial_fit`` with
    ``last_epoch=len(history) - 1``, and the rebuilt scheduler takes one more
    step on creation: a step schedule resumed just after a milestone decays
    twice. Keeping the scheduler of the first call makes a run continued with
    ``partial_fit`` the same as one uninterrupted run.
    """

    def on_train_begin(self, net, **kwargs) -> None:
        if net.history and getattr(self, "lr_scheduler_", None) is not None:
            return
        super().on_train_begin(net, **kwargs)


_ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*m")


class PlainPrintLog(PrintLog):
    """skorch's epoch table, without colour codes when standard output is not a terminal."""

    def table(self, row):
        text = super().table(row)
        return text if sys.stdout.isatty() else _ANSI_ESCAPE.sub("", text)


class DRSNNet(NeuralNet):
    """skorch ``NeuralNet`` whose optimizer decays conv and linear weights only.

    ``optimizer__weight_decay`` is applied to convolution and linear weights
    and never to biases or BatchNorm parameters (the paper's L2 term). With
    sample weights (targets ``(y, weight)``), the loss of a batch is the
    mean of each sample's cross-entropy times its weight.

    A packed ensemble's member logits ``(N, M, n_classes)`` (the module in
    training mode) give the sum over members of each member's loss, so that
    each member's gradient is exactly what it would be trained alone (a
    mean would shrink it by ``1 / M``: SGD's steps, and Adam's coupled
    weight decay relative to it, would change with ``M``); ``train_loss``
    is then ``M`` times one member's. In eval mode the module's
    ``(N, n_classes)`` log-probabilities give the ensemble's loss.
    """

    def get_default_callbacks(self):
        return [
            (name, PlainPrintLog() if isinstance(cb, PrintLog) else cb)
            for name, cb in super().get_default_callbacks()
        ]

    def get_loss(self, y_pred, y_true, X=None, training=False):
        y, weights = y_true if isinstance(y_true, tuple) else (y_true, None)
        members = 1
        if y_pred.dim() == 3:
            # (N, M, K) -> (N, K, M): cross-entropy's layout for a loss per sample and member.
            members = y_pred.shape[1]
            y_pred, y = y_pred.transpose(1, 2), y.unsqueeze(1).expand(-1, members)
            if weights is not None:
                weights = weights.unsqueeze(1)
        if weights is not None:
            loss = (F.cross_entropy(y_pred, y, reduction="none") * weights).mean()
        else:
            loss = super().get_loss(y_pred, y, X=X, training=training)
        return loss * members  # the sum over members of each member's mean loss

    def initialize_optimizer(self, triggered_directly=None):
        kwargs = self.get_params_for("optimizer")
        weight_decay = kwargs.pop("weight_decay", 0.0)
        kwargs.setdefault("lr", self.lr)
        groups = list(weight_decay_groups(self.module_, weight_decay))
        self.optimizer_ = _optimizer(self.optimizer, groups, kwargs)
        return self


def _optimizer(cls, groups: list, kwargs: dict) -> torch.optim.Optimizer:
    """``cls(groups, **kwargs)``; Adam and AdamW fused into one kernel where PyTorch can.

    A step of a small network is dominated by the optimizer updating each
    parameter tensor on its own; the fused update is the same algorithm.
    """
    if cls in (torch.optim.Adam, torch.optim.AdamW) and "fused" not in kwargs:
        try:
            return cls(groups, fused=True, **kwargs)
        except (RuntimeError, ValueError, TypeError):  # a device or dtype without it
            pass
    return cls(groups, **kwargs)
