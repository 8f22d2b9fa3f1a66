"""Per-signal scaling: each signal measured against itself.

Vibration amplitudes depend on things other than the machine's health: the
sensor's mounting and sensitivity, the transfer path, the operating point.
:class:`SignalStandardizer` removes that nuisance by giving every signal
(each channel of it) zero mean and unit standard deviation, so that a model
sees the *shape* of the signal, not its gain. It looks at one signal at a
time and learns nothing from the training set, so it can be applied before a
train/test split without leaking anything.

This differs from :class:`sklearn.preprocessing.StandardScaler` (one mean and
scale per feature, learned over the training set) and from
``DRSNClassifier(standardize=True)`` (one mean and scale per input channel,
learned over the training set). :class:`sklearn.preprocessing.Normalizer`
scales each row to unit norm, but only for 2-D input and without removing the
mean.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import validate_data

from ._validation import check_signal_ndim

__all__ = ["SignalStandardizer"]


class SignalStandardizer(TransformerMixin, BaseEstimator):
    """Standardise each signal (and each of its channels) by its own mean and std.

    ``x -> (x - mean(x)) / std(x)``, with mean and standard deviation taken
    along the last (time) axis of each signal and channel. A constant signal
    (or one whose spread is within rounding error of its values) has nothing
    to scale: it becomes zeros after centring. Stateless: :meth:`fit` only
    records the input layout.

    Parameters
    ----------
    with_mean : bool, default=True
        Subtract each signal's mean (its DC offset) before scaling.
    with_std : bool, default=True
        Divide by each signal's standard deviation (its RMS about the mean;
        about the origin when ``with_mean=False``).

    Attributes
    ----------
    n_features_in_ : int
        ``X.shape[1]`` seen in :meth:`fit`: the length for 2-D input, the
        number of channels for 3-D input.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of the columns, when ``X`` was a DataFrame with string column names.

    See Also
    --------
    sklearn.preprocessing.StandardScaler : One scale per feature, learned
        over the training set.
    sklearn_drsn.DRSNClassifier : Its ``standardize=True`` scales per input
        channel over the training set.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_drsn.preprocessing import SignalStandardizer
    >>> X = np.array([[0.0, 2.0, 4.0], [10.0, 10.0, 40.0]])
    >>> Z = SignalStandardizer().fit_transform(X)
    >>> np.allclose(Z.mean(axis=1), 0), np.allclose(Z.std(axis=1), 1)
    (True, True)
    >>> np.allclose(SignalStandardizer().fit_transform(3 * X + 7), Z)  # gain and offset gone
    True
    """

    _parameter_constraints: ClassVar[dict] = {"with_mean": ["boolean"], "with_std": ["boolean"]}

    def __init__(self, with_mean: bool = True, with_std: bool = True) -> None:
        self.with_mean = with_mean
        self.with_std = with_std

    def fit(self, X, y=None) -> SignalStandardizer:
        """Record the input layout; there is nothing to learn.

        Parameters
        ----------
        X : array-like of shape (n_samples, length) or (n_samples, channels, length)
            Signals.
        y : None
            Ignored.

        Returns
        -------
        self : object
            The transformer.
        """
        self._validate_X(X, reset=True)
        return self

    def transform(self, X) -> np.ndarray:
        """Standardise every signal by its own statistics.

        Parameters
        ----------
        X : array-like of shape (n_samples, length) or (n_samples, channels, length)
            Signals; the caller's array is never modified.

        Returns
        -------
        X_scaled : ndarray of the same shape as X
            ``float32`` input stays ``float32``; anything else becomes ``float64``.
        """
        X = self._validate_X(X, reset=False)
        out = X - X.mean(axis=-1, keepdims=True) if self.with_mean else X.copy()
        if self.with_std:
            scale = np.sqrt(np.mean(np.square(out), axis=-1, keepdims=True))
            # A spread at the level of rounding error is a constant signal, not a
            # shape to blow up: it stays as it is after centring (zeros).
            tiny = 10 * np.finfo(X.dtype).eps * np.max(np.abs(X), axis=-1, keepdims=True)
            np.divide(out, scale, out=out, where=scale > tiny)
            if self.with_mean:
                out[np.broadcast_to(scale <= tiny, out.shape)] = 0
        return out

    def _validate_X(self, X, reset: bool) -> np.ndarray:
        # Stateless, so transform may come without fit: check the parameters here.
        self._validate_params()
        X = validate_data(self, X, reset=reset, dtype=[np.float64, np.float32], allow_nd=True)
        check_signal_ndim(X)
        return X

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        tags.requires_fit = False
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags
