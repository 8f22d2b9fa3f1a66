"""The binned spectrum of the Hilbert envelope, where bearing defect frequencies show up."""

from __future__ import annotations

import math

import numpy as np
from scipy.signal import hilbert

from .._validation import check_positive_int
from ._base import SignalFeatureTransformer, check_positive_real, log10_floor, peak_normalise


class EnvelopeSpectrum(SignalFeatureTransformer):
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
        check_positive_real(self.fs, "fs")
        max_freq = check_positive_real(self.max_freq, "max_freq")
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
        unit, peak = peak_normalise(X)
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
            return log10_floor(binned, log_scale)
        return binned * peak
