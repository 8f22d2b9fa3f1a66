"""Additive noise at a controlled signal-to-noise ratio.

Benchmarks of denoising classifiers such as the DRSN are usually reported
as accuracy versus SNR, so the noise must hit the requested SNR per sample,
not just on average. :func:`add_noise` draws the noise and then rescales
every realisation so that its SNR equals the target to float precision;
:func:`snr_db` measures the realised SNR.

The SNR of a signal ``x`` and its noise ``n`` is
``10 * log10(P(x) / P(n))`` with ``P(a) = mean(a ** 2)`` taken over the
last axis, i.e. per sample for ``(n_samples, length)`` arrays and per
sample *and* channel for ``(n_samples, channels, length)`` arrays.

This module is a data tool: it depends on NumPy only.
"""

from __future__ import annotations

import numbers

import numpy as np

from ._random import as_generator

__all__ = ["NOISE_KINDS", "add_noise", "snr_db"]

#: Noise distributions understood by :func:`add_noise`.
NOISE_KINDS: tuple[str, ...] = ("gaussian", "laplacian", "pink")


def _as_signal_array(X, name: str) -> np.ndarray:
    """Validate a signal array and return it as a real floating array (no copy if possible)."""
    X = np.asarray(X)
    if np.iscomplexobj(X):
        raise ValueError(f"{name} must be real-valued, got complex dtype {X.dtype}.")
    if X.dtype.kind in "biu":
        X = X.astype(np.float64)
    elif X.dtype.kind != "f":
        try:
            X = X.astype(np.float64)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"{name} must be numeric, got dtype {X.dtype}.") from exc
    if X.ndim not in (1, 2, 3):
        raise ValueError(
            f"{name} must be 1-D (length,), 2-D (n_samples, length) or "
            f"3-D (n_samples, channels, length); got {X.ndim}-D with shape {X.shape}."
        )
    if X.size == 0:
        raise ValueError(f"{name} is empty (shape {X.shape}); nothing to add noise to.")
    if not np.all(np.isfinite(X)):
        raise ValueError(f"{name} contains NaN or infinite values.")
    return X


def _rms(a: np.ndarray) -> np.ndarray:
    """Root mean square over the last axis, immune to overflow and underflow of ``a ** 2``."""
    # Squaring values beyond ~1e154 overflows and below ~1e-154 underflows; dividing by the
    # per-row peak first keeps every square in [0, 1].
    peak = np.max(np.abs(a), axis=-1, keepdims=True)
    safe_peak = np.where(peak > 0, peak, 1.0)
    rms = np.sqrt(np.mean((a / safe_peak) ** 2, axis=-1, keepdims=True))
    return peak * rms


def _draw(kind: str, shape: tuple[int, ...], rng: np.random.Generator) -> np.ndarray:
    if kind == "gaussian":
        return rng.standard_normal(shape)
    if kind == "laplacian":
        return rng.laplace(0.0, 1.0, size=shape)
    # Pink: colour white Gaussian noise in the rFFT domain so that power ~ 1/f.
    n = shape[-1]
    spectrum = np.fft.rfft(rng.standard_normal(shape), axis=-1)
    freqs = np.fft.rfftfreq(n)
    gain = np.zeros_like(freqs)
    # DC is zeroed: 1/f diverges there and a random offset is not "noise" in the usual sense.
    gain[1:] = 1.0 / np.sqrt(freqs[1:])
    return np.fft.irfft(spectrum * gain, n=n, axis=-1)


