"""Tests for sklearn_drsn.features."""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from scipy import stats
from scipy.special import gamma
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import FeatureUnion, make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

from sklearn_drsn.features import (
    EnvelopeSpectrum,
    SpectralBandEnergies,
    TimeDomainFeatures,
    make_vibration_features,
)
from sklearn_drsn.windows import sliding_windows

TDF_NAMES = [
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
]


def _time_features_reference(x):
    """Textbook formulas, written independently of the implementation."""
    peak = np.max(np.abs(x))
    rms = np.sqrt(np.mean(x**2))
    return np.array(
        [
            np.mean(x),
            np.std(x),
            rms,
            stats.kurtosis(x, fisher=False),
            stats.skew(x),
            peak / rms,
            np.ptp(x),
            rms / np.mean(np.abs(x)),
            peak / np.mean(np.abs(x)),
            peak / np.mean(np.sqrt(np.abs(x))) ** 2,
        ]
    )


def _fault_dataset(n_per_class=40, length=512, seed=0):
    """Healthy = white noise; faulty = noise + resonance bursts repeating every 32 samples."""
    rng = np.random.default_rng(seed)
    n = 2 * n_per_class
    X = rng.standard_normal((n, length))
    y = np.repeat([0, 1], n_per_class)
    t = np.arange(length)
    burst = np.zeros(length)
    for start in range(0, length, 32):
        tau = t[start:] - start
        burst[start:] += np.exp(-tau / 4.0) * np.sin(2 * np.pi * 0.3 * tau)
    for i in np.flatnonzero(y == 1):
        X[i] += 4.0 * np.roll(burst, rng.integers(32))
    return X, y


# --------------------------------------------------------------------------- sklearn API


# The checks' signals are a few points long: the warning about empty bands is not their subject.
@pytest.mark.filterwarnings("ignore:.*contain no frequency:UserWarning")
@parametrize_with_checks([TimeDomainFeatures(), SpectralBandEnergies(), EnvelopeSpectrum()])
def test_sklearn_compatible(estimator, check):
    check(estimator)


@pytest.mark.parametrize(
    "transformer",
    [
        TimeDomainFeatures(),
        SpectralBandEnergies(n_bands=8),
        # Fault frequencies sit far below Nyquist, where the envelope spectrum is zoomed in.
        EnvelopeSpectrum(n_bins=16, max_freq=0.125),
    ],
    ids=lambda transformer: type(transformer).__name__,
)
def test_in_pipeline_separates_faulty_from_healthy(transformer):
    X, y = _fault_dataset()
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.5, stratify=y, random_state=0
    )
    pipe = make_pipeline(transformer, StandardScaler(), LogisticRegression())
    pipe.fit(X_train, y_train)
    assert pipe.score(X_test, y_test) >= 0.9


def test_vibration_feature_union_in_pipeline_with_3d_input():
    X, y = _fault_dataset()
    X3 = np.stack([X, np.random.default_rng(1).standard_normal(X.shape)], axis=1)
    union = make_vibration_features(n_bands=8, n_bins=16)
    assert isinstance(union, FeatureUnion)
    pipe = make_pipeline(union, StandardScaler(), LogisticRegression())
    pipe.fit(X3[::2], y[::2])
    assert pipe.score(X3[1::2], y[1::2]) >= 0.9
    names = union.get_feature_names_out()
    assert len(names) == 2 * (10 + 8 + 16)
    assert names[0] == "time__ch0_mean"
    assert names[10] == "time__ch1_mean"
    assert names[20] == "bands__ch0_band0"
    assert names[-1] == "envelope__ch1_env15"


# --------------------------------------------------------------------------- time domain


def test_time_features_of_a_sine_have_known_values():
    A = 3.0
    t = np.arange(1000) / 1000
    X = A * np.sin(2 * np.pi * 10 * t)[np.newaxis]  # 100 samples/period hits the peaks
    tdf = TimeDomainFeatures().fit(X)
    f = dict(zip(tdf.get_feature_names_out(), tdf.transform(X)[0], strict=True))
    np.testing.assert_allclose(f["mean"], 0.0, atol=1e-12)
    np.testing.assert_allclose(f["std"], A / np.sqrt(2))
    np.testing.assert_allclose(f["rms"], A / np.sqrt(2))
    np.testing.assert_allclose(f["kurtosis"], 1.5)
    np.testing.assert_allclose(f["skewness"], 0.0, atol=1e-12)
    np.testing.assert_allclose(f["crest_factor"], np.sqrt(2))
    np.testing.assert_allclose(f["peak_to_peak"], 2 * A)
    np.testing.assert_allclose(f["shape_factor"], np.pi / (2 * np.sqrt(2)), rtol=1e-3)
    np.testing.assert_allclose(f["impulse_factor"], np.pi / 2, rtol=1e-3)
    # Continuous-time value; sampling sqrt|sin| near its zeros costs ~0.5 %.
    clearance = np.pi * gamma(1.25) ** 2 / gamma(0.75) ** 2
    np.testing.assert_allclose(f["clearance_factor"], clearance, rtol=1e-2)


