"""All vibration feature families at once, as one scikit-learn FeatureUnion."""

from __future__ import annotations

from sklearn.pipeline import FeatureUnion

from ._envelope import EnvelopeSpectrum
from ._spectral import SpectralBandEnergies
from ._time_domain import TimeDomainFeatures


def make_vibration_features(
    *,
    fs: float | None = None,
    n_bands: int = 16,
    n_bins: int = 64,
    max_freq: float | None = None,
    n_jobs: int | None = None,
) -> FeatureUnion:
    """Build a :class:`~sklearn.pipeline.FeatureUnion` of all vibration features.

    A factory function rather than a new estimator class, so that the result
    is a plain scikit-learn object: each part can be tuned in a grid search
    (``time__``, ``bands__``, ``envelope__`` prefixes) or dropped with
    ``set_params(envelope="drop")``.

    Parameters
    ----------
    fs : float or None, default=None
        Sampling frequency, passed to the spectral parts.
    n_bands : int, default=16
        Number of bands of :class:`SpectralBandEnergies` (log energies).
    n_bins : int, default=64
        Number of bins of :class:`EnvelopeSpectrum`.
    max_freq : float or None, default=None
        Upper frequency of the envelope spectrum (default Nyquist).
    n_jobs : int or None, default=None
        Passed to :class:`~sklearn.pipeline.FeatureUnion`.

    Returns
    -------
    union : FeatureUnion
        Steps ``"time"`` (:class:`TimeDomainFeatures`), ``"bands"``
        (:class:`SpectralBandEnergies`) and ``"envelope"``
        (:class:`EnvelopeSpectrum`), output in that order.

    Notes
    -----
    The shortest sensible signal length is ``2 * n_bands`` points and more
    than ``n_bins * fs / max_freq`` (129 points with the defaults): in
    shorter signals some bands and envelope bins hold no frequency and give
    constant columns, and fitting warns with their number. Pass fewer
    ``n_bands`` and ``n_bins`` for short series.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_drsn.features import make_vibration_features
    >>> X = np.random.default_rng(0).standard_normal((5, 2, 256))
    >>> union = make_vibration_features(n_bands=4, n_bins=8)
    >>> union.fit_transform(X).shape  # 2 channels x (10 + 4 + 8)
    (5, 44)
    >>> str(union.get_feature_names_out()[0])
    'time__ch0_mean'
    """
    return FeatureUnion(
        [
            ("time", TimeDomainFeatures()),
            ("bands", SpectralBandEnergies(n_bands=n_bands, fs=fs)),
            ("envelope", EnvelopeSpectrum(n_bins=n_bins, fs=fs, max_freq=max_freq)),
        ],
        n_jobs=n_jobs,
    )
