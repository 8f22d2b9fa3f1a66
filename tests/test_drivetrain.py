"""Tests for the simulated drivetrain data set (``sklearn_drsn.datasets``)."""

import ast
import collections
import doctest
import math
from pathlib import Path

import numpy as np
import pytest
from scipy import signal, stats
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.tree import DecisionTreeClassifier

from sklearn_drsn.datasets import (
    DRIVETRAIN_CLASSES,
    DRIVETRAIN_GEOMETRY,
    _drivetrain,
    bearing_defect_frequencies,
    make_drivetrain,
)

FS = 12800.0


@pytest.fixture(scope="module")
def dataset():
    """A clean default data set, 90 observations per class (10 per speed x load cell)."""
    return make_drivetrain(n_per_class=90, random_state=0)


def _envelope_spectrum(X, fs=FS, band=(2500.0, 4500.0)):
    """Squared-envelope spectrum of the resonance band (classic bearing diagnostics)."""
    sos = signal.butter(4, band, btype="bandpass", fs=fs, output="sos")
    env = np.abs(signal.hilbert(signal.sosfiltfilt(sos, X.astype(float), axis=-1), axis=-1))
    env -= env.mean(axis=-1, keepdims=True)
    nfft = 4 * X.shape[-1]  # zero-padding: finer frequency grid for peak location
    spec = np.abs(np.fft.rfft(env * np.hanning(X.shape[-1]), nfft, axis=-1))
    return np.fft.rfftfreq(nfft, 1 / fs), spec


def _spectral_features(X, fs=FS):
    """Time statistics + 64 log band energies + two envelope spectra (0-500 Hz)."""
    X = X.astype(float)
    X = X - X.mean(axis=1, keepdims=True)
    rms = np.sqrt((X**2).mean(axis=1))
    time_stats = np.c_[
        stats.kurtosis(X, axis=1), stats.skew(X, axis=1), np.abs(X).max(axis=1) / rms
    ]
    _, psd = signal.welch(X, fs=fs, nperseg=256, axis=1)
    psd = psd[:, 1:129] / psd[:, 1:129].sum(axis=1, keepdims=True)  # scale-free
    bands = np.log(psd.reshape(len(X), 64, 2).sum(axis=2) + 1e-12)
    sos = signal.butter(4, (2500, 4500), "bandpass", fs=fs, output="sos")
    envs = []
    for x in (signal.sosfiltfilt(sos, X, axis=1), X):  # resonance band, full band
        env = np.abs(signal.hilbert(x, axis=1))
        env -= env.mean(axis=1, keepdims=True)
        spec = np.abs(np.fft.rfft(env, axis=1))[:, 1:81]  # 6.25 Hz bins up to 500 Hz
        envs.append(spec / spec.mean(axis=1, keepdims=True))
    return np.hstack([rms[:, None], time_stats, bands, *envs])


# ---------------------------------------------------------------------------------
# layout, determinism, arguments


def test_shapes_dtypes_and_balance():
    X, y, cond = make_drivetrain(n_per_class=9, length=512, random_state=1)
    assert X.shape == (72, 512)
    assert X.dtype == np.float32
    assert np.all(np.isfinite(X))
    assert y.shape == (72,) and y.dtype.kind == "i"
    assert np.bincount(y, minlength=8).tolist() == [9] * 8
    assert set(cond) == {"speed_hz", "load", "shaft_hz"}
    for key in cond:
        assert cond[key].shape == (72,)
    # 9 per class over the 3 x 3 grid: every (class, speed, load) cell exactly once
    cells = collections.Counter(zip(y.tolist(), cond["speed_hz"], cond["load"]))
    assert len(cells) == 72 and set(cells.values()) == {1}
    assert len(DRIVETRAIN_CLASSES) == 8 and DRIVETRAIN_CLASSES[0] == "healthy"


