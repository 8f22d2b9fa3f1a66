"""DRSNClassifier: deep residual shrinkage networks with scikit-learn's estimator contract.

This module holds the contract (hyper-parameters, validation, fitted
attributes); recipes live in ``_recipes``, training in ``_training``,
inference in ``_inference`` and model files in ``_persistence``.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import ClassVar

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, _fit_context
from sklearn.utils._param_validation import Interval, Options, StrOptions
from sklearn.utils.class_weight import compute_sample_weight
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import _check_sample_weight, validate_data

from ._inference import PredictionMixin, as_network_input
from ._persistence import ModelFileMixin
from ._recipes import (
    RECIPES,
    check_architecture,
    choose_recipe,
    resolve_config,
    resolve_continued_config,
)
from ._threads import torch_threads
from ._training import (
    OPTIMIZERS,
    check_warm_start,
    continue_training,
    draw_seed,
    make_training_data,
    normalise_weights,
    resolve_device,
    split_validation,
    train_network,
)

__all__ = ["DRSNClassifier", "validate_hyperparameters"]


class DRSNClassifier(PredictionMixin, ModelFileMixin, ClassifierMixin, BaseEstimator):
    """Deep residual shrinkage network classifier (DRSN-CW, DRSN-CS, ResNet, ConvNet).

    A 1-D (or 2-D) residual network whose units end in soft thresholding with
    thresholds learned per sample (Zhao et al., 2019), trained with skorch on
    PyTorch. Hyper-parameters left at None come from a recipe: the paper's
    network (Table II) and training (SGD with momentum 0.9, learning rate 0.1
    divided by 10 at 40 % and 80 % of the epochs, batch 128, 100 epochs), or a
    wider, shallower network trained with Adam for small data sets (see
    ``recipe``).

    Parameters
    ----------
    shrinkage : {"cw", "cs"} or None, default="cw"
        Channel-wise (DRSN-CW) or channel-shared (DRSN-CS) thresholds; None
        gives the plain ResNet baseline.
    shortcut : bool, default=True
        False removes the identity shortcuts; with ``shrinkage=None`` this is
        the paper's ConvNet baseline.
    threshold_batch_norm : bool, default=True
        BatchNorm between the two FC layers of every threshold sub-network,
        as in the paper. False drops it, which kept DRSN-CW training from
        failing on signals standardised one by one (see
        :ref:`main_job_results`). Ignored when ``shrinkage=None``.
    widths : tuple of int or None, default=None
        Channels of each stage (non-decreasing). None: from the recipe,
        (4, 8, 16) for "paper", (32, 64, 128) for "small".
    blocks_per_stage : int or None, default=None
        Residual units per stage; the first of each stage halves the length.
        None: 4 ("paper"), 1 ("small").
    kernel_size : int or None, default=None
        Odd kernel size of every convolution. None: 3 ("paper"), 7 ("small").
    n_members : int, default=1
        Networks trained together as one packed ensemble (Laurent et al.,
        2023): each member is the same architecture with its own weights
        and BatchNorm statistics, all members see the same mini-batches, and
        the training loss is the sum of the members' losses (so each member
        trains exactly as it would alone; ``history_``'s ``train_loss`` is
        ``n_members`` times one member's). The probabilities are the mean
        of the members'. On small data a step of
        ``n_members`` packed networks costs far less than ``n_members``
        fits (see :class:`sklearn_drsn.nn.DRSN`'s ``members``). ``embed``
        then returns the members' embeddings side by side, and
        ``thresholds`` is not available.
    max_epochs : int or None, default=None
        Training epochs (fewer when early stopping triggers). None: 100
        ("paper"); for "small", 60 for signals (more for fewer than 10
        signals, to make 240 optimiser steps), and enough for 1,500 steps
        (at most 500 epochs) for images.
    batch_size : int or None, default=None
        Mini-batch size. None: 128 ("paper"); for "small", a quarter of the
        training signals rounded up, between 2 and 32, for signals (four
        batches an epoch: 13 for 50 signals); a tenth, between 2 and 16,
        for images.
    lr : float or None, default=None
        Initial learning rate. None: 0.1 ("paper"); for "small", 2e-3 for
        signals and 1e-3 for images.
    momentum : float, default=0.9
        Momentum of SGD (ignored by the Adam optimizers).
    weight_decay : float, default=1e-4
        L2 decay of convolution and linear weights; biases and BatchNorm
        parameters are never decayed.
    lr_schedule : {"paper", "cosine", "constant"} or None, default=None
        ``"paper"`` multiplies the learning rate by 0.1 after 40 % and 80 % of
        ``max_epochs``; ``"cosine"`` anneals it to 0; ``"constant"`` keeps it.
        None: "paper" ("paper" recipe), "cosine" ("small").
    optimizer : {"sgd", "adam", "adamw"} or None, default=None
        Optimizer. None: "sgd" ("paper"), "adam" ("small").
    recipe : {"auto", "paper", "small"}, default="auto"
        Where the hyper-parameters left at None come from. ``"auto"`` takes
        ``"small"`` for 2-D input (images); for 1-D signals, ``"paper"``
        from 1,000 training signals (after the validation split) on and
        ``"small"`` below that. Explicit values always win; the values used,
        and the rule that chose the recipe, are in ``config_``.
    standardize : bool, default=True
        Subtract each input channel's training-set mean and divide by its
        standard deviation (stored in the network, so prediction, ``save`` and
        ``to_onnx`` apply the same). This makes the fit indifferent to the
        unit of the data; relative amplitudes between signals are kept.
    validation_fraction : float, default=0.0
        Fraction of the training data held out (stratified) to monitor
        ``valid_loss`` and ``valid_acc``. When positive, training stops early
        after ``n_iter_no_change`` epochs without improvement of the
        validation loss and the best weights are restored. 0 uses all data
        for training, as the paper does.
    recompute_batch_norm : bool, default=True
        After training, replace the running mean and variance of every
        BatchNorm layer by their average over one pass through the training
        signals, the weights fixed ("precise BatchNorm", Wu and Johnson,
        2021): the running averages follow the last few mini-batches, so
        predictions would depend on which batches came last. False keeps
        the running averages, as the paper's code does.
    class_weight : dict, "balanced" or None, default=None
        Weights of the classes, as in scikit-learn's ``LogisticRegression``:
        ``{label: weight}``, or ``"balanced"`` for
        ``n_samples / (n_classes * np.bincount(y))``. They multiply
        ``sample_weight``.
    warm_start : bool, default=False
        When True and the estimator is fitted, ``fit`` starts from the fitted
        weights instead of a new initialisation (fine-tuning): the network,
        the classes, the input shape, the recipe and the input
        standardisation stay those of the first fit; the epochs, batch,
        learning rate and schedule are resolved again for the new data, with
        a new optimizer. ``n_init`` is not used then.
    n_threads : int or None, default=1
        PyTorch intra-op threads during ``fit`` and prediction on the CPU,
        set on entry and restored on exit. ``-1`` uses every core the process
        may use; None keeps the caller's setting. With a fixed count, the
        same hyper-parameters and ``random_state`` give the same model on
        any machine of the same CPU type, serially or in parallel workers;
        results differ in the last digits between thread counts (float32
        sums split differently), so the default 1 makes fits independent of
        the core count and lets ``GridSearchCV(n_jobs=-1)`` run one fit per
        core without oversubscription. See :ref:`reproducibility`.
    n_iter_no_change : int, default=10
        Patience of early stopping (used only with ``validation_fraction``).
    n_init : int, default=1
        Initialisations tried. With more than one, each candidate (its own
        seed drawn from ``random_state``, the first the one ``n_init=1``
        uses) trains for ``init_epochs`` epochs, and the one with the lowest
        training loss trains on to ``max_epochs`` (with
        ``validation_fraction``, again from the start). Like KMeans'
        ``n_init``, the choice uses the training objective only; a short
        trial is a noisy judge.
    init_epochs : int or None, default=None
        Epochs of each trial when ``n_init > 1`` (at most ``max_epochs``).
        None: a sixth of ``max_epochs`` (5 of 30), at least 1.
    device : str, default="auto"
        ``"auto"`` trains on CUDA when PyTorch sees a GPU (honouring
        ``CUDA_VISIBLE_DEVICES``), else on the CPU; or any torch device string.
    random_state : int, RandomState instance or None, default=None
        Seeds weight initialisation, shuffling and the validation split. The
        caller's global NumPy and PyTorch random states are left untouched.
    verbose : int, default=0
        0 prints nothing; 1 prints a table per epoch and a progress bar.
    callbacks : list of skorch callbacks or None, default=None
        Extra skorch callbacks (objects or ``(name, callback)`` pairs).

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels.
    n_features_in_ : int
        Number of features (signal length for 2-D ``X``; channels for 3-D or
        4-D ``X``, as scikit-learn counts the second axis).
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Column names, when ``X`` was a DataFrame with string column names.
    input_shape_ : tuple of int
        Shape of one sample as the network sees it, ``(channels, length)`` or
        ``(channels, height, width)``.
    device_ : str
        Device the network was trained on.
    net_ : DRSNNet
        The fitted skorch net (``net_.module_`` is the PyTorch module).
    history_ : skorch.History
        Per-epoch training history (``train_loss``, and ``valid_loss`` and
        ``valid_acc`` with a validation fraction).
    n_epochs_ : int
        Epochs actually trained.
    recipe_ : str
        The recipe used, ``"paper"`` or ``"small"``.
    config_ : dict
        The values of the recipe-dependent hyper-parameters used in training
        (``widths``, ``blocks_per_stage``, ``kernel_size``, ``max_epochs``,
        ``batch_size``, ``lr``, ``lr_schedule``, ``optimizer``), ``n_members``, and
        ``recipe_rule``, why the recipe was chosen: ``"given"`` (``recipe``
        named it), ``"warm start"``, or the rule of ``recipe="auto"`` that
        applied (``"2-D input"``, ``"1-D input, fewer than 1000 training
        signals"``, ...).

    See Also
    --------
    sklearn_drsn.nn.DRSN : The PyTorch module that is trained.

    References
    ----------
    .. [1] M. Zhao, S. Zhong, X. Fu, B. Tang and M. Pecht, "Deep Residual
       Shrinkage Networks for Fault Diagnosis," IEEE Transactions on Industrial
       Informatics, 16(7), 4681-4690, 2020. doi:10.1109/TII.2019.2943898
    .. [2] O. Laurent, A. Lafage, E. Tartaglione, G. Daniel, J.-M. Martinez,
       A. Bursuc and G. Franchi, "Packed-Ensembles for Efficient Uncertainty
       Estimation," ICLR 2023.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_drsn import DRSNClassifier
    >>> rng = np.random.default_rng(0)
    >>> t = np.arange(64)
    >>> X = np.concatenate([np.sin(t / 2) + rng.normal(0, 0.5, (40, 64)),
    ...                     np.sign(np.sin(t / 5)) + rng.normal(0, 0.5, (40, 64))])
    >>> y = np.repeat(["sine", "square"], 40)
    >>> clf = DRSNClassifier(max_epochs=15, batch_size=16, random_state=0).fit(X, y)
    >>> clf.predict(X[:3])
    array(['sine', 'sine', 'sine'], dtype='<U6')
    >>> float(clf.score(X, y)) > 0.9
    True
    """

    _parameter_constraints: ClassVar[dict] = {
        "shrinkage": [StrOptions({"cw", "cs"}), None],
        "shortcut": ["boolean"],
        "threshold_batch_norm": ["boolean"],
        "widths": ["array-like", None],
        "blocks_per_stage": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "kernel_size": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "n_members": [Interval(numbers.Integral, 1, None, closed="left")],
        "max_epochs": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "batch_size": [Interval(numbers.Integral, 2, None, closed="left"), None],
        "lr": [Interval(numbers.Real, 0, None, closed="neither"), None],
        "momentum": [Interval(numbers.Real, 0, 1, closed="left")],
        "weight_decay": [Interval(numbers.Real, 0, None, closed="left")],
        "lr_schedule": [StrOptions({"paper", "cosine", "constant"}), None],
        "optimizer": [StrOptions(set(OPTIMIZERS)), None],
        "recipe": [StrOptions({"auto", *RECIPES})],
        "standardize": ["boolean"],
        "validation_fraction": [Interval(numbers.Real, 0, 1, closed="left")],
        "recompute_batch_norm": ["boolean"],
        "class_weight": [dict, StrOptions({"balanced"}), None],
        "warm_start": ["boolean"],
        "n_threads": [
            Interval(numbers.Integral, 1, None, closed="left"),
            Options(numbers.Integral, {-1}),
            None,
        ],
        "n_iter_no_change": [Interval(numbers.Integral, 1, None, closed="left")],
        "n_init": [Interval(numbers.Integral, 1, None, closed="left")],
        "init_epochs": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "device": [str],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
        "callbacks": [list, None],
    }

    def __init__(
        self,
        shrinkage: str | None = "cw",
        shortcut: bool = True,
        threshold_batch_norm: bool = True,
        widths: Sequence[int] | None = None,
        blocks_per_stage: int | None = None,
        kernel_size: int | None = None,
        n_members: int = 1,
        max_epochs: int | None = None,
        batch_size: int | None = None,
        lr: float | None = None,
        momentum: float = 0.9,
        weight_decay: float = 1e-4,
        lr_schedule: str | None = None,
        optimizer: str | None = None,
        recipe: str = "auto",
        standardize: bool = True,
        validation_fraction: float = 0.0,
        recompute_batch_norm: bool = True,
        class_weight: dict | str | None = None,
        warm_start: bool = False,
        n_threads: int | None = 1,
        n_iter_no_change: int = 10,
        n_init: int = 1,
        init_epochs: int | None = None,
        device: str = "auto",
        random_state=None,
        verbose: int = 0,
        callbacks: list | None = None,
    ) -> None:
        self.shrinkage = shrinkage
        self.shortcut = shortcut
        self.threshold_batch_norm = threshold_batch_norm
        self.widths = widths
        self.blocks_per_stage = blocks_per_stage
        self.kernel_size = kernel_size
        self.n_members = n_members
        self.max_epochs = max_epochs
        self.batch_size = batch_size
        self.lr = lr
        self.momentum = momentum
        self.weight_decay = weight_decay
        self.lr_schedule = lr_schedule
        self.optimizer = optimizer
        self.recipe = recipe
        self.standardize = standardize
        self.validation_fraction = validation_fraction
        self.recompute_batch_norm = recompute_batch_norm
        self.class_weight = class_weight
        self.warm_start = warm_start
        self.n_threads = n_threads
        self.n_iter_no_change = n_iter_no_change
        self.n_init = n_init
        self.init_epochs = init_epochs
        self.device = device
        self.random_state = random_state
        self.verbose = verbose
        self.callbacks = callbacks

    # ------------------------------------------------------------------ fit
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None) -> DRSNClassifier:
        """Train the network on signals ``X`` with labels ``y``.

        Parameters
        ----------
        X : array-like of shape (n_samples, length), (n_samples, channels, length) \
or (n_samples, channels, height, width)
            One-channel signals, multichannel signals, or images. Any real
            dtype; cast to float32 internally (the caller's array is not
            modified).
        y : array-like of shape (n_samples,)
            Class labels (strings, integers, booleans).
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights: each sample's loss is multiplied by its
            weight (times its class's ``class_weight``), the weights scaled
            to mean 1 over the training signals so that their overall scale
            does not act as a learning rate. A zero weight removes a sample
            from the loss, not from the BatchNorm statistics.

        Returns
        -------
        self : DRSNClassifier
            The fitted estimator.

        Raises
        ------
        ValueError
            For invalid data or hyper-parameters, or if training diverges.
            The estimator is then left exactly as it was before the call.
        """
        # validate_data records n_features_in_ before the data is known to be
        # usable; restoring the previous attributes on any failure means a
        # failed fit never leaves a half-fitted (or half-refitted) estimator.
        previous = self.__dict__.copy()
        try:
            with torch_threads(self.n_threads):
                return self._fit(X, y, sample_weight, previous)
        except BaseException:
            self.__dict__.clear()
            self.__dict__.update(previous)
            raise

    def _fit(self, X, y, sample_weight, previous: dict) -> DRSNClassifier:
        """The fit itself; ``previous`` holds the attributes from before it (a warm start's)."""
        check_architecture(self.widths, self.kernel_size)
        fitted = previous if self.warm_start and "net_" in previous else None
        X, y = validate_data(
            self, X, y, allow_nd=True, dtype=np.float32, ensure_min_samples=2, reset=True
        )
        X = as_network_input(X)
        check_classification_targets(y)
        classes, y_encoded = np.unique(y, return_inverse=True)
        if len(classes) < 2:
            raise ValueError(
                f"{type(self).__name__} needs samples of at least 2 classes in y; "
                f"got 1 class ({classes[0]!r})"
            )
        if fitted is not None:
            check_warm_start(fitted, classes, X.shape[1:])
        weights = self._sample_weights(sample_weight, X, y)
        device = resolve_device(self.device)
        seed = draw_seed(self.random_state)
        X_train, y_train, w_train, valid = split_validation(
            X, y_encoded, weights, self.validation_fraction, seed
        )
        recipe, config = self._resolve_config(len(X_train), X.ndim - 2, fitted)
        if w_train is not None:
            w_train, valid = normalise_weights(w_train, valid)
        data = make_training_data(X_train, y_train, w_train, valid, len(classes), config, device)
        params = self.get_params(deep=False)
        if fitted is not None:
            net = continue_training(params, data, seed, fitted["net_"])
        else:
            net = train_network(params, data, seed)
        losses = net.history[:, "train_loss"]
        if not np.all(np.isfinite(losses)):
            raise ValueError(
                "training diverged (the training loss became NaN or infinite); "
                "lower `lr` or rescale X"
            )
        # Everything fitted is assigned at the end, so a failed fit leaves no partial state.
        self.recipe_ = recipe
        self.config_ = config
        self.classes_ = classes
        self.input_shape_ = tuple(X.shape[1:])
        self.device_ = device
        self.net_ = net
        self.history_ = net.history
        self.n_epochs_ = len(net.history)
        return self

    def _sample_weights(self, sample_weight, X: np.ndarray, y: np.ndarray) -> np.ndarray | None:
        """Per-sample loss weights (``sample_weight`` times class weights), or None for none."""
        if sample_weight is None and self.class_weight is None:
            return None
        weights = _check_sample_weight(
            sample_weight, X, dtype=np.float64, ensure_non_negative=True
        )
        if self.class_weight is not None:
            weights = weights * compute_sample_weight(self.class_weight, y)
        return weights

    def _resolve_config(
        self, n_train: int, n_spatial_dims: int, fitted: dict | None
    ) -> tuple[str, dict]:
        """The recipe and the values used; a warm start keeps the fitted recipe and network."""
        explicit = {name: getattr(self, name) for name in RECIPES["paper"]}
        if fitted is None:
            recipe, rule = choose_recipe(self.recipe, n_train, n_spatial_dims)
            config = resolve_config(recipe, explicit, n_train, n_spatial_dims)
            config["n_members"] = int(self.n_members)  # no recipe's: resolve_config leaves it out
        else:
            # The fitted architecture, n_members included (a change is refused).
            recipe, rule = fitted["recipe_"], "warm start"
            config = resolve_continued_config(
                recipe, fitted["config_"], {**explicit, "n_members": self.n_members},
                n_train, n_spatial_dims,
            )  # fmt: skip
        return recipe, {**config, "recipe_rule": rule}

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = False
        tags.input_tags.sparse = False
        return tags


def validate_hyperparameters(params: dict) -> None:
    """Check ``DRSNClassifier`` hyper-parameters as ``fit`` would, without fitting.

    Raises
    ------
    ValueError
        For a value out of range or an impossible architecture.
    TypeError
        For a name that is not a hyper-parameter.

    Examples
    --------
    >>> validate_hyperparameters({"max_epochs": 0})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    sklearn.utils._param_validation.InvalidParameterError: The 'max_epochs' parameter ...
    """
    probe = DRSNClassifier(**params)
    probe._validate_params()
    check_architecture(probe.widths, probe.kernel_size)
