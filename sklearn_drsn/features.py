"""Hand-crafted vibration features as scikit-learn transformers.

These are the classic condition-monitoring features that vibration
engineers feed to shallow classifiers, and the usual baseline a DRSN is
compared against:

- :class:`TimeDomainFeatures`: statistics and dimensionless indicators
  (RMS, kurtosis, crest factor, ...).
- :class:`SpectralBandEnergies`: power in equal-width frequency bands.
- :class:`EnvelopeSpectrum`: the binned spectrum of the Hilbert envelope,
  where bearing fault frequencies show up.
- :func:`make_vibration_features`: a :class:`~sklearn.pipeline.FeatureUnion`
  of the three.

To cut long recordings into fixed-length windows first, use
:func:`sklearn_drsn.windows.sliding_windows` (a function, because a
transformer in a pipeline cannot change the number of samples).

All transformers accept ``X`` of shape ``(n_samples, length)`` (one channel)
or ``(n_samples, channels, length)``; features are computed per channel and
concatenated channel-major (all features of channel 0, then channel 1, ...).
Outputs are ``float64`` and finite.
"""

from __future__ import annotations

import math
import numbers
import warnings

import numpy as np
from scipy.signal import hilbert
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.pipeline import FeatureUnion
from sklearn.utils.validation import check_is_fitted, validate_data

from ._validation import check_positive_int, check_signal_ndim

__all__ = [
    "EnvelopeSpectrum",
    "SpectralBandEnergies",
    "TimeDomainFeatures",
    "make_vibration_features",
]

# Floor added before taking log10 so that empty bands and silent signals stay finite.
_LOG_FLOOR = 1e-12


def _log10_floor(value_unit: np.ndarray, log_scale: np.ndarray) -> np.ndarray:
    """``log10(_LOG_FLOOR + 10**log_scale * value_unit)`` without overflow."""
    # Features are computed on peak-normalised signals; recombining in log space keeps
    # huge amplitudes from overflowing where the plain product would.
    with np.errstate(divide="ignore"):
        ln_value = np.log(value_unit) + log_scale * np.log(10.0)
    return np.logaddexp(np.log(_LOG_FLOOR), ln_value) / np.log(10.0)


def _check_positive_real(value, name: str, allow_none: bool = True) -> float | None:
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


