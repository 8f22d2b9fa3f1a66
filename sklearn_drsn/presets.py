"""The main job's presets: whole comparisons by name, in the library's parameter names.

A preset holds the arguments of :func:`~sklearn_drsn.datasets.make_drivetrain`
(``n_per_class``, ``length``, ``fault_severity``), of
:func:`~sklearn_drsn.experiment.run_comparison` (``models``, ``noise_kinds``,
``snrs_db``, ``n_splits``, ``random_state``) and the
:class:`~sklearn_drsn.DRSNClassifier` hyper-parameters of its deep models
(:data:`DEEP_PARAMS`). The command line fills in from its preset every option
the user did not give; a script reproduces a preset's run with the same values::

    from sklearn_drsn.presets import DEEP_PARAMS, PRESETS

    preset = PRESETS["default"]
    deep_params = {key: preset[key] for key in DEEP_PARAMS}

The presets differ from :class:`~sklearn_drsn.DRSNClassifier`'s ``recipe="paper"``
in two ways, all of them, ``"paper"`` included, for the main job's input
handling (each noisy signal standardised on its own; ``--raw-amplitudes``
turns that off):

* ``threshold_batch_norm=False``: no BatchNorm in the DRSNs' threshold
  sub-networks, where the paper's Fig. 4 (and the estimator's default) has
  one, because on standardised signals that BatchNorm made DRSN-CW training
  fail on some folds (the measurements are in the user guide's main job
  page); ``--threshold-batch-norm`` restores the paper's sub-network.
* The ``default`` preset trains for fewer epochs (30) with a smaller batch
  (32) and keeps the best of three initialisations, to fit a small CPU.

The presets' deep-model settings are the paper's recipe's (``recipe="paper"``)
on the simulator. On the user's own file (``--data``) the main job runs
``recipe="auto"`` instead, with :class:`~sklearn_drsn.DRSNClassifier`'s own
defaults for every deep setting the user does not give (the ``quick`` preset
keeps its 2 epochs): 30 epochs of batch 32 suit the paper's 4-16-channel
network on 1,333 signals, not the recipe that ``"auto"`` picks for a few
hundred. ``--recipe`` chooses another recipe; any but ``"paper"`` takes the
estimator's defaults in the same way.

This module imports neither PyTorch nor scikit-learn, so that the command
line's ``--help`` answers at once.
"""

from __future__ import annotations

from .noise import NOISE_KINDS

__all__ = [
    "CLASSIC_MODEL_NAMES",
    "DATA_RECIPE",
    "DEEP_MODEL_NAMES",
    "DEEP_PARAMS",
    "KEPT_WITH_OTHER_RECIPES",
    "MODEL_NAMES",
    "PRESETS",
]

#: The deep models of :func:`~sklearn_drsn.experiment.make_model`.
DEEP_MODEL_NAMES = ("drsn-cw", "drsn-cs", "resnet", "convnet")
#: The classic feature pipelines of :func:`~sklearn_drsn.experiment.make_model`.
CLASSIC_MODEL_NAMES = ("random-forest", "svc", "knn", "logistic")
#: Every model name of the comparison.
MODEL_NAMES = (*DEEP_MODEL_NAMES, *CLASSIC_MODEL_NAMES)
#: The preset keys that are :class:`~sklearn_drsn.DRSNClassifier` hyper-parameters.
DEEP_PARAMS = ("recipe", "max_epochs", "batch_size", "threshold_batch_norm", "widths",
               "n_init", "init_epochs")  # fmt: skip
#: The recipe of the user's own file (``--data``) when ``--recipe`` is not given.
DATA_RECIPE = "auto"
#: The deep settings of each preset that hold with another recipe than the paper's;
#: the others are then DRSNClassifier's defaults. The quick preset stays a smoke test.
KEPT_WITH_OTHER_RECIPES: dict[str, tuple[str, ...]] = {
    "default": (), "paper": (), "quick": ("max_epochs",),
}  # fmt: skip

#: The main job's presets, by name; see the module's docstring.
PRESETS: dict[str, dict] = {
    # About 20 minutes on a 2-core CPU. Batch 32 gives the few training signals of a
    # fold enough optimiser steps; three initialisations, the best after a sixth of the
    # epochs training on, because some initial weights never learn at -5 dB.
    "default": dict(
        n_per_class=250, length=2048, fault_severity=2.0,
        models=["drsn-cw", "drsn-cs", "resnet", "convnet", "random-forest", "svc"],
        noise_kinds=["gaussian"], snrs_db=[-5.0, 5.0], n_splits=3, random_state=0,
        recipe="paper", max_epochs=30, batch_size=32, threshold_batch_norm=False, widths=None,
        n_init=3, init_epochs=None,
    ),
    # The paper's protocol (Sec. III), for a GPU machine, with the presets' threshold
    # sub-networks and input handling (see the module's docstring).
    "paper": dict(
        n_per_class=3600, length=2048, fault_severity=2.0, models=list(MODEL_NAMES),
        noise_kinds=list(NOISE_KINDS),
        snrs_db=[float(s) for s in range(-5, 6)], n_splits=10, random_state=0,
        recipe="paper", max_epochs=100, batch_size=128, threshold_batch_norm=False,
        widths=None, n_init=1, init_epochs=None,
    ),
    # A smoke test in seconds: its accuracies mean nothing.
    "quick": dict(
        n_per_class=8, length=256, fault_severity=2.0,
        models=["drsn-cw", "resnet", "random-forest"], noise_kinds=["gaussian"],
        snrs_db=[0.0], n_splits=2, random_state=0, recipe="paper", max_epochs=2,
        batch_size=16, threshold_batch_norm=False, widths=None, n_init=1, init_epochs=None,
    ),
}  # fmt: skip
