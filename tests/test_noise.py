"""Tests for sklearn_drsn.noise."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from sklearn_drsn.noise import NOISE_KINDS, add_noise, snr_db


def _pearson_kurtosis(a):
    a = a - a.mean()
    return np.mean(a**4) / np.mean(a**2) ** 2


def _signals(shape, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal(shape)
    # Very different powers per row/channel catch an SNR enforced only on average.
    scales = 10.0 ** rng.uniform(-3, 3, size=(*shape[:-1], 1))
    return X * scales


def test_noise_kinds_constant():
    assert NOISE_KINDS == ("gaussian", "laplacian", "pink")


@pytest.mark.parametrize("kind", NOISE_KINDS)
@pytest.mark.parametrize("shape", [(256,), (20, 256), (6, 4, 256)])
@pytest.mark.parametrize("target", [-10.0, 0.0, 17.5])
def test_realised_snr_matches_target_per_sample_and_channel(kind, shape, target):
    X = _signals(shape)
    X_noisy = add_noise(X, target, kind=kind, random_state=0)
    assert X_noisy.shape == X.shape
    measured = snr_db(X, X_noisy)
    assert measured.shape == shape[:-1]
    np.testing.assert_allclose(measured, target, atol=0.05)
    # The rescaling promises float precision, far tighter than the 0.05 dB tolerance.
    np.testing.assert_allclose(measured, target, atol=1e-9)


finite_rows = hnp.arrays(
    np.float64,
    shape=st.tuples(st.integers(1, 5), st.integers(2, 64)),
    elements=st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False, allow_subnormal=False),
)


@settings(max_examples=60, deadline=None)
@given(
    X=finite_rows,
    target=st.floats(-30, 60),
    kind=st.sampled_from(NOISE_KINDS),
    seed=st.integers(0, 2**32 - 1),
)
def test_realised_snr_property(X, target, kind, seed):
    X_noisy = add_noise(X, target, kind=kind, random_state=seed)
    assert np.all(np.isfinite(X_noisy))
    peak = np.max(np.abs(X), axis=-1)
    # Below ~1e-280 the noise itself would be subnormal and lose precision.
    measurable = peak > 1e-280
    np.testing.assert_allclose(snr_db(X, X_noisy)[measurable], target, atol=0.05)
    # Zero-power rows get zero noise.
    np.testing.assert_array_equal(X_noisy[peak == 0], X[peak == 0])


def test_float32_dtype_kept_and_snr_close():
    X = _signals((8, 512)).astype(np.float32)
    X_noisy = add_noise(X, 20.0, random_state=1)
    assert X_noisy.dtype == np.float32
    np.testing.assert_allclose(snr_db(X, X_noisy), 20.0, atol=0.05)


@pytest.mark.parametrize("dtype", [np.int64, np.int8, bool])
def test_integer_and_bool_input_become_float64(dtype):
    X = np.ones((3, 16), dtype=dtype)
    X_noisy = add_noise(X, 10.0, random_state=0)
    assert X_noisy.dtype == np.float64
    np.testing.assert_allclose(snr_db(X, X_noisy), 10.0, atol=1e-9)


def test_list_input_accepted():
    X_noisy = add_noise([[1.0, -2.0, 3.0, 0.5]], 5.0, random_state=0)
    np.testing.assert_allclose(snr_db([[1.0, -2.0, 3.0, 0.5]], X_noisy), 5.0, atol=1e-9)


def test_laplacian_kurtosis_is_six():
    X = np.ones(200_000)
    noise = add_noise(X, 0.0, kind="laplacian", random_state=0) - X
    assert abs(_pearson_kurtosis(noise) - 6.0) < 0.5


def test_gaussian_kurtosis_is_three():
    X = np.ones(200_000)
    noise = add_noise(X, 0.0, kind="gaussian", random_state=0) - X
    assert abs(_pearson_kurtosis(noise) - 3.0) < 0.2


def test_pink_spectrum_slope_is_minus_one():
    n_rows, n = 200, 2048
    X = np.ones((n_rows, n))
    noise = add_noise(X, 0.0, kind="pink", random_state=0) - X
    psd = np.mean(np.abs(np.fft.rfft(noise, axis=-1)) ** 2, axis=0)
    freqs = np.fft.rfftfreq(n)
    band = slice(8, n // 4)  # mid frequencies, well away from DC and Nyquist
    slope = np.polyfit(np.log10(freqs[band]), np.log10(psd[band]), 1)[0]
    assert abs(slope - (-1.0)) < 0.1
    # The DC bin is zeroed, so every row of pink noise has zero mean.
    np.testing.assert_allclose(noise.mean(axis=-1), 0.0, atol=1e-10)


def test_white_noise_spectrum_is_flat():
    # Counterpart of the pink test: the same fit must not report -1 for white noise.
    X = np.ones((200, 2048))
    noise = add_noise(X, 0.0, kind="gaussian", random_state=0) - X
    psd = np.mean(np.abs(np.fft.rfft(noise, axis=-1)) ** 2, axis=0)
    freqs = np.fft.rfftfreq(2048)
    slope = np.polyfit(np.log10(freqs[8:512]), np.log10(psd[8:512]), 1)[0]
    assert abs(slope) < 0.1


@pytest.mark.parametrize("kind", NOISE_KINDS)
def test_input_not_mutated_and_read_only_ok(kind):
    X = _signals((4, 2, 64))
    X_ref = X.copy()
    X.setflags(write=False)
    X_noisy = add_noise(X, 3.0, kind=kind, random_state=0)
    np.testing.assert_array_equal(X, X_ref)
    assert not np.shares_memory(X, X_noisy)
    assert X_noisy.flags.writeable


@pytest.mark.parametrize("no_noise", [None, np.inf, float("inf")])
def test_no_noise_returns_copy(no_noise):
    X = _signals((3, 32))
    out = add_noise(X, no_noise, random_state=0)
    np.testing.assert_array_equal(out, X)
    assert not np.shares_memory(out, X)


def test_all_zero_signal_gets_no_noise_and_no_nan():
    X = np.zeros((2, 3, 32))
    X[1, 2] = np.sin(np.arange(32))
    for kind in NOISE_KINDS:
        out = add_noise(X, 0.0, kind=kind, random_state=0)
        assert np.all(np.isfinite(out))
        np.testing.assert_array_equal(out[0], 0.0)
        np.testing.assert_array_equal(out[1, :2], 0.0)
        assert not np.array_equal(out[1, 2], X[1, 2])


@pytest.mark.parametrize("kind", NOISE_KINDS)
def test_seed_determinism(kind):
    X = _signals((5, 128))
    a = add_noise(X, 0.0, kind=kind, random_state=42)
    b = add_noise(X, 0.0, kind=kind, random_state=42)
    c = add_noise(X, 0.0, kind=kind, random_state=43)
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, c)


def test_generator_and_randomstate_accepted():
    X = _signals((5, 128))
    a = add_noise(X, 0.0, random_state=np.random.default_rng(7))
    b = add_noise(X, 0.0, random_state=np.random.default_rng(7))
    np.testing.assert_array_equal(a, b)
    c = add_noise(X, 0.0, random_state=np.random.RandomState(7))
    d = add_noise(X, 0.0, random_state=np.random.RandomState(7))
    np.testing.assert_array_equal(c, d)
    # A shared Generator advances, so consecutive calls give different noise.
    rng = np.random.default_rng(0)
    assert not np.allclose(
        add_noise(X, 0.0, random_state=rng), add_noise(X, 0.0, random_state=rng)
    )


def test_snr_db_values_and_edge_cases():
    signal = np.array([[1.0, -1.0], [0.0, 0.0], [2.0, 2.0], [0.0, 0.0]])
    noisy = np.array([[1.1, -1.1], [0.5, 0.5], [2.0, 2.0], [0.0, 0.0]])
    out = snr_db(signal, noisy)
    np.testing.assert_allclose(out[0], 20.0)
    assert out[1] == -np.inf
    assert out[2] == np.inf
    assert np.isnan(out[3])
    assert snr_db(np.ones(4), np.ones(4) * 1.1).shape == ()


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"X": np.ones((2, 8)), "snr_db": 0, "kind": "brown"}, "gaussian, laplacian, pink"),
        ({"X": np.array([[1.0, np.nan]]), "snr_db": 0}, "NaN or infinite"),
        ({"X": np.array([[1.0, np.inf]]), "snr_db": 0}, "NaN or infinite"),
        ({"X": np.ones((2, 8)), "snr_db": float("nan")}, "snr_db is NaN"),
        ({"X": np.ones((2, 8)), "snr_db": -np.inf}, "infinite noise"),
        ({"X": np.ones((2, 8)), "snr_db": "10"}, "real number"),
        ({"X": np.ones((0, 8)), "snr_db": 0}, "empty"),
        ({"X": np.ones(()), "snr_db": 0}, "got 0-D"),
        ({"X": np.ones((1, 1, 1, 4)), "snr_db": 0}, "got 4-D"),
        ({"X": np.ones((2, 8), dtype=complex), "snr_db": 0}, "complex"),
        ({"X": np.array([["a", "b"]]), "snr_db": 0}, "numeric"),
        ({"X": np.ones((2, 1)), "snr_db": 0, "kind": "pink"}, "length >= 2"),
        ({"X": np.ones((2, 8)), "snr_db": 0, "random_state": "seed"}, "random_state"),
        ({"X": np.ones((2, 8)), "snr_db": -1e5}, "too low"),
    ],
)
def test_errors(kwargs, match):
    with pytest.raises(ValueError, match=match):
        add_noise(**kwargs)


def test_errors_are_raised_before_no_noise_shortcut():
    # "No noise" must not silently accept garbage input.
    with pytest.raises(ValueError, match="NaN or infinite"):
        add_noise(np.array([np.nan, 1.0]), None)
    with pytest.raises(ValueError, match="gaussian, laplacian, pink"):
        add_noise(np.ones(4), None, kind="white")


def test_snr_db_errors():
    with pytest.raises(ValueError, match="same shape"):
        snr_db(np.ones((2, 4)), np.ones((2, 5)))
    with pytest.raises(ValueError, match="complex"):
        snr_db(np.ones(4, dtype=complex), np.ones(4))