def add_noise(
    X,
    snr_db: float | None,
    kind: str = "gaussian",
    random_state: int | np.random.Generator | np.random.RandomState | None = None,
) -> np.ndarray:
    """Add noise to signals at an exact per-sample signal-to-noise ratio.

    The noise is drawn independently for every sample (and channel), then
    rescaled so that ``10 * log10(mean(x**2) / mean(noise**2)) == snr_db``
    holds for each of them up to floating-point rounding.

    Parameters
    ----------
    X : array-like of shape (length,), (n_samples, length) or \
(n_samples, channels, length)
        Real, finite signals. The SNR is enforced over the last axis, i.e.
        per signal for 1-D and 2-D input and per channel for 3-D input.
        ``X`` is never modified; read-only arrays are fine.
    snr_db : float or None
        Target SNR in decibels. ``None`` or ``numpy.inf`` mean "no noise"
        and return a copy of ``X``. Must not be NaN or ``-inf``.
    kind : {"gaussian", "laplacian", "pink"}, default="gaussian"
        Distribution of the noise: white Gaussian, white Laplacian
        (heavy-tailed, Pearson kurtosis 6), or pink Gaussian noise with a
        ``1/f`` power spectrum and zero mean (its DC bin is zero). Pink
        noise needs ``length >= 2``.
    random_state : int, numpy.random.Generator, numpy.random.RandomState or None, \
default=None
        Source of randomness: an int is a seed (the same int, the same
        noise); ``None`` draws fresh entropy on every call; a ``Generator``
        is used as it is and advanced; a ``RandomState`` gives one seed,
        ``randint(2**31 - 1)``, and is advanced (as in
        :func:`~sklearn_drsn.datasets.make_drivetrain`).

    Returns
    -------
    X_noisy : ndarray of the same shape as ``X``
        A new array: ``X`` plus noise. Floating input keeps its dtype,
        integer and boolean input become ``float64``. With low-precision
        dtypes (``float16``) the realised SNR is only as exact as the dtype.

    Raises
    ------
    ValueError
        If ``kind`` is unknown, ``snr_db`` is NaN or ``-inf``, ``X`` is empty,
        complex, non-finite or not 1-, 2- or 3-D, if pink noise is requested
        for length-1 signals, or if ``snr_db`` is so low that the noise
        overflows.

    See Also
    --------
    snr_db : Measure the realised SNR.

    Notes
    -----
    A signal (or channel) that is all zeros has zero power, so the noise
    that gives it any finite SNR is zero as well: it is returned unchanged.
    No NaN is produced.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_drsn.noise import add_noise, snr_db
    >>> t = np.arange(1024) / 1024
    >>> X = np.stack([np.sin(2 * np.pi * 5 * t), 3 * np.sin(2 * np.pi * 9 * t)])
    >>> X_noisy = add_noise(X, snr_db=-5, kind="pink", random_state=0)
    >>> X_noisy.shape
    (2, 1024)
    >>> np.round(snr_db(X, X_noisy), 6)
    array([-5., -5.])
    """
    if not isinstance(kind, str) or kind not in NOISE_KINDS:
        raise ValueError(f"Unknown noise kind {kind!r}; valid kinds are {', '.join(NOISE_KINDS)}.")
    if snr_db is not None:
        if isinstance(snr_db, bool) or not isinstance(snr_db, numbers.Real):
            raise ValueError(f"snr_db must be a real number, None or inf; got {snr_db!r}.")
        snr_db = float(snr_db)
        if np.isnan(snr_db):
            raise ValueError("snr_db is NaN; use None or np.inf for 'no noise'.")
        if snr_db == -np.inf:
            raise ValueError("snr_db = -inf would require infinite noise power.")

    X = _as_signal_array(X, "X")
    out_dtype = X.dtype
    if snr_db is None or snr_db == np.inf:
        return X.copy()
    if kind == "pink" and X.shape[-1] < 2:
        raise ValueError("Pink noise needs signals of length >= 2 (a length-1 signal is only DC).")

    rng = as_generator(random_state)
    noise = _draw(kind, X.shape, rng)
    # Work in float64 so that float32 input still lands on the target SNR closely.
    signal = X.astype(np.float64, copy=False)
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        rms_signal = _rms(signal)
        rms_noise = _rms(noise)
        # Amplitude ratio instead of the power ratio: 10**(-snr/20) overflows much later.
        scale = rms_signal * np.float64(10.0) ** (-snr_db / 20.0) / rms_noise
        # Zero-power signals get zero noise (scale 0), and a degenerate all-zero draw (which
        # has probability zero) must not turn into NaN.
        scale = np.where((rms_signal > 0) & (rms_noise > 0), scale, 0.0)
        noisy = (signal + noise * scale).astype(out_dtype, copy=False)
    if not np.all(np.isfinite(noisy)):
        raise ValueError(
            f"snr_db={snr_db} is too low: the noise overflows {np.dtype(out_dtype).name}."
        )
    return noisy


def snr_db(signal, noisy) -> np.ndarray:
    """Measure the realised signal-to-noise ratio of noisy signals.

    Parameters
    ----------
    signal : array-like of shape (length,), (n_samples, length) or \
(n_samples, channels, length)
        Clean, real, finite signals.
    noisy : array-like of the same shape as ``signal``
        The same signals with noise added; the noise is ``noisy - signal``.

    Returns
    -------
    snr : ndarray of shape ``signal.shape[:-1]``
        ``10 * log10(mean(signal**2) / mean((noisy - signal)**2))`` over the
        last axis, in float64 (a 0-d array for 1-D input). It is ``+inf``
        where the noise is zero, ``-inf`` where only the signal is zero and
        NaN where both are zero (the SNR is undefined there).

    Raises
    ------
    ValueError
        If the shapes differ or either array is empty, complex, non-finite
        or not 1-, 2- or 3-D.

    See Also
    --------
    add_noise : Add noise at a given SNR.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_drsn.noise import snr_db
    >>> signal = np.array([[1.0, -1.0, 1.0, -1.0]])
    >>> noisy = signal + np.array([[0.1, -0.1, 0.1, -0.1]])
    >>> np.round(snr_db(signal, noisy), 3)
    array([20.])
    """
    signal = _as_signal_array(signal, "signal").astype(np.float64, copy=False)
    noisy = _as_signal_array(noisy, "noisy").astype(np.float64, copy=False)
    if signal.shape != noisy.shape:
        raise ValueError(
            f"signal and noisy must have the same shape; got {signal.shape} and {noisy.shape}."
        )
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = _rms(signal) / _rms(noisy - signal)
        return np.asarray(20.0 * np.log10(ratio[..., 0]))
