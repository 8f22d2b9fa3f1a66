"""DRSNClassifier: deep residual shrinkage networks with scikit-learn's estimator contract."""

from __future__ import annotations

import copy
import numbers
from collections.abc import Sequence
from typing import ClassVar, NamedTuple

import numpy as np
import torch
from sklearn.base import BaseEstimator, ClassifierMixin, _fit_context
from sklearn.model_selection import train_test_split
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data
from skorch.callbacks import EarlyStopping, ProgressBar
from skorch.helper import predefined_split
from torch.optim.swa_utils import update_bn

from ._skorch import (
    BatchAccuracy,
    ContinuedLRScheduler,
    DRSNNet,
    InMemoryDataset,
    TensorBatches,
)
from .nn import DRSN

__all__ = ["DRSNClassifier", "validate_hyperparameters"]

OPTIMIZERS = {"sgd": torch.optim.SGD, "adam": torch.optim.Adam, "adamw": torch.optim.AdamW}

#: Hyper-parameters that ``recipe`` fills in where the caller leaves them None.
#: "paper": Zhao et al.'s network and training (25,920 training signals of 2,048).
#: "small": for the few hundred signals or fewer of most real archives, where
#: a 4-16 channel net trained for 100 epochs of batch 128 (one optimiser step
#: per epoch on 50 signals) underfits: wider, larger kernels, small batches,
#: Adam, and at least ``_SMALL_MIN_STEPS`` steps (see docs/user_guide/real_data.rst);
#: but one unit a stage, not four, and batches of a tenth of the training set
#: (2 to 16; the published ResNet's rule, capped at 64 there): on 36-50
#: training signals the deeper net and batches of 16 generalised worse
#: (docs/user_guide/real_data_results.rst).
RECIPES: dict[str, dict] = {
    "paper": dict(
        widths=(4, 8, 16), blocks_per_stage=4, kernel_size=3, max_epochs=100, batch_size=128,
        lr=0.1, lr_schedule="paper", optimizer="sgd",
    ),
    "small": dict(
        widths=(32, 64, 128), blocks_per_stage=1, kernel_size=7, max_epochs=None, batch_size=None,
        lr=1e-3, lr_schedule="cosine", optimizer="adam",
    ),
}  # fmt: skip
#: recipe="auto" picks "paper" from this many training signals (after any
#: validation split) on, "small" below it.
AUTO_PAPER_MIN_SAMPLES = 1000
_SMALL_MIN_STEPS, _SMALL_EPOCHS = 1500, (100, 500)
_SMALL_BATCH = (2, 16)  # a tenth of the training signals, within these bounds
# Inference batches: at most this many samples, and about this many input values.
_INFERENCE_BATCH = 128
_INFERENCE_VALUES = 1 << 22