def test_time_features_gaussian_kurtosis_and_names():
    X = np.random.default_rng(0).standard_normal((1, 100_000))
    tdf = TimeDomainFeatures().fit(X)
    assert list(tdf.get_feature_names_out()) == TDF_NAMES
    np.testing.assert_allclose(tdf.transform(X)[0, 3], 3.0, atol=0.1)


@settings(max_examples=40, deadline=None)
@given(
    X=hnp.arrays(
        np.float64,
        st.tuples(st.integers(1, 4), st.integers(2, 50)),
        elements=st.floats(-1e3, 1e3, allow_subnormal=False),
    )
    # The scipy reference squares twice and underflows on tiny signals; the implementation
    # does not (see test_time_features_scale_equivariance).
    .filter(lambda X: np.all(np.max(np.abs(X), axis=1) > 1e-50))
    .filter(lambda X: np.all(np.std(X, axis=1) > 1e-3 * np.max(np.abs(X), axis=1)))
)
def test_time_features_match_textbook_formulas(X):
    out = TimeDomainFeatures().fit_transform(X)
    expected = np.array([_time_features_reference(x) for x in X])
    np.testing.assert_allclose(out, expected, rtol=1e-7, atol=1e-9)


def test_time_features_degenerate_signals_are_finite():
    X = np.array([np.zeros(16), np.full(16, 0.1), np.r_[1.0, np.zeros(15)]])
    out = TimeDomainFeatures().fit_transform(X)
    assert np.all(np.isfinite(out))
    np.testing.assert_array_equal(out[0], 0.0)
    # A constant signal has no spread: std, kurtosis and skewness are 0, not rounding noise.
    np.testing.assert_array_equal(out[1, [1, 3, 4]], 0.0)
    np.testing.assert_allclose(out[1, [0, 2, 5]], [0.1, 0.1, 1.0])


@pytest.mark.parametrize("scale", [1e250, 1e-250])
def test_time_features_scale_equivariance(scale):
    X = np.random.default_rng(0).standard_normal((3, 64))
    a = TimeDomainFeatures().fit_transform(X)
    b = TimeDomainFeatures().fit_transform(scale * X)
    linear = [0, 1, 2, 6]
    np.testing.assert_allclose(b[:, linear], scale * a[:, linear], rtol=1e-12)
    dimensionless = [3, 4, 5, 7, 8, 9]
    np.testing.assert_allclose(b[:, dimensionless], a[:, dimensionless], rtol=1e-12)


# --------------------------------------------------------------------------- band energies


def test_band_energy_of_a_pure_tone_lands_in_its_band():
    fs, A = 1000.0, 2.0
    t = np.arange(1000) / fs
    X = A * np.sin(2 * np.pi * 100 * t)[np.newaxis]
    sbe = SpectralBandEnergies(n_bands=16, fs=fs, log=False).fit(X)
    energies = sbe.transform(X)[0]
    # Bands are 31.25 Hz wide, so 100 Hz is in band 3 (93.75-125 Hz).
    assert energies.argmax() == 3
    np.testing.assert_allclose(energies[3], A**2 / 2)
    np.testing.assert_allclose(np.delete(energies, 3), 0.0, atol=1e-20)
    assert sbe.get_feature_names_out()[3] == "band3_93.75-125Hz"
    log_energies = SpectralBandEnergies(n_bands=16, fs=fs).fit_transform(X)[0]
    assert log_energies.argmax() == 3
    np.testing.assert_allclose(log_energies[3], np.log10(1e-12 + A**2 / 2))
    np.testing.assert_allclose(log_energies[0], -12.0)


@pytest.mark.parametrize("length", [255, 256])
def test_band_energies_sum_to_mean_power(length):
    X = np.random.default_rng(0).standard_normal((5, length))
    energies = SpectralBandEnergies(n_bands=7, log=False).fit_transform(X)
    np.testing.assert_allclose(energies.sum(axis=1), np.mean(X**2, axis=1))