def test_balanced_over_grid_and_unshuffled_order():
    _, y, cond = make_drivetrain(n_per_class=18, length=64, shuffle=False, random_state=0)
    assert np.all(np.diff(y) >= 0)  # ordered by class
    for k in range(8):
        cells = collections.Counter(zip(cond["speed_hz"][y == k], cond["load"][y == k]))
        assert len(cells) == 9 and set(cells.values()) == {2}


def test_seeded_determinism():
    a = make_drivetrain(n_per_class=3, length=1024, random_state=42)
    b = make_drivetrain(n_per_class=3, length=1024, random_state=42)
    c = make_drivetrain(n_per_class=3, length=1024, random_state=43)
    for u, v in zip(a[:2], b[:2]):
        np.testing.assert_array_equal(u, v)
    for key in a[2]:
        np.testing.assert_array_equal(a[2][key], b[2][key])
    assert not np.allclose(a[0], c[0])
    d = make_drivetrain(n_per_class=3, length=1024, random_state=np.random.default_rng(42))
    np.testing.assert_array_equal(a[0], d[0])


def test_conditions_match_arguments():
    speeds, loads = (25.0, 35.0), (2.0, 10.0)
    X, y, cond = make_drivetrain(n_per_class=8, speeds=speeds, loads=loads, random_state=3)
    assert set(np.unique(cond["speed_hz"])) == set(speeds)
    assert set(np.unique(cond["load"])) == set(loads)
    # actual mean shaft speed: within the documented +-1.5 % offset (plus slow drift)
    rel = cond["shaft_hz"] / cond["speed_hz"] - 1
    assert np.all(np.abs(rel) < 0.02)
    assert rel.std() > 0.002  # it does vary
    X2, y2 = make_drivetrain(
        n_per_class=8, speeds=speeds, loads=loads, random_state=3, return_conditions=False
    )
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(y, y2)


def test_edge_lengths_and_sampling_rates():
    X, _, _ = make_drivetrain(n_per_class=1, length=1, random_state=0)
    assert X.shape == (8, 1)
    X, _, _ = make_drivetrain(n_per_class=1, length=4096, fs=25600.0, random_state=0)
    assert X.shape == (8, 4096) and np.all(np.isfinite(X))
    # low fs: components above Nyquist are dropped, output stays finite and bounded
    X, _, _ = make_drivetrain(n_per_class=2, fs=4000.0, random_state=0)
    assert np.all(np.isfinite(X)) and np.abs(X).max() < 50


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"n_per_class": 0}, "n_per_class"),
        ({"n_per_class": -3}, "n_per_class"),
        ({"n_per_class": 2.5}, "n_per_class"),
        ({"n_per_class": True}, "n_per_class"),
        ({"length": 0}, "length"),
        ({"fs": 0.0}, "fs"),
        ({"fs": -12800.0}, "fs"),
        ({"fs": float("nan")}, "fs"),
        ({"speeds": ()}, "speeds"),
        ({"speeds": (20.0, 0.0)}, "speeds"),
        ({"loads": []}, "loads"),
        ({"loads": (-1.0,)}, "loads"),
        ({"noise_std": -0.1}, "noise_std"),
        ({"fault_severity": -1.0}, "fault_severity"),
        ({"random_state": "seed"}, "random_state"),
    ],
)
def test_invalid_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        make_drivetrain(**kwargs)


# ---------------------------------------------------------------------------------
# physics


