"""The shared machinery of the feature transformers: checks, scaling and output naming."""

from __future__ import annotations

import numbers
import warnings

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from .._validation import check_signal_ndim

# Floor added before taking log10 so that empty bands and silent signals stay finite.
_LOG_FLOOR = 1e-12


def log10_floor(value_unit: np.ndarray, log_scale: np.ndarray) -> np.ndarray:
    """``log10(_LOG_FLOOR + 10**log_scale * value_unit)`` without overflow."""
    # Features are computed on peak-normalised signals; recombining in log space keeps
    # huge amplitudes from overflowing where the plain product would.
    with np.errstate(divide="ignore"):
        ln_value = np.log(value_unit) + log_scale * np.log(10.0)
    return np.logaddexp(np.log(_LOG_FLOOR), ln_value) / np.log(10.0)


def check_positive_real(value, name: str, allow_none: bool = True) -> float | None:
    """``value`` as a float if it is a positive finite real number (or None, where allowed)."""
    if value is None and allow_none:
        return None
    if (
        isinstance(value, bool)
        or not isinstance(value, numbers.Real)
        or not np.isfinite(value)
        or value <= 0
    ):
        raise ValueError(f"{name} must be a positive finite number or None, got {value!r}.")
    return float(value)


def peak_normalise(X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Split signals into ``peak * unit`` with ``max|unit| == 1`` (or all-zero) per signal."""
    peak = np.max(np.abs(X), axis=-1, keepdims=True)
    unit = X / np.where(peak > 0, peak, 1.0)
    return unit, peak


class SignalFeatureTransformer(TransformerMixin, BaseEstimator):
    """Shared validation and naming for per-signal feature extractors.

    Subclasses implement ``_check_params``, ``_base_feature_names`` and
    ``_compute(X)`` mapping ``(n_samples, channels, length)`` to
    ``(n_samples, channels, n_features_per_channel)``.
    """

    def _check_params(self) -> None:  # pragma: no cover - overridden
        pass

    def _base_feature_names(self) -> list[str]:  # pragma: no cover - overridden
        raise NotImplementedError

    def _compute(self, X: np.ndarray) -> np.ndarray:  # pragma: no cover - overridden
        raise NotImplementedError

    def _empty_outputs(self, length: int) -> tuple[int, int, str, int, int] | None:
        """Of the outputs that can be empty: how many are, of how many, their name, the
        shortest length and the largest count that leave none empty."""
        return None

    def _warn_if_constant(self) -> None:
        """Warn when the signal length leaves some outputs empty, hence constant columns."""
        length = self.signal_shape_[-1]
        empty = self._empty_outputs(length)
        if empty is None or empty[0] == 0:
            return
        n_empty, total, name, shortest, most = empty
        channels = self.signal_shape_[0] if len(self.signal_shape_) == 2 else 1
        fewer = f", or at most {most} {name}s for this length" if most else ""
        warnings.warn(
            f"{type(self).__name__}: {n_empty} of the {total} {name}s contain no frequency "
            f"of signals of length {length}, so {n_empty * channels} of the "
            f"{total * channels} output columns are constant; use signals of at least "
            f"{shortest} points{fewer}.",
            UserWarning,
            stacklevel=3,
        )

    def _validate_X(self, X, reset: bool) -> np.ndarray:
        X = validate_data(self, X, reset=reset, dtype=np.float64, allow_nd=True)
        check_signal_ndim(X)
        if X.ndim == 3 and min(X.shape[1:]) == 0:
            raise ValueError(f"X has no channels or zero-length signals (shape {X.shape}).")
        if reset:
            self.signal_shape_ = tuple(X.shape[1:])
        elif tuple(X.shape[1:]) != self.signal_shape_:
            raise ValueError(
                f"X has samples of shape {tuple(X.shape[1:])}, but {type(self).__name__} "
                f"was fitted on samples of shape {self.signal_shape_}."
            )
        return X

    def fit(self, X, y=None):
        """Validate the parameters and record the input layout.

        Parameters
        ----------
        X : array-like of shape (n_samples, length) or (n_samples, channels, length)
            Training signals.
        y : None
            Ignored.

        Returns
        -------
        self : object
            The fitted transformer.
        """
        self._check_params()
        self._validate_X(X, reset=True)
        self._warn_if_constant()
        return self

    def transform(self, X) -> np.ndarray:
        """Compute the features of each signal.

        Parameters
        ----------
        X : array-like of shape (n_samples, length) or (n_samples, channels, length)
            Signals with the same per-sample shape as in :meth:`fit`.

        Returns
        -------
        X_features : ndarray of shape (n_samples, n_channels * n_features_per_channel)
            Features, channel-major, ``float64`` and finite.
        """
        check_is_fitted(self)
        self._check_params()
        X = self._validate_X(X, reset=False)
        X3 = X if X.ndim == 3 else X[:, np.newaxis, :]
        out = self._compute(X3)
        return np.ascontiguousarray(out.reshape(out.shape[0], -1), dtype=np.float64)

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        """Names of the output features.

        Parameters
        ----------
        input_features : array-like of str or None, default=None
            Only checked for consistency with the fitted input. For 3-D input
            these are channel names and prefix the output names
            (default ``"ch0"``, ``"ch1"``, ...); for 2-D input (one channel)
            the output names carry no prefix.

        Returns
        -------
        feature_names_out : ndarray of str objects
            Output feature names, channel-major.
        """
        check_is_fitted(self)
        if input_features is not None:
            input_features = np.asarray(input_features, dtype=object)
            feature_names_in = getattr(self, "feature_names_in_", None)
            if feature_names_in is not None and not np.array_equal(
                feature_names_in, input_features
            ):
                raise ValueError("input_features is not equal to feature_names_in_")
            if len(input_features) != self.n_features_in_:
                raise ValueError(
                    "input_features should have length equal to number of features "
                    f"({self.n_features_in_}), got {len(input_features)}"
                )
        base = self._base_feature_names()
        if len(self.signal_shape_) == 1:
            return np.asarray(base, dtype=object)
        channels = (
            [str(c) for c in input_features]
            if input_features is not None
            else [f"ch{c}" for c in range(self.signal_shape_[0])]
        )
        return np.asarray([f"{c}_{name}" for c in channels for name in base], dtype=object)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        return tags
