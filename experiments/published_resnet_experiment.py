"""The published ResNet baseline, ported to PyTorch, on the official UCR/UEA splits.

A port of ``resnet.py`` in the authors' code for Ismail Fawaz et al. (2019),
hfawaz/dl-4-tsc (Keras), to check on this machine the published figure that
:class:`~sklearn_drsn.DRSNClassifier`'s defaults are measured against:

* three residual blocks of three convolutions (kernels 8, 5, 3; 'same'
  padding; BatchNorm and ReLU), 64, 128 and 128 feature maps, no
  downsampling; shortcuts a 1x1 convolution and BatchNorm (BatchNorm alone in
  the third block, whose width does not change); global average pooling and
  a linear layer;
* Glorot-uniform weights and zero biases (Keras' defaults), BatchNorm with
  Keras' epsilon 1e-3 and momentum 0.99;
* Adam at 1e-3, the learning rate halved when the training loss has not
  improved (by 1e-4) for 50 epochs, down to 1e-4; batches of ``int(min(n / 10, 64))``
  signals (3 for ArrowHead's 36), 1,500 epochs, and the weights of the epoch
  with the lowest training loss kept (their ``ModelCheckpoint``);
* each series z-normalised on its own, as their loader does.

Not a part of the package: it exists to show what the published figure costs.

    python experiments/published_resnet_experiment.py --datasets ArrowHead --seeds 4 --jobs 2

Rows are appended to ``--out`` as fits end; the fits already there (same
data set, seed and epochs) are not run again. The user guide's real-data
results page gives the accuracies and the time a fit takes.
"""

from __future__ import annotations

import argparse
import time
import warnings
from pathlib import Path

import numpy as np
import torch
from _resume import completed, save
from joblib import Parallel, delayed
from torch import nn

FIELDS = ["dataset", "seed", "epochs", "accuracy", "train_loss", "seconds"]


def batch_norm(channels: int) -> nn.BatchNorm1d:
    return nn.BatchNorm1d(channels, eps=1e-3, momentum=0.01)  # Keras: momentum 0.99


class Block(nn.Module):
    def __init__(self, in_channels: int, channels: int, conv_shortcut: bool) -> None:
        super().__init__()
        layers = []
        for i, kernel in enumerate((8, 5, 3)):
            layers += [
                nn.Conv1d(in_channels if i == 0 else channels, channels, kernel, padding="same"),
                batch_norm(channels),
            ]
            if i < 2:
                layers.append(nn.ReLU())
        self.body = nn.Sequential(*layers)
        self.shortcut = (
            nn.Sequential(nn.Conv1d(in_channels, channels, 1), batch_norm(channels))
            if conv_shortcut
            else batch_norm(channels)
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.relu(self.body(x) + self.shortcut(x))


class PublishedResNet(nn.Module):
    def __init__(self, in_channels: int, n_classes: int) -> None:
        super().__init__()
        self.blocks = nn.Sequential(
            Block(in_channels, 64, True), Block(64, 128, True), Block(128, 128, False)
        )
        self.fc = nn.Linear(128, n_classes)
        for module in self.modules():
            if isinstance(module, nn.Conv1d | nn.Linear):
                nn.init.xavier_uniform_(module.weight)
                nn.init.zeros_(module.bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc(self.blocks(x).mean(-1))


def _as_tensor(X: np.ndarray) -> torch.Tensor:
    X = torch.as_tensor(np.asarray(X, dtype=np.float32))
    X = X[:, None, :] if X.ndim == 2 else X
    return (X - X.mean(-1, keepdim=True)) / X.std(-1, keepdim=True)


def train(net: PublishedResNet, X: torch.Tensor, targets: torch.Tensor, epochs: int) -> float:
    """Train as dl-4-tsc does; leave ``net`` with the weights of its lowest training loss."""
    optimizer = torch.optim.Adam(net.parameters(), lr=1e-3)
    # Keras counts an improvement only when the loss falls by 1e-4 (absolute), so once
    # the loss is below that the rate halves every 50 epochs; PyTorch's default is relative.
    plateau = torch.optim.lr_scheduler.ReduceLROnPlateau(
        optimizer, factor=0.5, patience=50, min_lr=1e-4, threshold=1e-4, threshold_mode="abs"
    )
    n = len(X)
    batch_size = int(min(n / 10, 64))
    best_loss, best_state = np.inf, None
    for _ in range(epochs):
        net.train()
        order, total = torch.randperm(n), 0.0
        for i in range(0, n, batch_size):
            batch = order[i : i + batch_size]
            if len(batch) < 2:  # BatchNorm cannot normalise one signal in training mode
                continue
            loss = nn.functional.cross_entropy(net(X[batch]), targets[batch])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item() * len(batch)
        epoch_loss = total / n
        plateau.step(epoch_loss)
        if epoch_loss < best_loss:
            best_loss = epoch_loss
            best_state = {k: v.clone() for k, v in net.state_dict().items()}
    net.load_state_dict(best_state)
    return best_loss


def run_one(dataset: str, seed: int, epochs: int) -> dict:
    from sklearn_drsn.datasets import load_archive_dataset

    torch.set_num_threads(1)  # one fit per core
    # PyTorch pads even kernels ('same') with a copy of the input; it says so on every call.
    warnings.filterwarnings("ignore", "Using padding='same' with even kernel")
    torch.manual_seed(seed)
    X_train, y_train = load_archive_dataset(dataset, "train")
    X_test, y_test = load_archive_dataset(dataset, "test")
    classes = np.unique(y_train)
    X_train, X_test = _as_tensor(X_train), _as_tensor(X_test)
    net = PublishedResNet(X_train.shape[1], len(classes))
    start = time.perf_counter()
    best_loss = train(net, X_train, torch.as_tensor(np.searchsorted(classes, y_train)), epochs)
    net.eval()
    with torch.no_grad():
        predicted = classes[net(X_test).argmax(1).numpy()]
    seconds = round(time.perf_counter() - start, 1)
    accuracy = round(float(np.mean(predicted == y_test)), 4)
    return dict(dataset=dataset, seed=seed, epochs=epochs, accuracy=accuracy,
                train_loss=f"{best_loss:.3g}", seconds=seconds)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", default="ArrowHead")
    parser.add_argument("--seeds", type=int, default=2, help="how many seeds")
    parser.add_argument("--first-seed", type=int, default=0)
    parser.add_argument("--epochs", type=int, default=1500)
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--out", type=Path, default=Path("published_resnet.csv"))
    args = parser.parse_args()
    seeds = range(args.first_seed, args.first_seed + args.seeds)
    done = completed(args.out, FIELDS, ["dataset", "seed", "epochs"])
    todo = [(d, s) for s in seeds for d in args.datasets.split(",")
            if (d, str(s), str(args.epochs)) not in done]  # fmt: skip
    rows = Parallel(n_jobs=args.jobs, return_as="generator")(
        delayed(run_one)(d, s, args.epochs) for d, s in todo
    )
    save(rows, args.out, FIELDS)


if __name__ == "__main__":
    main()
