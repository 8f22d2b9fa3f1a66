"""Inference outside training: fixed-size batches, threshold hooks, the prediction methods."""

from __future__ import annotations

import warnings
from collections.abc import Callable

import numpy as np
import torch
from sklearn.utils.validation import check_is_fitted, validate_data

from ._threads import torch_threads

__all__ = [
    "PredictionMixin",
    "as_network_input",
    "forward_in_batches",
    "inference_batch_size",
    "shrinkage_thresholds",
]

# Inference batches: at most this many samples, and about this many input values.
INFERENCE_BATCH = 128
INFERENCE_VALUES = 1 << 22


def as_network_input(X: np.ndarray) -> np.ndarray:
    """(n, length) -> (n, 1, length); 3-D and 4-D arrays are already (n, C, ...)."""
    if X.ndim > 4:
        raise ValueError(
            f"X must be 2-D (n_samples, length), 3-D (n_samples, channels, length) or "
            f"4-D (n_samples, channels, height, width); got {X.ndim}-D with shape {X.shape}"
        )
    return X[:, None, :] if X.ndim == 2 else X


def inference_batch_size(shape: tuple[int, ...]) -> int:
    """Samples per batch outside training: at most 128, and about 4 M input values."""
    per_sample = int(np.prod(shape[1:]))
    return max(1, min(INFERENCE_BATCH, INFERENCE_VALUES // max(per_sample, 1)))


@torch.inference_mode()
def forward_in_batches(
    forward: Callable[[torch.Tensor], torch.Tensor], X: np.ndarray, device: str
) -> torch.Tensor:
    """``forward`` over ``X`` in fixed-size batches, so memory does not grow with ``len(X)``.

    Every batch has the same size, the last one padded with zeros: float32
    kernels pick batch-size-dependent blockings, so a sample's output could
    otherwise change in the 7th digit with the batch it lands in. With a
    fixed batch size, ``predict_proba(X)[i] == predict_proba(X[i:i+1])``
    exactly (eval-mode BatchNorm makes samples independent of each other).
    """
    size = inference_batch_size(X.shape)
    out = None
    for start in range(0, len(X), size):
        batch = torch.as_tensor(X[start : start + size]).to(device)
        n = len(batch)
        if n < size:
            batch = torch.cat([batch, batch.new_zeros((size - n, *batch.shape[1:]))])
        result = forward(batch)[:n]
        if out is None:
            # One output allocated up front: a small tensor kept per batch between
            # the batches' large temporaries fragments the heap.
            out = torch.empty((len(X), *result.shape[1:]), dtype=result.dtype)
        out[start : start + n] = result
    return out


def shrinkage_thresholds(
    module: torch.nn.Module, X: np.ndarray, device: str
) -> dict[str, np.ndarray]:
    """The thresholds of every shrinkage unit of ``module`` for each sample of ``X``.

    Keyed by the unit's module path; ``(n_samples, channels)`` for
    channel-wise and ``(n_samples, 1)`` for channel-shared thresholds. Empty
    when the network has no shrinkage units.
    """
    units = {
        name.removesuffix(".shrinkage"): m.threshold
        for name, m in module.named_modules()
        if name.endswith(".shrinkage") and m is not None
    }
    if not units:
        return {}
    captured: list[torch.Tensor] = []
    hooks = [
        m.register_forward_hook(lambda _m, _i, out: captured.append(out.flatten(1)))
        for m in units.values()
    ]

    def run(batch: torch.Tensor) -> torch.Tensor:
        captured.clear()
        module(batch)
        return torch.cat(captured, dim=1)

    try:
        flat = forward_in_batches(run, X, device).numpy()
    finally:
        for hook in hooks:
            hook.remove()
    widths = [m.fc2.out_features for m in units.values()]
    return dict(zip(units, np.split(flat, np.cumsum(widths)[:-1], axis=1)))


class PredictionMixin:
    """The prediction and inspection methods of a fitted DRSNClassifier.

    They run the fitted ``net_.module_`` in eval mode, in fixed-size batches,
    with the estimator's ``n_threads``.
    """

    def predict_proba(self, X) -> np.ndarray:
        """Class probabilities, columns in the order of ``classes_``.

        Parameters
        ----------
        X : array-like of the shape seen in ``fit``
            Signals to classify.

        Returns
        -------
        ndarray of shape (n_samples, n_classes)
            Probabilities (softmax of the logits, computed in float64). With
            ``n_members > 1``, the mean of the members' probabilities.
        """
        return torch.softmax(self._logits(X).double(), dim=1).numpy()

    def predict_log_proba(self, X) -> np.ndarray:
        """Logarithm of the class probabilities, columns in the order of ``classes_``.

        Parameters
        ----------
        X : array-like of the shape seen in ``fit``
            Signals to classify.

        Returns
        -------
        ndarray of shape (n_samples, n_classes)
            Log-probabilities (log-softmax of the logits, in float64: finite
            where ``np.log(predict_proba(X))`` would underflow to ``-inf``).
        """
        return torch.log_softmax(self._logits(X).double(), dim=1).numpy()

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
        ndarray of shape (n_samples, n_members * widths[-1])
            Float32 embeddings; with ``n_members > 1``, member ``m``'s
            ``widths[-1]`` values are the ``m``-th block of each row.

        Examples
        --------
        >>> import numpy as np
        >>> from sklearn_drsn import DRSNClassifier
        >>> X = np.random.default_rng(0).normal(size=(20, 32))
        >>> clf = DRSNClassifier(max_epochs=1, random_state=0).fit(X, [0, 1] * 10)
        >>> clf.embed(X).shape  # widths[-1] of the "small" recipe that 20 signals get
        (20, 128)
        """
        module, X, device = self._prepared(X)
        with torch_threads(self.n_threads):
            return forward_in_batches(module.forward_features, X, device).numpy()

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
            DRSN-CS. Empty, with a warning, for the ResNet and ConvNet
            baselines (``shrinkage=None``), which have no thresholds.

        Raises
        ------
        ValueError
            For a packed ensemble (``n_members > 1``), whose units hold one
            threshold sub-network per member: fit the members one by one
            (``n_members=1``) to inspect their thresholds.

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
        if getattr(self, "config_", {}).get("n_members", 1) > 1:
            raise ValueError(
                f"thresholds() is not available for a packed ensemble (n_members="
                f"{self.config_['n_members']}); fit with n_members=1 to inspect thresholds"
            )
        module, X, device = self._prepared(X)
        if self.shrinkage is None:
            warnings.warn(
                "thresholds(): this model has shrinkage=None (a ResNet or ConvNet), which "
                "has no thresholds; fit with shrinkage='cw' or 'cs' to inspect them",
                UserWarning,
                stacklevel=2,
            )
        with torch_threads(self.n_threads):
            return shrinkage_thresholds(module, X, device)

    def _logits(self, X) -> torch.Tensor:
        module, X, device = self._prepared(X)
        with torch_threads(self.n_threads):
            return forward_in_batches(module, X, device)

    def _prepared(self, X) -> tuple[torch.nn.Module, np.ndarray, str]:
        """The module in eval mode, validated ``X`` as the network takes it, and the device."""
        check_is_fitted(self)
        X = _drop_channel_axis(X, self.input_shape_, self.n_features_in_)
        X = validate_data(self, X, allow_nd=True, dtype=np.float32, reset=False)
        X = as_network_input(X)
        if X.shape[1:] != self.input_shape_:
            raise ValueError(
                f"X has samples of shape {X.shape[1:]}, but {type(self).__name__} was fitted "
                f"on samples of shape {self.input_shape_}"
            )
        # net_.device, not device_: skorch maps a CUDA-trained net to the CPU when
        # it is unpickled where no GPU is visible.
        return self.net_.module_.eval(), X, str(self.net_.device)


def _drop_channel_axis(X, input_shape: tuple, n_features_in: int):
    """``(n, 1, length)`` as ``(n, length)`` for a model fitted on 2-D ``(n, length)`` signals.

    That is the layout the ONNX graph takes, so users pass it to ``predict`` too.
    """
    shape = getattr(X, "shape", None)
    fitted_2d = len(input_shape) == 2 and input_shape[0] == 1 and n_features_in == input_shape[1]
    if fitted_2d and n_features_in != 1 and shape is not None and tuple(shape[1:]) == input_shape:
        return X[:, 0]
    return X