class DRSNClassifier(ClassifierMixin, BaseEstimator):
    """Deep residual shrinkage network classifier (DRSN-CW, DRSN-CS, ResNet, ConvNet).

    A 1-D (or 2-D) residual network whose units end in soft thresholding with
    thresholds learned per sample (Zhao et al., 2019), trained with skorch on
    PyTorch. The defaults are the paper's network (Table II) and training
    recipe: SGD with momentum 0.9, learning rate 0.1 divided by 10 at 40 % and
    80 % of the epochs, weight decay 1e-4 on weights only, batch 128,
    100 epochs.

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
    max_epochs : int or None, default=None
        Training epochs (fewer when early stopping triggers). None: 100
        ("paper"); for "small", enough epochs for 1,500 optimiser steps,
        between 100 and 500.
    batch_size : int or None, default=None
        Mini-batch size. None: 128 ("paper"); for "small", a tenth of the
        training signals, between 2 and 16 (the published ResNet's rule,
        which caps it at 64: 3 for 36 signals, 16 from 160 on).
    lr : float or None, default=None
        Initial learning rate. None: 0.1 ("paper"), 1e-3 ("small").
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
        ``"paper"`` for 1,000 or more training signals (after the validation
        split) and ``"small"`` below that. Explicit values always win; the
        values used are in ``config_``.
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
        signals (batches of 128, fewer for long signals but never fewer
        than ``batch_size``; the weights fixed; "precise
        BatchNorm", Wu and Johnson, 2021). The running averages kept during
        training follow the last few mini-batches, so without this the
        predictions depend on which batches came last: on GunPoint the test
        accuracy of one network moved by up to 2.7 points between its last
        five epochs. False keeps the running averages, as the paper's code
        does.
    n_iter_no_change : int, default=10
        Patience of early stopping (used only with ``validation_fraction``).
    n_init : int, default=1
        Initialisations tried. With more than one, each candidate (its own
        seed, drawn from ``random_state``; the first is the seed ``n_init=1``
        uses) is trained for ``init_epochs`` epochs, and the one with the
        lowest training loss in its last trial epoch trains on to
        ``max_epochs``: the fit is that candidate's plain fit (exactly, on
        the CPU), and the trials cost ``(n_init - 1) * init_epochs`` extra
        epochs. With ``validation_fraction``, early stopping ends each trial
        by restoring its best weights, so the chosen candidate is trained
        again from the start (``n_init * init_epochs`` extra epochs). Some
        initial weights leave the starting plateau late and never catch up
        in a short budget; their training loss is often higher already after
        a few epochs (not always: a short trial can choose wrongly). As with
        KMeans' ``n_init``, the choice uses the training objective only, no
        held-out data.
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
        (``widths``, ``kernel_size``, ``max_epochs``, ``batch_size``, ``lr``,
        ``lr_schedule``, ``optimizer``).

    See Also
    --------
    sklearn_drsn.nn.DRSN : The PyTorch module that is trained.

    References
    ----------
    .. [1] M. Zhao, S. Zhong, X. Fu, B. Tang and M. Pecht, "Deep Residual
       Shrinkage Networks for Fault Diagnosis," IEEE Transactions on Industrial
       Informatics, 16(7), 4681-4690, 2020. doi:10.1109/TII.2019.2943898

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
        self.n_iter_no_change = n_iter_no_change
        self.n_init = n_init
        self.init_epochs = init_epochs
        self.device = device
        self.random_state = random_state
        self.verbose = verbose
        self.callbacks = callbacks

    # ------------------------------------------------------------------ fit
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y) -> DRSNClassifier:
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
            return self._fit(X, y)
        except BaseException:
            self.__dict__.clear()
            self.__dict__.update(previous)
            raise

    def _fit(self, X, y) -> DRSNClassifier:
        self._check_architecture()
        X, y = validate_data(
            self, X, y, allow_nd=True, dtype=np.float32, ensure_min_samples=2, reset=True
        )
        X = _as_network_input(X)
        check_classification_targets(y)
        classes, y_encoded = np.unique(y, return_inverse=True)
        if len(classes) < 2:
            raise ValueError(
                f"{type(self).__name__} needs samples of at least 2 classes in y; "
                f"got 1 class ({classes[0]!r})"
            )
        device = _resolve_device(self.device)
        seed = _draw_seed(self.random_state)
        X_train, y_train, valid = self._split(X, y_encoded, seed)
        recipe, config = self._resolve_config(len(X_train))
        # The tensors are built once and shared by every initialisation tried.
        train_ds = _to_dataset(X_train, y_train, device)
        valid_ds = _to_dataset(*valid, device) if valid is not None else None
        run = _Run(X_train, train_ds, valid_ds, len(classes), config, device)
        if self.n_init > 1:
            net = self._best_initialisation(run, seed)
        else:
            net, _ = self._start(run, seed, epochs=None)
        self._finish(run, net)
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

    def _check_architecture(self) -> None:
        # The network validates these too; checking here fails before any work.
        if self.widths is not None:
            widths = tuple(self.widths)
            if not widths or any(not isinstance(w, numbers.Integral) or w < 1 for w in widths):
                raise ValueError(
                    f"widths must be a non-empty sequence of positive ints, got {widths}"
                )
        if self.kernel_size is not None and self.kernel_size % 2 == 0:
            raise ValueError(f"kernel_size must be odd, got {self.kernel_size}")

    def _resolve_config(self, n_train: int) -> tuple[str, dict]:
        """The recipe for ``n_train`` training signals and the values it gives."""
        recipe = self.recipe
        if recipe == "auto":
            recipe = "paper" if n_train >= AUTO_PAPER_MIN_SAMPLES else "small"
        config = {}
        for name, default in RECIPES[recipe].items():
            value = getattr(self, name)
            config[name] = default if value is None else value
        config["widths"] = tuple(int(w) for w in config["widths"])
        if config["batch_size"] is None:  # "small": a tenth of the training set
            config["batch_size"] = int(np.clip(n_train // 10, *_SMALL_BATCH))
        if config["max_epochs"] is None:  # "small": a minimum number of optimiser steps
            steps_per_epoch = max(1, -(-n_train // config["batch_size"]))
            low, high = _SMALL_EPOCHS
            config["max_epochs"] = int(np.clip(-(-_SMALL_MIN_STEPS // steps_per_epoch), low, high))
        return recipe, config

    def _best_initialisation(self, run: _Run, seed: int) -> DRSNNet:
        """The trained net of the candidate seed with the lowest training loss after a trial."""
        max_epochs = run.config["max_epochs"]
        # A sixth: on the main job's data, trials of 3 of 30 epochs chose DRSN-CS and
        # ResNet candidates that never learned where trials of 5 chose ones that did.
        epochs = min(self.init_epochs or max(1, round(max_epochs / 6)), max_epochs)
        best, best_loss = None, np.inf
        for candidate in _candidate_seeds(seed, self.n_init):
            trial = self._start(run, candidate, epochs)
            loss = trial[0].history[-1, "train_loss"]
            loss = loss if np.isfinite(loss) else np.inf  # a diverged trial loses
            if best is None or loss < best_loss:
                best, best_loss = (candidate, *trial), loss
            del trial  # at most two networks in memory: the best so far and this one
        candidate, net, rng_state = best
        if run.valid_ds is not None:
            # Early stopping ended the trial by restoring its best weights (and may
            # have stopped it early): train the candidate again as one whole run.
            return self._start(run, candidate, epochs=None)[0]
        # The trial is the first `epochs` epochs of the candidate's fit: go on from it,
        # drawing the shuffles from where the trial left the generator.
        if len(net.history) < max_epochs:
            with _forked_rng(run.device):
                torch.set_rng_state(rng_state)
                net.partial_fit(run.train_ds, None, epochs=max_epochs - len(net.history))
        return net

    def _start(self, run: _Run, seed: int, epochs: int | None) -> tuple[DRSNNet, torch.Tensor]:
        """A net initialised from ``seed`` and trained for ``epochs`` (None: ``max_epochs``).

        Also returns the state of torch's generator after training, from which
        a continued run draws its next shuffles.
        """
        X = run.X
        ndim = X.ndim - 2
        net = self._make_net(run.config, X.shape[1], run.n_classes, ndim, run.device, run.valid_ds)
        with _forked_rng(run.device):
            torch.manual_seed(seed)
            net.initialize()
            if self.standardize:
                net.module_.standardize.set_statistics(*_channel_statistics(X))
            net.partial_fit(run.train_ds, None, epochs=epochs)
            return net, torch.get_rng_state()

    def _finish(self, run: _Run, net: DRSNNet) -> None:
        """Recompute the BatchNorm statistics if asked, and switch to inference mode."""
        if self.recompute_batch_norm:
            # Never smaller than a training batch: a batch of one signal cannot be
            # normalised in training mode, and a training batch is known to fit.
            size = max(run.config["batch_size"], _inference_batch_size(run.X.shape))
            update_bn(TensorBatches(run.train_ds, size), net.module_)
        net.module_.eval()

    def _make_net(self, config, in_channels, n_classes, ndim, device, valid_ds=None) -> DRSNNet:
        """The skorch net for these hyper-parameters (not yet initialised)."""
        return DRSNNet(
            module=DRSN,
            module__in_channels=in_channels,
            module__n_classes=n_classes,
            module__widths=config["widths"],
            module__blocks_per_stage=config["blocks_per_stage"],
            module__kernel_size=config["kernel_size"],
            module__shrinkage=self.shrinkage,
            module__shortcut=self.shortcut,
            module__threshold_batch_norm=self.threshold_batch_norm,
            module__ndim=ndim,
            criterion=torch.nn.CrossEntropyLoss,
            optimizer=OPTIMIZERS[config["optimizer"]],
            lr=config["lr"],
            optimizer__weight_decay=self.weight_decay,
            **({"optimizer__momentum": self.momentum} if config["optimizer"] == "sgd" else {}),
            max_epochs=config["max_epochs"],
            batch_size=config["batch_size"],
            iterator_train=TensorBatches,
            iterator_train__shuffle=True,
            iterator_valid=TensorBatches,
            train_split=predefined_split(valid_ds) if valid_ds is not None else None,
            callbacks=self._callbacks(config, valid_ds is not None),
            device=device,
            verbose=self.verbose,
        )

    def save(self, path) -> None:
        """Save the fitted model to a file that loads without running pickled code.

        The file holds only plain values and tensors, so :meth:`load` reads
        it with ``torch.load(..., weights_only=True)``. Training history and
        custom ``callbacks`` are not saved; use pickle for those.

        Parameters
        ----------
        path : str or path-like
            Destination file.

        Examples
        --------
        >>> import os, tempfile
        >>> import numpy as np
        >>> from sklearn_drsn import DRSNClassifier
        >>> X = np.random.default_rng(0).normal(size=(20, 32))
        >>> clf = DRSNClassifier(max_epochs=1, random_state=0).fit(X, ["a", "b"] * 10)
        >>> path = os.path.join(tempfile.mkdtemp(), "model.pt")
        >>> clf.save(path)
        >>> restored = DRSNClassifier.load(path)
        >>> bool((restored.predict_proba(X) == clf.predict_proba(X)).all())
        True
        """
        from ._persistence import save_classifier

        check_is_fitted(self)
        save_classifier(self, path)

    @classmethod
    def load(cls, path) -> DRSNClassifier:
        """Load a model written by :meth:`save` (on the CPU when no GPU is visible).

        Parameters
        ----------
        path : str or path-like
            File written by :meth:`save`.

        Returns
        -------
        DRSNClassifier
            A fitted estimator that predicts as the saved one did.

        Raises
        ------
        ValueError
            If the file is missing, truncated, corrupted, not a sklearn-drsn
            model, or of an incompatible format version.
        """
        from ._persistence import load_classifier

        return load_classifier(cls, path)

    def to_onnx(self, path) -> None:
        """Export the fitted network, with a softmax, to an ONNX file.

        The graph's input ``signals`` is a float32 array of shape
        ``(batch, *input_shape_)`` (for signals fitted as 2-D ``(n, length)``
        arrays, add the channel axis: ``X[:, None, :]``); its output
        ``probabilities`` matches :meth:`predict_proba`, columns in the order
        of ``classes_``. The batch size is dynamic. Needs the ``onnx`` extra.

        Parameters
        ----------
        path : str or path-like
            Destination ``.onnx`` file.
        """
        from .export import export_onnx

        check_is_fitted(self)
        export_onnx(self, path)

    def _split(self, X, y, seed):
        if self.validation_fraction == 0:
            return X, y, None
        X_train, X_valid, y_train, y_valid = train_test_split(
            X, y, test_size=self.validation_fraction, stratify=y, random_state=seed % 2**32
        )
        return X_train, y_train, (X_valid, y_valid)

    def _callbacks(self, config: dict, has_validation: bool) -> list:
        callbacks = []
        if self.verbose >= 1:
            callbacks.append(("progress_bar", ProgressBar()))
        if has_validation:
            callbacks.append(("valid_acc", BatchAccuracy()))
            callbacks.append(
                (
                    "early_stopping",
                    EarlyStopping(
                        monitor="valid_loss", patience=self.n_iter_no_change, load_best=True
                    ),
                )
            )
        schedule = _lr_schedule(config["lr_schedule"], config["max_epochs"])
        if schedule is not None:
            callbacks.append(("lr_scheduler", schedule))
        # Copies: skorch initialises callbacks in place, and hyper-parameters must not change.
        return callbacks + copy.deepcopy(list(self.callbacks or []))

    # -------------------------------------------------------------- predict
    def predict_proba(self, X) -> np.ndarray:
        """Class probabilities, columns in the order of ``classes_``.

        Parameters
        ----------
        X : array-like of the shape seen in ``fit``
            Signals to classify.

        Returns
        -------
        ndarray of shape (n_samples, n_classes)
            Probabilities (softmax of the logits, computed in float64).
        """
        return torch.softmax(self._logits(X).double(), dim=1).numpy()

    def predict(self, X) -> np.ndarray:
        """Predicted class labels.

        Parameters
        ----------
        X : array-like of the shape seen in ``fit``
            Signals to classify.

        Returns
        -------
        ndarray of shape (n_samples,)
            Labels from ``classes_``.
        """
        labels = self._logits(X).argmax(dim=1).numpy()
        return self.classes_[labels]

    def embed(self, X) -> np.ndarray:
        """The pooled embedding before the classifier layer, usable as features.

        The output of the last BN-ReLU-global-average-pooling, one vector per
        signal, so a fitted DRSN can feed a classic classifier, directly or in
        a ``Pipeline`` through ``FunctionTransformer(clf.embed)``. (It is not
        called ``transform``: scikit-learn would then treat the classifier as
        a transformer.)

        Parameters
        ----------
        X : array-like of the shape seen in ``fit``
            Signals.

        Returns
        -------
        ndarray of shape (n_samples, widths[-1])
            Float32 embeddings.

        Examples
        --------
        >>> import numpy as np
        >>> from sklearn_drsn import DRSNClassifier
        >>> X = np.random.default_rng(0).normal(size=(20, 32))
        >>> clf = DRSNClassifier(max_epochs=1, random_state=0).fit(X, [0, 1] * 10)
        >>> clf.embed(X).shape  # widths[-1] of the "small" recipe that 20 signals get
        (20, 128)
        """
        return self._forward(X, lambda module, batch: module.forward_features(batch)).numpy()

    def thresholds(self, X) -> dict[str, np.ndarray]:
        """The thresholds tau that every shrinkage unit applies to each signal of ``X``.

        Parameters
        ----------
        X : array-like of the shape seen in ``fit``
            Signals.

        Returns
        -------
        dict of str to ndarray
            One entry per residual shrinkage unit, keyed by its module path
            (``"stages.0.0"`` is the first unit of the first stage), of shape
            ``(n_samples, channels)`` for DRSN-CW and ``(n_samples, 1)`` for
            DRSN-CS. Empty for the ResNet and ConvNet baselines.

        Examples
        --------
        >>> import numpy as np
        >>> from sklearn_drsn import DRSNClassifier
        >>> X = np.random.default_rng(0).normal(size=(20, 32))
        >>> clf = DRSNClassifier(max_epochs=1, random_state=0).fit(X, [0, 1] * 10)
        >>> taus = clf.thresholds(X)
        >>> len(taus), taus["stages.2.0"].shape  # the "small" recipe: 3 stages of 1 unit
        (3, (20, 128))
        """
        check_is_fitted(self)
        units = {
            name.removesuffix(".shrinkage"): m.threshold
            for name, m in self.net_.module_.named_modules()
            if name.endswith(".shrinkage") and m is not None
        }
        if not units:
            return {}
        captured: list[torch.Tensor] = []
        hooks = [
            m.register_forward_hook(lambda _m, _i, out: captured.append(out.flatten(1)))
            for m in units.values()
        ]

        def run(module: torch.nn.Module, batch: torch.Tensor) -> torch.Tensor:
            captured.clear()
            module(batch)
            return torch.cat(captured, dim=1)

        try:
            flat = self._forward(X, run).numpy()
        finally:
            for hook in hooks:
                hook.remove()
        widths = [m.fc2.out_features for m in units.values()]
        return dict(zip(units, np.split(flat, np.cumsum(widths)[:-1], axis=1)))

    def _logits(self, X) -> torch.Tensor:
        return self._forward(X, lambda module, batch: module(batch))

    def _forward(self, X, run) -> torch.Tensor:
        """``run(module, batch)`` over validated ``X`` in fixed-size batches."""
        check_is_fitted(self)
        X = validate_data(self, X, allow_nd=True, dtype=np.float32, reset=False)
        X = _as_network_input(X)
        if X.shape[1:] != self.input_shape_:
            raise ValueError(
                f"X has samples of shape {X.shape[1:]}, but {type(self).__name__} was fitted "
                f"on samples of shape {self.input_shape_}"
            )
        module = self.net_.module_.eval()
        # net_.device, not device_: skorch maps a CUDA-trained net to the CPU when
        # it is unpickled where no GPU is visible.
        return _forward_in_batches(lambda batch: run(module, batch), X, str(self.net_.device))

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
    """
    probe = DRSNClassifier(**params)
    probe._validate_params()
    probe._check_architecture()