def test_band_energies_more_bands_than_bins_is_finite():
    X = np.random.default_rng(0).standard_normal((3, 5))  # only 3 rfft bins for 16 bands
    with pytest.warns(UserWarning, match="13 of the 16 bands contain no frequency"):
        out = SpectralBandEnergies().fit_transform(X)
    assert out.shape == (3, 16)
    assert np.all(np.isfinite(out))
    with pytest.warns(UserWarning, match="contain no frequency"):
        linear = SpectralBandEnergies(log=False).fit_transform(X)
    np.testing.assert_allclose(linear.sum(axis=1), np.mean(X**2, axis=1))


# --------------------------------------------------------------------------- envelope


def _am_signal(n, fs=12800.0, depth=0.5):
    t = np.arange(n) / fs
    return (1 + depth * np.cos(2 * np.pi * 100 * t)) * np.cos(2 * np.pi * 3000 * t)


def test_envelope_spectrum_of_am_carrier_peaks_at_modulation_frequency():
    fs = 12800.0
    X = _am_signal(12800)[np.newaxis]
    env = EnvelopeSpectrum(fs=fs).fit(X)
    spectrum = env.transform(X)[0]
    # Default: 64 bins of 100 Hz up to Nyquist; 100 Hz opens bin 1 (edges go upward).
    assert spectrum.shape == (64,)
    assert spectrum.argmax() == 1
    assert env.get_feature_names_out()[1] == "env1_100-200Hz"


def test_envelope_spectrum_peak_with_leakage_and_amplitude_scaling():
    fs = 12800.0
    # 10000 samples: neither 100 Hz nor 3 kHz falls on an FFT bin, so energy leaks.
    X = _am_signal(10000)[np.newaxis]
    spectrum = EnvelopeSpectrum(n_bins=16, fs=fs, max_freq=640).fit_transform(X)[0]
    assert spectrum.argmax() == 2  # 80-120 Hz
    # With 1 Hz bins matching the FFT resolution of a 1 s signal, the line at 100 Hz
    # has the modulation depth as its amplitude.
    X = _am_signal(12800, depth=0.3)[np.newaxis]
    # The first bin, 0-1 Hz, then holds only DC, which the envelope's mean removal zeroes.
    with pytest.warns(UserWarning, match="1 of the 640 bins contain no frequency"):
        fine = EnvelopeSpectrum(n_bins=640, fs=fs, max_freq=640).fit_transform(X)[0]
    np.testing.assert_allclose(fine[100], 0.3, rtol=1e-6)
    np.testing.assert_allclose(np.delete(fine, 100), 0.0, atol=1e-6)


def test_envelope_spectrum_log_and_short_signals_are_finite():
    X = np.random.default_rng(0).standard_normal((3, 10))
    for log in (False, True):
        with pytest.warns(UserWarning, match="59 of the 64 bins contain no frequency"):
            out = EnvelopeSpectrum(log=log).fit_transform(X)
        assert out.shape == (3, 64)
        assert np.all(np.isfinite(out))


# --------------------------------------------------------------------------- shared behaviour


ALL = [
    pytest.param(TimeDomainFeatures(), 10, id="TimeDomainFeatures"),
    pytest.param(SpectralBandEnergies(n_bands=5), 5, id="SpectralBandEnergies"),
    pytest.param(EnvelopeSpectrum(n_bins=6), 6, id="EnvelopeSpectrum"),
]


@pytest.mark.parametrize(("transformer", "n_per_channel"), ALL)
def test_3d_input_is_channel_major(transformer, n_per_channel):
    X = np.random.default_rng(0).standard_normal((4, 3, 128))
    X[:, 1] *= 10.0
    out = transformer.fit_transform(X)
    assert out.shape == (4, 3 * n_per_channel)
    assert out.dtype == np.float64
    names = transformer.get_feature_names_out()
    assert len(names) == out.shape[1]
    base = transformer.fit(X[:, 0]).get_feature_names_out()
    assert list(names[:n_per_channel]) == [f"ch0_{name}" for name in base]
    assert list(names[-n_per_channel:]) == [f"ch2_{name}" for name in base]
    for c in range(3):
        per_channel = transformer.fit_transform(X[:, c])
        np.testing.assert_allclose(
            out[:, c * n_per_channel : (c + 1) * n_per_channel], per_channel, rtol=1e-12
        )
    transformer.fit(X)
    named = transformer.get_feature_names_out(["x", "y", "z"])
    assert named[0] == f"x_{base[0]}" and named[-1] == f"z_{base[-1]}"
    with pytest.raises(ValueError, match="length equal to number of features"):
        transformer.get_feature_names_out(["x", "y"])