def test_bearing_defect_frequencies_textbook():
    # published orders of the 6205 bearing (CWRU bearing data centre):
    # BPFI 5.4152, BPFO 3.5848, FTF 0.39828, 2 x BSF ("rolling element") 4.7135
    f = bearing_defect_frequencies(1.0)
    assert f["bpfi"] == pytest.approx(5.4152, rel=1e-3)
    assert f["bpfo"] == pytest.approx(3.5848, rel=1e-3)
    assert f["ftf"] == pytest.approx(0.39828, rel=1e-3)
    assert 2 * f["bsf"] == pytest.approx(4.7135, rel=1e-3)
    # general formulas, with a contact angle, vectorised over the shaft speed
    fr = np.array([10.0, 20.0, 40.0])
    n, d, D, phi = 12, 10.0, 50.0, 15.0
    c = d / D * math.cos(math.radians(phi))
    g = bearing_defect_frequencies(fr, n, d, D, phi)
    np.testing.assert_allclose(g["bpfo"], n / 2 * fr * (1 - c))
    np.testing.assert_allclose(g["bpfi"], n / 2 * fr * (1 + c))
    np.testing.assert_allclose(g["ftf"], fr / 2 * (1 - c))
    np.testing.assert_allclose(g["bsf"], D / (2 * d) * fr * (1 - c**2))
    with pytest.raises(ValueError, match="ball_diameter"):
        bearing_defect_frequencies(30.0, ball_diameter=40.0, pitch_diameter=39.0)
    with pytest.raises(ValueError, match="n_balls"):
        bearing_defect_frequencies(30.0, n_balls=0)


def test_mesh_frequency_peak():
    X, y, cond = make_drivetrain(
        n_per_class=4, speeds=(30.0,), loads=(6.0,), noise_std=0.0, random_state=5
    )
    z = DRIVETRAIN_GEOMETRY["gear_teeth"]
    x = X[y == 0].astype(float)
    nfft = 8 * x.shape[1]
    freqs = np.fft.rfftfreq(nfft, 1 / FS)
    spec = np.abs(np.fft.rfft(x * np.hanning(x.shape[1]), nfft, axis=1))
    band = (freqs > 500) & (freqs < 1200)  # contains 21.875x, 29x and 2 x 10.44x orders
    peaks = freqs[band][np.argmax(spec[:, band], axis=1)]
    np.testing.assert_allclose(peaks, z * cond["shaft_hz"][y == 0], rtol=0.01)


def _line_level(spec, freqs, f_line):
    """Per-row maximum of an envelope spectrum within +-2 bins of ``f_line``."""
    idx = np.searchsorted(freqs, f_line)
    return np.array([s[i - 2 : i + 3].max() for s, i in zip(spec, np.atleast_1d(idx))])


@pytest.mark.parametrize(
    ("label", "key", "factor"),
    [
        ("bearing_outer_race", "bpfo", 1.0),
        ("bearing_inner_race", "bpfi", 1.0),
        ("bearing_ball", "bsf", 2.0),  # the defect hits both races once per spin
    ],
)
def test_envelope_spectrum_peaks_at_defect_frequency(label, key, factor):
    X, y, cond = make_drivetrain(n_per_class=6, speeds=(30.0,), loads=(18.0,), random_state=7)
    rows = y == DRIVETRAIN_CLASSES.index(label)
    freqs, spec = _envelope_spectrum(X[rows])
    expected = factor * bearing_defect_frequencies(cond["shaft_hz"][rows])[key]
    # strongest envelope line above 2.5x shaft speed (below: load-zone modulation lines)
    band = (freqs > 75) & (freqs < 600)
    peaks = freqs[band][np.argmax(spec[:, band], axis=1)]
    hits = np.abs(peaks / expected - 1) < 0.04
    assert hits.sum() >= 5, (peaks, expected)  # ball faults are intermittent
    # a healthy gearbox shows no such line
    _, spec_h = _envelope_spectrum(X[y == 0])
    level = np.median(_line_level(spec, freqs, expected))
    level_h = np.median(_line_level(spec_h, freqs, np.full(len(spec_h), expected.mean())))
    assert level > 3 * level_h


def test_fault_severity_scales_signatures():
    levels = []
    for severity in (0.0, 1.0, 2.0):
        X, y, cond = make_drivetrain(
            n_per_class=6, speeds=(30.0,), loads=(6.0,), fault_severity=severity, random_state=2
        )
        rows = y == DRIVETRAIN_CLASSES.index("bearing_outer_race")
        freqs, spec = _envelope_spectrum(X[rows])
        _, spec_h = _envelope_spectrum(X[y == 0])
        bpfo = bearing_defect_frequencies(cond["shaft_hz"][rows])["bpfo"]
        ratio = np.median(_line_level(spec, freqs, bpfo)) / np.median(
            _line_level(spec_h, freqs, np.full(len(spec_h), bpfo.mean()))
        )
        levels.append(ratio)
    assert levels[0] < 2 < levels[1] < levels[2], levels


