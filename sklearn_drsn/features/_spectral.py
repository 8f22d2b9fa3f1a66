"""Signal power in equal-width frequency bands."""

from __future__ import annotations

import numpy as np

from .._validation import check_positive_int
from ._base import SignalFeatureTransformer, check_positive_real, log10_floor, peak_normalise


class SpectralBandEnergies(SignalFeatureTransformer):
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
        check_positive_real(self.fs, "fs")

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
        unit, peak = peak_normalise(X)
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
            return log10_floor(energy, log_scale)
        return energy * peak**2
