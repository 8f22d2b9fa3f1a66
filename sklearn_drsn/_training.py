"""Training a DRSN: the skorch net, its callbacks and schedule, seeds, devices, ``n_init``.

The functions take the estimator's hyper-parameters as a plain mapping
(``get_params(deep=False)``), so they serve the estimator and the model
files alike without reaching into either.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import NamedTuple

import numpy as np
import torch
from sklearn.model_selection import train_test_split
from skorch.callbacks import EarlyStopping, ProgressBar
from skorch.helper import predefined_split
from torch.optim.swa_utils import update_bn

from ._inference import inference_batch_size
from ._random import draw_seed
from ._skorch import BatchAccuracy, ContinuedLRScheduler, DRSNNet, InMemoryDataset, TensorBatches
from .nn import DRSN

__all__ = [
    "OPTIMIZERS",
    "TrainingData",
    "candidate_seeds",
    "channel_statistics",
    "check_warm_start",
    "continue_training",
    "draw_seed",
    "make_net",
    "make_training_data",
    "normalise_weights",
    "resolve_device",
    "split_validation",
    "train_network",
]

OPTIMIZERS = {"sgd": torch.optim.SGD, "adam": torch.optim.Adam, "adamw": torch.optim.AdamW}


class TrainingData(NamedTuple):
    """What every initialisation of one fit trains on, and how."""

    X: np.ndarray
    train_ds: InMemoryDataset
    valid_ds: InMemoryDataset | None
    n_classes: int
    config: dict
    device: str


def make_training_data(
    X: np.ndarray,
    y: np.ndarray,
    weights: np.ndarray | None,
    valid: tuple | None,
    n_classes: int,
    config: dict,
    device: str,
) -> TrainingData:
    """Tensors on ``device``, built once and shared by every initialisation tried.

    ``valid`` is ``(X, y, weights)`` of the held-out signals, or None.
    """
    train_ds = _to_dataset(X, y, weights, device)
    valid_ds = _to_dataset(*valid, device) if valid is not None else None
    return TrainingData(X, train_ds, valid_ds, n_classes, config, device)


def split_validation(X, y, weights, fraction: float, seed: int):
    """``(X_train, y_train, w_train, valid)``: a stratified hold-out of ``fraction``, or none."""
    if fraction == 0:
        return X, y, weights, None
    arrays = [X, y] if weights is None else [X, y, weights]
    parts = train_test_split(*arrays, test_size=fraction, stratify=y, random_state=seed % 2**32)
    train, held_out = parts[0::2], parts[1::2]
    if weights is None:
        return train[0], train[1], None, (held_out[0], held_out[1], None)
    return train[0], train[1], train[2], tuple(held_out)


def make_net(
    params: Mapping,
    config: dict,
    in_channels: int,
    n_classes: int,
    ndim: int,
    device: str,
    valid_ds: InMemoryDataset | None = None,
) -> DRSNNet:
    """The skorch net for these hyper-parameters and configuration (not yet initialised)."""
    return DRSNNet(
        module=DRSN,
        module__in_channels=in_channels,
        module__n_classes=n_classes,
        module__widths=config["widths"],
        module__blocks_per_stage=config["blocks_per_stage"],
        module__kernel_size=config["kernel_size"],
        module__shrinkage=params["shrinkage"],
        module__shortcut=params["shortcut"],
        module__threshold_batch_norm=params["threshold_batch_norm"],
        module__ndim=ndim,
        module__members=config["n_members"],
        criterion=torch.nn.CrossEntropyLoss,
        optimizer=OPTIMIZERS[config["optimizer"]],
        lr=config["lr"],
        optimizer__weight_decay=params["weight_decay"],
        **({"optimizer__momentum": params["momentum"]} if config["optimizer"] == "sgd" else {}),
        max_epochs=config["max_epochs"],
        batch_size=config["batch_size"],
        iterator_train=TensorBatches,
        iterator_train__shuffle=True,
        iterator_valid=TensorBatches,
        train_split=predefined_split(valid_ds) if valid_ds is not None else None,
        callbacks=_callbacks(params, config, valid_ds is not None),
        device=device,
        verbose=params["verbose"],
    )


def train_network(params: Mapping, data: TrainingData, seed: int) -> DRSNNet:
    """A net trained from ``seed`` (or the best of ``n_init`` candidates), ready to predict."""
    if params["n_init"] > 1:
        net = _best_initialisation(params, data, seed)
    else:
        net, _ = _start(params, data, seed, epochs=None)
    _finish(params, data, net)
    return net


def continue_training(params: Mapping, data: TrainingData, seed: int, fitted) -> DRSNNet:
    """A new net that starts from the weights of the ``fitted`` net and trains on ``data``.

    The optimizer and the learning-rate schedule start afresh; the input
    standardisation keeps the fitted statistics (the weights were learned
    with them).
    """
    net = _untrained_net(params, data)
    with _forked_rng(data.device):
        torch.manual_seed(seed)
        net.initialize()
        net.module_.load_state_dict(fitted.module_.state_dict())
        net.partial_fit(data.train_ds, None)
    _finish(params, data, net)
    return net


def check_warm_start(fitted: dict, classes: np.ndarray, input_shape: tuple) -> None:
    """Raise ValueError unless the new data fits the network that a warm start continues."""
    if tuple(input_shape) != fitted["input_shape_"]:
        raise ValueError(
            f"warm_start=True continues a network fitted on samples of shape "
            f"{fitted['input_shape_']}; X has samples of shape {tuple(input_shape)}. "
            "Bring X to that shape, or set warm_start=False to train a new network"
        )
    if not np.array_equal(classes, fitted["classes_"]):
        raise ValueError(
            f"warm_start=True continues a network fitted on the classes "
            f"{fitted['classes_'].tolist()}; y has the classes {classes.tolist()}. "
            "Use the same classes, or set warm_start=False to train a new network"
        )


def normalise_weights(weights: np.ndarray, valid: tuple | None):
    """Weights scaled to mean 1 over the training signals (the held-out ones by the same)."""
    mean = weights.mean()
    if mean <= 0:
        raise ValueError(
            "sample_weight: every training sample has zero weight, so there is nothing "
            "to learn from; give some samples a positive weight"
        )
    if valid is not None:
        valid = (valid[0], valid[1], valid[2] / mean)
    return weights / mean, valid


def _best_initialisation(params: Mapping, data: TrainingData, seed: int) -> DRSNNet:
    """The trained net of the candidate seed with the lowest training loss after a trial."""
    max_epochs = data.config["max_epochs"]
    # A sixth: shorter trials chose candidates that never learned on the main job's data.
    epochs = min(params["init_epochs"] or max(1, round(max_epochs / 6)), max_epochs)
    best, best_loss = None, np.inf
    for candidate in candidate_seeds(seed, params["n_init"]):
        trial = _start(params, data, candidate, epochs)
        loss = trial[0].history[-1, "train_loss"]
        loss = loss if np.isfinite(loss) else np.inf  # a diverged trial loses
        if best is None or loss < best_loss:
            best, best_loss = (candidate, *trial), loss
        del trial  # at most two networks in memory: the best so far and this one
    candidate, net, rng_state = best
    if data.valid_ds is not None:
        # Early stopping ended the trial by restoring its best weights (and may
        # have stopped it early): train the candidate again as one whole run.
        return _start(params, data, candidate, epochs=None)[0]
    # The trial is the first `epochs` epochs of the candidate's fit: go on from it,
    # drawing the shuffles from where the trial left the generator.
    if len(net.history) < max_epochs:
        with _forked_rng(data.device):
            torch.set_rng_state(rng_state)
            net.partial_fit(data.train_ds, None, epochs=max_epochs - len(net.history))
    return net


def _start(
    params: Mapping, data: TrainingData, seed: int, epochs: int | None
) -> tuple[DRSNNet, torch.Tensor]:
    """A net initialised from ``seed`` and trained for ``epochs`` (None: ``max_epochs``).

    Also returns the state of torch's generator after training, from which
    a continued run draws its next shuffles.
    """
    net = _untrained_net(params, data)
    with _forked_rng(data.device):
        torch.manual_seed(seed)
        net.initialize()
        if params["standardize"]:
            net.module_.standardize.set_statistics(*channel_statistics(data.X))
        net.partial_fit(data.train_ds, None, epochs=epochs)
        return net, torch.get_rng_state()


def _untrained_net(params: Mapping, data: TrainingData) -> DRSNNet:
    X = data.X
    return make_net(params, data.config, X.shape[1], data.n_classes, X.ndim - 2, data.device,
                    data.valid_ds)  # fmt: skip


def _finish(params: Mapping, data: TrainingData, net: DRSNNet) -> None:
    """Recompute the BatchNorm statistics if asked, and switch to inference mode."""
    if params["recompute_batch_norm"]:
        # Never smaller than a training batch: a batch of one signal cannot be
        # normalised in training mode, and a training batch is known to fit.
        size = max(data.config["batch_size"], inference_batch_size(data.X.shape))
        update_bn(TensorBatches(data.train_ds, size), net.module_)
    net.module_.eval()


def _callbacks(params: Mapping, config: dict, has_validation: bool) -> list:
    callbacks = []
    if params["verbose"] >= 1:
        callbacks.append(("progress_bar", ProgressBar()))
    if has_validation:
        callbacks.append(("valid_acc", BatchAccuracy()))
        stopping = EarlyStopping(
            monitor="valid_loss", patience=params["n_iter_no_change"], load_best=True
        )
        callbacks.append(("early_stopping", stopping))
    schedule = _lr_schedule(config["lr_schedule"], config["max_epochs"])
    if schedule is not None:
        callbacks.append(("lr_scheduler", schedule))
    # Copies: skorch initialises callbacks in place, and hyper-parameters must not change.
    return callbacks + copy.deepcopy(list(params["callbacks"] or []))


def _lr_schedule(name: str, max_epochs: int) -> ContinuedLRScheduler | None:
    if name == "paper":
        # Paper p.7: lr 0.1 for epochs 1-40, 0.01 for 41-80, 0.001 for 81-100.
        milestones = sorted({max(1, round(0.4 * max_epochs)), max(1, round(0.8 * max_epochs))})
        return ContinuedLRScheduler(policy="MultiStepLR", milestones=milestones, gamma=0.1)
    if name == "cosine":
        return ContinuedLRScheduler(policy="CosineAnnealingLR", T_max=max_epochs)
    return None


def channel_statistics(X: np.ndarray) -> tuple[torch.Tensor, torch.Tensor]:
    """Per-channel mean and standard deviation of ``(n, C, ...)`` data, in float64.

    A constant channel gets scale 1 (nothing to normalise, and no division by 0).
    """
    axes = (0, *range(2, X.ndim))
    mean = X.mean(axis=axes, dtype=np.float64)
    std = X.std(axis=axes, dtype=np.float64)
    std = np.where(std > 0, std, 1.0)
    return torch.as_tensor(mean, dtype=torch.float32), torch.as_tensor(std, dtype=torch.float32)


def _forked_rng(device: str):
    """A scope whose draws from torch's generators leave the caller's generators alone."""
    cuda = [torch.device(device)] if device.startswith("cuda") else []
    return torch.random.fork_rng(devices=cuda)


def _to_dataset(
    X: np.ndarray, y: np.ndarray, weights: np.ndarray | None, device: str
) -> InMemoryDataset:
    # torch.as_tensor shares memory with X where it can; the data is never written to.
    X_t = torch.as_tensor(np.ascontiguousarray(X)).to(device)
    y_t = torch.as_tensor(y, dtype=torch.long).to(device)
    w_t = None if weights is None else torch.as_tensor(weights, dtype=torch.float32).to(device)
    return InMemoryDataset(X_t, y_t, w_t)


def resolve_device(device: str) -> str:
    """``"auto"`` -> ``"cuda"`` where PyTorch sees a GPU, else ``"cpu"``; others are checked."""
    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    try:
        torch.device(device)
    except (RuntimeError, TypeError) as exc:
        raise ValueError(f"invalid device {device!r}: {exc}") from None
    if device.startswith("cuda") and not torch.cuda.is_available():
        raise ValueError(f"device={device!r} was requested but PyTorch sees no CUDA device")
    return device


def candidate_seeds(seed: int, n_init: int) -> list[int]:
    """``seed`` first (so that ``n_init=1`` trains what it always did), then derived seeds."""
    derived = (
        int(np.random.SeedSequence([seed, i]).generate_state(1)[0]) for i in range(1, n_init)
    )
    return [seed, *derived]