@pytest.mark.parametrize(("transformer", "n_per_channel"), ALL)
def test_all_zero_input_gives_finite_output(transformer, n_per_channel):
    for X in (np.zeros((2, 64)), np.zeros((2, 3, 64))):
        out = transformer.fit_transform(X)
        assert np.all(np.isfinite(out))


@pytest.mark.parametrize(("transformer", "n_per_channel"), ALL)
def test_input_not_mutated_and_read_only_ok(transformer, n_per_channel):
    X = np.random.default_rng(0).standard_normal((4, 2, 64))
    X_ref = X.copy()
    X.setflags(write=False)
    transformer.fit(X).transform(X)
    np.testing.assert_array_equal(X, X_ref)
    X32 = np.asarray(X_ref, dtype=np.float32)
    X32_ref = X32.copy()
    assert transformer.fit_transform(X32).dtype == np.float64
    np.testing.assert_array_equal(X32, X32_ref)


@pytest.mark.parametrize(("transformer", "n_per_channel"), ALL)
def test_shape_mismatch_and_bad_dimensions(transformer, n_per_channel):
    transformer.fit(np.ones((2, 3, 64)))
    with pytest.raises(ValueError, match="fitted on samples of shape"):
        transformer.transform(np.ones((2, 3, 32)))
    with pytest.raises(ValueError, match="fitted on samples of shape"):
        transformer.transform(np.ones((2, 3)))
    with pytest.raises(ValueError, match="got 4-D"):
        transformer.fit(np.ones((2, 3, 4, 5)))
    with pytest.raises(ValueError, match="zero-length"):
        transformer.fit(np.ones((2, 3, 0)))


@pytest.mark.parametrize(
    ("transformer", "match"),
    [
        (SpectralBandEnergies(n_bands=0), "n_bands must be an integer >= 1"),
        (SpectralBandEnergies(n_bands=2.5), "n_bands must be an integer >= 1"),
        (SpectralBandEnergies(fs=-1.0), "fs must be a positive"),
        (EnvelopeSpectrum(n_bins=0), "n_bins must be an integer >= 1"),
        (EnvelopeSpectrum(fs=np.inf), "fs must be a positive"),
        (EnvelopeSpectrum(max_freq=0.0), "max_freq must be a positive"),
        (EnvelopeSpectrum(fs=1000.0, max_freq=600.0), "exceeds the Nyquist frequency 500"),
        (EnvelopeSpectrum(max_freq=2.0), "normalised frequency"),
    ],
)
def test_invalid_parameters(transformer, match):
    with pytest.raises(ValueError, match=match):
        transformer.fit(np.ones((2, 16)))


# --------------------------------------------------------------------------- sliding windows


def test_sliding_windows_shapes_1d_and_2d():
    rec = np.arange(100.0)
    windows, labels = sliding_windows(rec, 10)
    assert windows.shape == (10, 10) and labels is None
    np.testing.assert_array_equal(windows[3], np.arange(30.0, 40.0))
    windows, _ = sliding_windows(rec, 10, step=5)
    assert windows.shape == (19, 10)
    np.testing.assert_array_equal(windows[1], np.arange(5.0, 15.0))
    windows, _ = sliding_windows(rec, 30, step=40)  # samples 70..99 do not fill a window
    assert windows.shape == (2, 30)
    np.testing.assert_array_equal(windows[:, 0], [0.0, 40.0])
    rec2 = np.stack([np.arange(100.0), -np.arange(100.0)])
    windows, _ = sliding_windows(rec2, 20, step=10)
    assert windows.shape == (9, 2, 20)
    np.testing.assert_array_equal(windows[2, 1], -np.arange(20.0, 40.0))
    assert windows.dtype == np.float64
    windows, _ = sliding_windows(np.arange(7), 7)
    assert windows.shape == (1, 7) and windows.dtype == np.float64


def test_sliding_windows_labels():
    rec = np.zeros(12)
    _, labels = sliding_windows(rec, 4, labels="inner_race")
    assert list(labels) == ["inner_race"] * 3
    per_sample = np.array([0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 2])
    _, labels = sliding_windows(rec, 4, labels=per_sample)
    np.testing.assert_array_equal(labels, [0, 1, 2])
    # Windows 1 ([0, 0, 1, 1]) and 5 ([1, 1, 2, 2]) are ties, which go to the smaller label.
    _, labels = sliding_windows(rec, 4, step=1, labels=per_sample)
    np.testing.assert_array_equal(labels, [0, 0, 1, 1, 1, 1, 2, 2, 2])
    _, labels = sliding_windows(rec, 2, step=2, labels=np.array(list("aabbabbaaabb")))
    np.testing.assert_array_equal(labels, list("abaaab"))