def _as_network_input(X: np.ndarray) -> np.ndarray:
    """(n, length) -> (n, 1, length); 3-D and 4-D arrays are already (n, C, ...)."""
    if X.ndim > 4:
        raise ValueError(
            f"X must be 2-D (n_samples, length), 3-D (n_samples, channels, length) or "
            f"4-D (n_samples, channels, height, width); got {X.ndim}-D with shape {X.shape}"
        )
    return X[:, None, :] if X.ndim == 2 else X


def _channel_statistics(X: np.ndarray) -> tuple[torch.Tensor, torch.Tensor]:
    """Per-channel mean and standard deviation of ``(n, C, ...)`` data, in float64.

    A constant channel gets scale 1 (nothing to normalise, and no division by 0).
    """
    axes = (0, *range(2, X.ndim))
    mean = X.mean(axis=axes, dtype=np.float64)
    std = X.std(axis=axes, dtype=np.float64)
    std = np.where(std > 0, std, 1.0)
    return torch.as_tensor(mean, dtype=torch.float32), torch.as_tensor(std, dtype=torch.float32)


class _Run(NamedTuple):
    """What every initialisation of one fit trains on, and how."""

    X: np.ndarray
    train_ds: InMemoryDataset
    valid_ds: InMemoryDataset | None
    n_classes: int
    config: dict
    device: str