def _peak_normalise(X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Split signals into ``peak * unit`` with ``max|unit| == 1`` (or all-zero) per signal."""
    peak = np.max(np.abs(X), axis=-1, keepdims=True)
    unit = X / np.where(peak > 0, peak, 1.0)
    return unit, peak


class _SignalFeatureTransformer(TransformerMixin, BaseEstimator):
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


class TimeDomainFeatures(_SignalFeatureTransformer):
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
        unit, peak = _peak_normalise(X)
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


class SpectralBandEnergies(_SignalFeatureTransformer):
    """Power of each signal in equal-width frequency bands.

    The one-sided power spectrum (from :func:`numpy.fft.rfft`) is split into
    ``n_bands`` bands of equal width between 0 and the Nyquist frequency, and
    the power in each band is summed. The spectrum is scaled so that the
    bands add up to the signal's mean power ``mean(x**2)`` (Parseval), which
    makes the energies comparable across signal lengths.

    Parameters
    ----------
    n_bands : int, default=16
        Number of bands. An FFT bin on a band edge belongs to the upper
        band; the Nyquist bin belongs to the last band. Signals need at
        least ``2 * n_bands`` points (32 by default) for every band to hold
        an FFT bin; in shorter ones some bands are empty, with energy 0 for
        every signal (constant columns), and :meth:`fit` warns.
    fs : float or None, default=None
        Sampling frequency. It does not change the values (the bands are
        fixed fractions of the Nyquist frequency), only the feature names,
        which then carry the band edges in Hz.
    log : bool, default=True
        Output ``log10(1e-12 + energy)`` instead of the energy, which suits
        the orders of magnitude spanned by vibration spectra.

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
    EnvelopeSpectrum : Spectrum of the demodulated signal.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_drsn.features import SpectralBandEnergies
    >>> fs = 1000.0
    >>> t = np.arange(1000) / fs
    >>> X = np.sin(2 * np.pi * 130 * t)[np.newaxis]  # 130 Hz lies in 125-187.5 Hz
    >>> sbe = SpectralBandEnergies(n_bands=8, fs=fs, log=False).fit(X)
    >>> np.round(sbe.transform(X), 3)
    array([[0. , 0. , 0.5, 0. , 0. , 0. , 0. , 0. ]])
    >>> str(sbe.get_feature_names_out()[2])
    'band2_125-187.5Hz'
    """

    def __init__(self, n_bands: int = 16, fs: float | None = None, log: bool = True):
        self.n_bands = n_bands
        self.fs = fs
        self.log = log

    def _check_params(self) -> None:
        check_positive_int(self.n_bands, "n_bands")
        _check_positive_real(self.fs, "fs")

    def _base_feature_names(self) -> list[str]:
        if self.fs is None:
            return [f"band{i}" for i in range(self.n_bands)]
        edges = np.linspace(0.0, self.fs / 2.0, self.n_bands + 1)
        return [f"band{i}_{edges[i]:g}-{edges[i + 1]:g}Hz" for i in range(self.n_bands)]

    def _band_of_bin(self, n: int) -> np.ndarray:
        """The band of each rFFT bin of a length-``n`` signal."""
        k = np.arange(n // 2 + 1)
        # Integer arithmetic: bin k is at k/n cycles/sample, band width is 0.5/n_bands.
        return np.minimum((2 * k * self.n_bands) // n, self.n_bands - 1)

    def _empty_outputs(self, length: int) -> tuple[int, int, str, int, int]:
        # Bands at least one FFT bin wide (n / (2 n_bands) >= 1) each hold one.
        n_empty = self.n_bands - len(np.unique(self._band_of_bin(length)))
        return n_empty, self.n_bands, "band", 2 * self.n_bands, length // 2

    def _compute(self, X: np.ndarray) -> np.ndarray:
        n = X.shape[-1]
        unit, peak = _peak_normalise(X)
        power = np.abs(np.fft.rfft(unit, axis=-1)) ** 2 / n**2
        # One-sided spectrum: every bin except DC and (for even n) Nyquist stands for a
        # pair of positive and negative frequencies.
        power[..., 1 : (n + 1) // 2] *= 2.0
        band_of_bin = self._band_of_bin(n)
        energy = np.zeros((*X.shape[:2], self.n_bands))
        starts = np.searchsorted(band_of_bin, np.arange(self.n_bands), side="left")
        stops = np.searchsorted(band_of_bin, np.arange(self.n_bands), side="right")
        for b, (start, stop) in enumerate(zip(starts, stops, strict=True)):
            # Summing each band directly (rather than differencing a cumulative sum) keeps
            # quiet bands next to loud ones accurate, which matters on a log scale.
            energy[..., b] = power[..., start:stop].sum(axis=-1)
        if self.log:
            with np.errstate(divide="ignore"):
                log_scale = 2.0 * np.log10(peak)
            return _log10_floor(energy, log_scale)
        return energy * peak**2


class EnvelopeSpectrum(_SignalFeatureTransformer):
    """Binned amplitude spectrum of the Hilbert envelope of each signal.

    The envelope ``|hilbert(x)|`` demodulates the signal: a bearing defect
    that excites a structural resonance at every impact shows up as a line at
    the fault frequency in the envelope spectrum, even when the raw spectrum
    is dominated by the resonance. The envelope minus its mean is Fourier
    transformed, the single-sided amplitude spectrum (a modulation
    ``a*cos(2π f t)`` of the envelope gives amplitude ``a`` at ``f``) is kept
    from 0 to ``max_freq`` and averaged into ``n_bins`` equal-width bins.

    Parameters
    ----------
    n_bins : int, default=64
        Number of bins between 0 and ``max_freq``. An FFT bin on an edge
        belongs to the upper bin, and ``max_freq`` itself to the last bin.
        Signals need more than ``n_bins * fs / max_freq`` points (more than
        ``2 * n_bins``, i.e. 129, with the defaults) for every bin to hold a
        frequency above 0; in shorter ones some bins hold none and are 0 for
        every signal (constant columns), and :meth:`fit` warns.
    fs : float or None, default=None
        Sampling frequency in Hz. ``None`` means normalised frequency in
        cycles per sample (Nyquist = 0.5).
    max_freq : float or None, default=None
        Upper end of the binned range, in the units of ``fs``; at most the
        Nyquist frequency ``fs / 2``, which is the default. Fault frequencies
        are usually far below Nyquist, so a lower ``max_freq`` gives finer bins.
    log : bool, default=False
        Output ``log10(1e-12 + amplitude)`` instead of the amplitude.

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
    SpectralBandEnergies : Band powers of the raw signal.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_drsn.features import EnvelopeSpectrum
    >>> fs = 12800.0
    >>> t = np.arange(12800) / fs
    >>> # A 3 kHz carrier amplitude-modulated at 100 Hz.
    >>> x = (1 + 0.5 * np.cos(2 * np.pi * 100 * t)) * np.cos(2 * np.pi * 3000 * t)
    >>> env = EnvelopeSpectrum(n_bins=16, fs=fs, max_freq=640).fit(x[np.newaxis])
    >>> spectrum = env.transform(x[np.newaxis])[0]
    >>> int(spectrum.argmax()), str(env.get_feature_names_out()[2])
    (2, 'env2_80-120Hz')
    """

    def __init__(
        self,
        n_bins: int = 64,
        fs: float | None = None,
        max_freq: float | None = None,
        log: bool = False,
    ):
        self.n_bins = n_bins
        self.fs = fs
        self.max_freq = max_freq
        self.log = log

    def _check_params(self) -> None:
        check_positive_int(self.n_bins, "n_bins")
        _check_positive_real(self.fs, "fs")
        max_freq = _check_positive_real(self.max_freq, "max_freq")
        nyquist = self._fs() / 2.0
        if max_freq is not None and max_freq > nyquist:
            raise ValueError(
                f"max_freq={max_freq:g} exceeds the Nyquist frequency {nyquist:g}"
                + (
                    " (fs=None means normalised frequency, Nyquist 0.5)."
                    if self.fs is None
                    else "."
                )
            )

    def _fs(self) -> float:
        return 1.0 if self.fs is None else float(self.fs)

    def _max_freq(self) -> float:
        return self._fs() / 2.0 if self.max_freq is None else float(self.max_freq)

    def _base_feature_names(self) -> list[str]:
        if self.fs is None:
            return [f"env{i}" for i in range(self.n_bins)]
        edges = np.linspace(0.0, self._max_freq(), self.n_bins + 1)
        return [f"env{i}_{edges[i]:g}-{edges[i + 1]:g}Hz" for i in range(self.n_bins)]

    def _bin_of_k(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        """The output bin of each rFFT bin of a length-``n`` signal, and which are in range."""
        k = np.arange(n // 2 + 1)
        # Position of bin k in units of output bins; products of integers and the user's
        # round numbers are exact, and the small tolerance settles the remaining ties on
        # edges (e.g. 100 Hz with 100 Hz wide bins) in favour of the upper bin.
        position = k * (self._fs() * self.n_bins) / (n * self._max_freq())
        bin_of_k = np.minimum(np.floor(position + 1e-9).astype(np.intp), self.n_bins - 1)
        return bin_of_k, position <= self.n_bins + 1e-9

    def _empty_outputs(self, length: int) -> tuple[int, int, str, int, int]:
        bin_of_k, in_range = self._bin_of_k(length)
        # The envelope's mean is removed, so a bin that holds only DC (k = 0) is 0 as well.
        n_empty = self.n_bins - len(np.unique(bin_of_k[1:][in_range[1:]]))
        # Every bin holds a frequency above 0 once the FFT bins are closer than the output
        # bins: fs / n < max_freq / n_bins.
        ratio = self._fs() / self._max_freq()
        shortest = math.floor(self.n_bins * ratio + 1e-9) + 1
        return n_empty, self.n_bins, "bin", shortest, math.ceil(length / ratio - 1e-9) - 1

    def _compute(self, X: np.ndarray) -> np.ndarray:
        n = X.shape[-1]
        unit, peak = _peak_normalise(X)
        envelope = np.abs(hilbert(unit, axis=-1))
        envelope -= envelope.mean(axis=-1, keepdims=True)
        amplitude = np.abs(np.fft.rfft(envelope, axis=-1)) / n
        amplitude[..., 1 : (n + 1) // 2] *= 2.0
        bin_of_k, in_range = self._bin_of_k(n)
        binned = np.zeros((*X.shape[:2], self.n_bins))
        for b in range(self.n_bins):
            members = in_range & (bin_of_k == b)
            if members.any():
                binned[..., b] = amplitude[..., members].mean(axis=-1)
        if self.log:
            with np.errstate(divide="ignore"):
                log_scale = np.log10(peak)
            return _log10_floor(binned, log_scale)
        return binned * peak


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
