"""Time-domain statistics and dimensionless condition indicators."""

from __future__ import annotations

import numpy as np

from ._base import SignalFeatureTransformer, peak_normalise


class TimeDomainFeatures(SignalFeatureTransformer):
    """Classic time-domain condition indicators of each signal.

    Ten features per signal (and channel), in this order:

    ``mean``, ``std``, ``rms``, ``kurtosis`` (Pearson, i.e. 3 for a Gaussian),
    ``skewness``, ``crest_factor`` (peak / RMS), ``peak_to_peak``,
    ``shape_factor`` (RMS / mean|x|), ``impulse_factor`` (peak / mean|x|) and
    ``clearance_factor`` (peak / mean(sqrt|x|)²), where peak = max|x|.

    Divisions by zero give 0: an all-zero signal has all features 0, and a
    numerically constant signal (std ≤ 1e-12·peak) has std, kurtosis and
    skewness 0.

    Attributes
    ----------
    n_features_in_ : int
        ``X.shape[1]`` seen in :term:`fit` (the signal length for 2-D input,
        the number of channels for 3-D input).
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Column names, only when ``X`` was a DataFrame with string columns.
    signal_shape_ : tuple of int
        Shape of one sample in :term:`fit`; :term:`transform` requires the same.

    See Also
    --------
    SpectralBandEnergies : Frequency-domain counterpart.
    make_vibration_features : All feature families at once.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_drsn.features import TimeDomainFeatures
    >>> t = np.arange(1000) / 1000
    >>> X = np.stack([2 * np.sin(2 * np.pi * 10 * t), np.zeros(1000)])
    >>> tdf = TimeDomainFeatures().fit(X)
    >>> F = tdf.transform(X)
    >>> F.shape
    (2, 10)
    >>> [str(name) for name in tdf.get_feature_names_out()[2:6]]
    ['rms', 'kurtosis', 'skewness', 'crest_factor']
    >>> [float(v) for v in np.round(F[0, 2:6], 3) + 0.0]
    [1.414, 1.5, 0.0, 1.414]
    >>> float(np.abs(F[1]).max())
    0.0
    """

    _FEATURES = (
        "mean",
        "std",
        "rms",
        "kurtosis",
        "skewness",
        "crest_factor",
        "peak_to_peak",
        "shape_factor",
        "impulse_factor",
        "clearance_factor",
    )

    def __init__(self):
        pass

    def _base_feature_names(self) -> list[str]:
        return list(self._FEATURES)

    def _compute(self, X: np.ndarray) -> np.ndarray:
        # Dimensionless features are computed on the peak-normalised signal (values in
        # [-1, 1]), which avoids overflow of x**4 for large amplitudes.
        unit, peak = peak_normalise(X)
        peak = peak[..., 0]

        def ratio(num, den):
            return np.divide(num, den, out=np.zeros_like(num), where=den > 0)

        mean_u = unit.mean(axis=-1)
        centred = unit - mean_u[..., np.newaxis]
        m2 = np.mean(centred**2, axis=-1)
        m3 = np.mean(centred**3, axis=-1)
        m4 = np.mean(centred**4, axis=-1)
        std_u = np.sqrt(m2)
        # Rounding in the mean leaves ~1e-16 of "variance" in constant signals; ratios of
        # such noise are meaningless, so constant signals count as having no spread.
        varies = std_u > 1e-12
        m2 = np.where(varies, m2, 0.0)
        std_u = np.where(varies, std_u, 0.0)
        rms_u = np.sqrt(np.mean(unit**2, axis=-1))
        mean_abs_u = np.mean(np.abs(unit), axis=-1)
        mean_sqrt_u = np.mean(np.sqrt(np.abs(unit)), axis=-1)
        # unit has peak exactly 1 for every non-zero signal.
        one = (peak > 0).astype(np.float64)
        features = [
            peak * mean_u,
            peak * std_u,
            peak * rms_u,
            ratio(m4, m2**2),
            ratio(m3, m2**1.5),
            ratio(one, rms_u),
            peak * (unit.max(axis=-1) - unit.min(axis=-1)),
            ratio(rms_u, mean_abs_u),
            ratio(one, mean_abs_u),
            ratio(one, mean_sqrt_u**2),
        ]
        return np.stack(features, axis=-1)