def test_sliding_windows_returns_independent_copy():
    for rec in (np.arange(16.0), np.arange(32.0).reshape(2, 16)):
        rec_ref = rec.copy()
        rec.setflags(write=False)
        for window, step in ((16, None), (4, 2)):
            windows, _ = sliding_windows(rec, window, step=step)
            assert windows.flags.writeable and windows.flags.c_contiguous
            assert not np.shares_memory(windows, rec)
            windows[...] = -1.0
            np.testing.assert_array_equal(rec, rec_ref)


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "match"),
    [
        ((np.ones(10), 11), {}, ValueError, "longer than the recording"),
        ((np.ones(10), 0), {}, ValueError, "window must be positive"),
        ((np.ones(10), 4), {"step": 0}, ValueError, "step must be positive"),
        ((np.ones(10), 4), {"step": -2}, ValueError, "step must be positive"),
        ((np.ones(10), 4.0), {}, TypeError, "window must be an integer"),
        ((np.ones(10), 4), {"step": 1.5}, TypeError, "step must be an integer"),
        ((np.ones((2, 2, 10)), 4), {}, ValueError, "got 3-D"),
        ((np.ones((2, 0)), 1), {}, ValueError, "empty"),
        ((np.array([1.0, np.nan, 2.0]), 1), {}, ValueError, "NaN or infinite"),
        ((np.ones(10, dtype=complex), 2), {}, ValueError, "complex"),
        ((np.ones(10), 4), {"labels": np.zeros(9)}, ValueError, "one entry per time step"),
        ((np.ones(10), 4), {"labels": np.zeros((2, 10))}, ValueError, "one entry per"),
    ],
)
def test_sliding_windows_errors(args, kwargs, error, match):
    with pytest.raises(error, match=match):
        sliding_windows(*args, **kwargs)


# --------------------------------------------------------------------------- short signals


def constant_columns(F: np.ndarray) -> int:
    # An envelope bin that holds only DC varies by rounding alone (the mean is removed).
    return int(np.sum(np.ptp(F, axis=0) < 1e-12))


def test_short_series_warn_with_the_number_of_constant_columns_and_the_shortest_length():
    X = np.random.default_rng(0).standard_normal((20, 12, 26))  # JapaneseVowels' layout
    with pytest.warns(UserWarning) as record:
        F = make_vibration_features().fit_transform(X)
    messages = [str(w.message) for w in record if "contain no frequency" in str(w.message)]
    assert len(messages) == 2, messages
    assert "24 of the 192 output columns are constant" in messages[0]
    assert "at least 32 points" in messages[0] and "at most 13 bands" in messages[0]
    assert "612 of the 768 output columns are constant" in messages[1]
    assert "at least 129 points" in messages[1] and "at most 12 bins" in messages[1]
    assert F.shape == (20, 1080) and constant_columns(F) == 24 + 612


def test_no_warning_from_the_documented_shortest_length_on():
    rng = np.random.default_rng(0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        make_vibration_features().fit(rng.standard_normal((5, 129)))
        # 16 bins up to 1 kHz at 12.8 kHz: more than 16 * 12800 / 1000 = 204.8 points.
        EnvelopeSpectrum(n_bins=16, fs=12800, max_freq=1000).fit(rng.standard_normal((5, 205)))


@settings(max_examples=60, deadline=None)
@given(
    length=st.integers(2, 80),
    n=st.integers(1, 40),
    max_freq=st.sampled_from([None, 0.5, 0.25, 0.1]),
)
def test_the_warning_counts_exactly_the_constant_columns(length, n, max_freq):
    X = np.random.default_rng(length).standard_normal((6, 2, length))
    for transformer in (SpectralBandEnergies(n_bands=n), EnvelopeSpectrum(n, max_freq=max_freq)):
        with warnings.catch_warnings(record=True) as record:
            warnings.simplefilter("always")
            F = transformer.fit_transform(X)
        said = [str(w.message) for w in record if "contain no frequency" in str(w.message)]
        expected = constant_columns(F)
        if expected == 0:
            assert not said
        else:
            assert f"{expected} of the {F.shape[1]} output columns are constant" in said[0]
        ratio = 1 / (max_freq or 0.5)
        bands = isinstance(transformer, SpectralBandEnergies)
        shortest = 2 * n if bands else int(np.floor(n * ratio + 1e-9)) + 1
        if length >= shortest:
            assert expected == 0