def test_gear_fault_impulsiveness_ordered():
    # broken and missing teeth add a once-per-revolution impact; missing is the stronger
    X, y, _ = make_drivetrain(n_per_class=45, noise_std=0.0, random_state=11)
    kurt = stats.kurtosis(X.astype(float), axis=1, fisher=False)
    med = [
        np.median(kurt[y == DRIVETRAIN_CLASSES.index(c)])
        for c in ("healthy", "gear_broken_tooth", "gear_missing_tooth")
    ]
    assert med[0] < med[1] < med[2]


# ---------------------------------------------------------------------------------
# difficulty: no trivial statistic, but informative spectra


def test_rms_alone_is_uninformative(dataset):
    X, y, cond = dataset
    log_rms = np.log(np.sqrt((X.astype(float) ** 2).mean(axis=1)))
    cv = StratifiedKFold(5, shuffle=True, random_state=0)
    # chance is 0.125; the random transfer-path gain and the operating conditions
    # dominate the RMS value, even when the classifier knows the speed and load
    tree = DecisionTreeClassifier(max_depth=4, random_state=0)
    acc = cross_val_score(tree, log_rms[:, None], y, cv=cv).mean()
    assert acc < 0.25, acc
    with_conditions = np.c_[log_rms, cond["speed_hz"], cond["load"]]
    tree = DecisionTreeClassifier(max_depth=6, random_state=0)
    acc = cross_val_score(tree, with_conditions, y, cv=cv).mean()
    assert acc < 0.25, acc


def test_spectral_features_are_informative(dataset):
    X, y, _ = dataset
    F = _spectral_features(X)
    cv = StratifiedKFold(5, shuffle=True, random_state=0)
    forest = RandomForestClassifier(n_estimators=100, random_state=0, n_jobs=1)
    acc = cross_val_score(forest, F, y, cv=cv).mean()
    assert acc > 0.80, acc


# ---------------------------------------------------------------------------------
# hygiene


def import_roots(path: Path) -> tuple[set[str], set[str]]:
    """The top-level packages a module imports, and the package modules it imports."""
    roots, relative = set(), set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level:
            relative.add(node.module)
        elif isinstance(node, ast.ImportFrom):
            roots.add(node.module.split(".")[0])
    return roots, relative


def test_module_depends_on_numpy_and_scipy_only():
    allowed = {"__future__", "math", "numbers", "collections", "types", "typing", "numpy"}
    roots, relative = import_roots(Path(_drivetrain.__file__))
    assert roots <= allowed | {"scipy"}, roots
    # From the package, only the NumPy-only checks shared with the other data tools.
    assert relative <= {"_random", "_validation"}, relative
    for module in relative:
        shared_roots, shared_relative = import_roots(
            Path(_drivetrain.__file__).parents[1] / f"{module}.py"
        )
        assert shared_roots <= allowed and not shared_relative, (module, shared_roots)


def test_simulator_modules_depend_on_numpy_and_scipy_only():
    # The synthesis and the public generator live next to _drivetrain and keep its rule.
    allowed = {"__future__", "math", "numbers", "collections", "typing", "numpy", "scipy"}
    package = Path(_drivetrain.__file__).parent
    for name in ("_drivetrain_synthesis", "_make_drivetrain"):
        roots, relative = import_roots(package / f"{name}.py")
        assert roots <= allowed, (name, roots)
        assert relative <= {"_random", "_validation", "_drivetrain", "_drivetrain_synthesis"}


def test_docstring_examples():
    result = doctest.testmod(_drivetrain, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted >= 5
    assert result.failed == 0
