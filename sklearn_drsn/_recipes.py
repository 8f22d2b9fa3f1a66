"""Recipes: where the hyper-parameters that a caller leaves at None come from.

Pure Python and NumPy (no torch), so the CLI and the persistence layer can
resolve and check configurations without building a network.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping, Sequence
from itertools import pairwise

import numpy as np

__all__ = [
    "ARCHITECTURE_KEYS",
    "AUTO_PAPER_MIN_SAMPLES",
    "RECIPES",
    "check_architecture",
    "choose_recipe",
    "resolve_config",
    "resolve_continued_config",
]

#: Hyper-parameters that ``recipe`` fills in where the caller leaves them None.
#: "paper": Zhao et al.'s network and training (25,920 training signals of 2,048).
#: "small": for the few hundred signals or fewer of most real archives: wider,
#: larger kernels, one unit a stage, Adam, and batches and epochs by the size of
#: the training set (SMALL_SCHEDULE; docs: user_guide/real_data.rst).
RECIPES: dict[str, dict] = {
    "paper": dict(
        widths=(4, 8, 16), blocks_per_stage=4, kernel_size=3, max_epochs=100, batch_size=128,
        lr=0.1, lr_schedule="paper", optimizer="sgd",
    ),
    "small": dict(
        widths=(32, 64, 128), blocks_per_stage=1, kernel_size=7, max_epochs=None, batch_size=None,
        lr=None, lr_schedule="cosine", optimizer="adam",
    ),
}  # fmt: skip

#: The keys of a configuration that decide the network's shape (and its weights' shapes).
#: ``n_members`` is no recipe's (it is never None): the estimator records it in the config.
ARCHITECTURE_KEYS = ("widths", "blocks_per_stage", "kernel_size", "n_members")
#: The value of an architecture key that configurations of older releases do not record.
UNRECORDED_ARCHITECTURE = {"n_members": 1}

#: recipe="auto" picks "paper" for 1-D signals from this many training signals
#: (after any validation split) on, "small" below it; 2-D input always gets
#: "small" (docs: user_guide/classifier.rst, "Recipes").
AUTO_PAPER_MIN_SAMPLES = 1000
#: The small recipe's batch, epochs and learning rate, by the number of spatial dimensions:
#: batches of ``n_train / batch_divisor`` signals (rounded up or down, within 2 and
#: ``max_batch``), enough epochs for ``min_steps`` optimiser steps (within ``epochs``).
#: 1-D: four batches an epoch and at least 60 epochs at twice the learning rate, which
#: matched or beat the older rule (batches of a tenth, 1,500 steps at 1e-3) in CV on the
#: pool at about a sixth of its steps (docs: selection_protocol.rst, "Fewer, larger steps").
#: 2-D: batches of a tenth and 1,500 steps with no epoch floor, which beat the paper
#: recipe in CV within twice its fit time (docs: selection_protocol.rst).
SMALL_SCHEDULE: dict[int, dict] = {
    1: dict(batch_divisor=4, round_up=True, max_batch=32, min_steps=240, epochs=(60, 500),
            lr=2e-3),
    2: dict(batch_divisor=10, round_up=False, max_batch=16, min_steps=1500, epochs=(1, 500),
            lr=1e-3),
}  # fmt: skip


def small_schedule(
    n_train: int,
    n_spatial_dims: int = 1,
    batch_size: int | None = None,
    rule: Mapping[str, object] | None = None,
) -> tuple[int, int]:
    """``(batch_size, max_epochs)`` of the small recipe for ``n_train`` training signals.

    A given ``batch_size`` is kept, and the epochs are counted for it.
    ``rule`` replaces ``SMALL_SCHEDULE[n_spatial_dims]`` (a dict of the same
    keys; the selection protocol's candidates are such rules).

    Examples
    --------
    >>> small_schedule(50)
    (13, 60)
    >>> small_schedule(50, batch_size=5)
    (5, 60)
    >>> small_schedule(833, n_spatial_dims=2)
    (16, 29)
    """
    rule = SMALL_SCHEDULE[n_spatial_dims] if rule is None else rule
    if batch_size is None:
        quotient, remainder = divmod(n_train, rule["batch_divisor"])
        batch = quotient + (rule["round_up"] and remainder > 0)
        batch_size = int(np.clip(batch, 2, rule["max_batch"]))
    steps_per_epoch = max(1, -(-n_train // batch_size))
    epochs = int(np.clip(-(-rule["min_steps"] // steps_per_epoch), *rule["epochs"]))
    return batch_size, epochs


def choose_recipe(recipe: str, n_train: int, n_spatial_dims: int = 1) -> tuple[str, str]:
    """The recipe that ``recipe`` ("auto", "paper" or "small") means here, and why.

    ``n_spatial_dims`` is 1 for signals ``(channels, length)``, 2 for images.

    Examples
    --------
    >>> choose_recipe("auto", 50)
    ('small', '1-D input, fewer than 1000 training signals')
    >>> choose_recipe("auto", 5000)[0], choose_recipe("auto", 5000, n_spatial_dims=2)[0]
    ('paper', 'small')
    >>> choose_recipe("small", 5000)
    ('small', 'given')
    """
    if recipe != "auto":
        return recipe, "given"
    if n_spatial_dims == 2:
        return "small", "2-D input"
    if n_train >= AUTO_PAPER_MIN_SAMPLES:
        return "paper", f"1-D input, {AUTO_PAPER_MIN_SAMPLES} or more training signals"
    return "small", f"1-D input, fewer than {AUTO_PAPER_MIN_SAMPLES} training signals"


def resolve_config(
    recipe: str, explicit: Mapping[str, object], n_train: int, n_spatial_dims: int = 1
) -> dict:
    """The recipe's values with the caller's non-None ``explicit`` values on top.

    ``recipe`` is "paper" or "small" (see :func:`choose_recipe`). For
    "small", batch and epochs come from :func:`small_schedule` unless given.

    Examples
    --------
    >>> config = resolve_config("small", {"lr": 0.01}, n_train=50)
    >>> config["lr"], config["batch_size"], config["max_epochs"]
    (0.01, 13, 60)
    >>> resolve_config("small", {}, n_train=833, n_spatial_dims=2)["max_epochs"]
    29
    """
    config = {}
    for name, default in RECIPES[recipe].items():
        value = explicit.get(name)
        config[name] = default if value is None else value
    config["widths"] = tuple(int(w) for w in config["widths"])
    if config["batch_size"] is None or config["max_epochs"] is None:
        batch, epochs = small_schedule(n_train, n_spatial_dims, config["batch_size"])
        config["batch_size"] = batch
        if config["max_epochs"] is None:
            config["max_epochs"] = epochs
    if config["lr"] is None:
        config["lr"] = SMALL_SCHEDULE[n_spatial_dims]["lr"]
    return config


def resolve_continued_config(
    recipe: str,
    fitted_config: Mapping[str, object],
    explicit: Mapping[str, object],
    n_train: int,
    n_spatial_dims: int = 1,
) -> dict:
    """For a warm start: the fitted network's architecture, the training values resolved anew.

    Raises ValueError when ``explicit`` asks for another architecture than the fitted one.

    Examples
    --------
    >>> fitted = resolve_config("small", {}, n_train=2000)
    >>> config = resolve_continued_config("small", fitted, {"lr": 1e-4}, n_train=40)
    >>> config["widths"], config["lr"], config["batch_size"]
    ((32, 64, 128), 0.0001, 10)
    """
    explicit = dict(explicit)
    for name in ARCHITECTURE_KEYS:
        value = fitted_config.get(name, UNRECORDED_ARCHITECTURE.get(name))
        asked = explicit.get(name)
        if name == "widths" and asked is not None:
            asked = tuple(int(w) for w in asked)
        if asked is not None and asked != value:
            keep = f"Leave {name} at None (or equal)" if name in RECIPES[recipe] else (
                f"Set {name}={value!r}"
            )  # fmt: skip
            raise ValueError(
                f"warm_start=True continues the fitted network, whose {name} is {value}; "
                f"got {name}={explicit[name]!r}. {keep}, "
                "or set warm_start=False to train a new network"
            )
        explicit[name] = value
    config = resolve_config(recipe, explicit, n_train, n_spatial_dims)
    config["n_members"] = explicit["n_members"]  # no recipe's, so resolve_config drops it
    return config


def check_architecture(widths: Sequence[int] | None, kernel_size: int | None) -> None:
    """Raise ValueError for widths or a kernel size that no network can be built from.

    The network checks these too; checking here fails before any work.

    Examples
    --------
    >>> check_architecture((16, 8), 3)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: widths must be non-decreasing (...), got (16, 8)
    """
    if widths is not None:
        widths = tuple(widths)
        if not widths or any(not isinstance(w, numbers.Integral) or w < 1 for w in widths):
            raise ValueError(f"widths must be a non-empty sequence of positive ints, got {widths}")
        if any(b < a for a, b in pairwise(widths)):
            raise ValueError(
                "widths must be non-decreasing (each stage at least as wide as the one "
                f"before), got {widths}"
            )
    if kernel_size is not None and kernel_size % 2 == 0:
        raise ValueError(f"kernel_size must be odd, got {kernel_size}")