def _forked_rng(device: str):
    """A scope whose draws from torch's generators leave the caller's generators alone."""
    cuda = [torch.device(device)] if device.startswith("cuda") else []
    return torch.random.fork_rng(devices=cuda)


def _to_dataset(X: np.ndarray, y: np.ndarray, device: str) -> InMemoryDataset:
    # torch.as_tensor shares memory with X where it can; the data is never written to.
    X_t = torch.as_tensor(np.ascontiguousarray(X)).to(device)
    return InMemoryDataset(X_t, torch.as_tensor(y, dtype=torch.long).to(device))


def _inference_batch_size(shape: tuple[int, ...]) -> int:
    """Samples per batch outside training: at most 128, and about 4 M input values."""
    per_sample = int(np.prod(shape[1:]))
    return max(1, min(_INFERENCE_BATCH, _INFERENCE_VALUES // max(per_sample, 1)))


@torch.inference_mode()
def _forward_in_batches(forward, X: np.ndarray, device: str) -> torch.Tensor:
    """Logits in batches of one fixed size, so memory does not grow with ``len(X)``.

    Every batch has the same size, the last one padded with zeros: float32
    kernels pick batch-size-dependent blockings, so a sample's output could
    otherwise change in the 7th digit with the batch it lands in. With a
    fixed batch size, ``predict_proba(X)[i] == predict_proba(X[i:i+1])``
    exactly (eval-mode BatchNorm makes samples independent of each other).
    """
    size = _inference_batch_size(X.shape)
    out = None
    for start in range(0, len(X), size):
        batch = torch.as_tensor(X[start : start + size]).to(device)
        n = len(batch)
        if n < size:
            batch = torch.cat([batch, batch.new_zeros((size - n, *batch.shape[1:]))])
        result = forward(batch)[:n]
        if out is None:
            # One output allocated up front: keeping a small tensor per batch between
            # the batches' large temporaries fragments the heap, and the process grew
            # by ~2.7 KB per predicted signal (measured on 120,000 signals).
            out = torch.empty((len(X), *result.shape[1:]), dtype=result.dtype)
        out[start : start + n] = result
    return out


def _lr_schedule(name: str, max_epochs: int) -> ContinuedLRScheduler | None:
    if name == "paper":
        # Paper p.7: lr 0.1 for epochs 1-40, 0.01 for 41-80, 0.001 for 81-100.
        milestones = sorted({max(1, round(0.4 * max_epochs)), max(1, round(0.8 * max_epochs))})
        return ContinuedLRScheduler(policy="MultiStepLR", milestones=milestones, gamma=0.1)
    if name == "cosine":
        return ContinuedLRScheduler(policy="CosineAnnealingLR", T_max=max_epochs)
    return None


def _resolve_device(device: str) -> str:
    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    try:
        torch.device(device)
    except (RuntimeError, TypeError) as exc:
        raise ValueError(f"invalid device {device!r}: {exc}") from None
    if device.startswith("cuda") and not torch.cuda.is_available():
        raise ValueError(f"device={device!r} was requested but PyTorch sees no CUDA device")
    return device


def _candidate_seeds(seed: int, n_init: int) -> list[int]:
    """``seed`` first (so that ``n_init=1`` trains what it always did), then derived seeds."""
    derived = (
        int(np.random.SeedSequence([seed, i]).generate_state(1)[0]) for i in range(1, n_init)
    )
    return [seed, *derived]


def _draw_seed(random_state) -> int:
    if random_state is None:
        # Fresh entropy: unlike check_random_state(None) it leaves np.random's global state alone.
        return int(np.random.SeedSequence().generate_state(1)[0])
    if isinstance(random_state, numbers.Integral):
        return int(random_state)
    return int(random_state.randint(np.iinfo(np.int32).max))
