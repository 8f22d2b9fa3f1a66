"""The public drivetrain generator: argument checks, operating-condition grid and chunking."""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np

from .._random import as_generator
from .._validation import check_positive_int
from ._drivetrain import DRIVETRAIN_CLASSES
from ._drivetrain_synthesis import simulate_chunk

__all__ = ["make_drivetrain"]

_CHUNK_ELEMENTS = 2**20  # observations are simulated in chunks of ~2**20 points


def _check_values(values: Any, name: str, *, strictly_positive: bool) -> np.ndarray:
    arr = np.atleast_1d(np.asarray(values, dtype=float))
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-D sequence of numbers, got {values!r}.")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must contain finite numbers, got {values!r}.")
    if strictly_positive and np.any(arr <= 0):
        raise ValueError(f"{name} must all be > 0, got {values!r}.")
    if not strictly_positive and np.any(arr < 0):
        raise ValueError(f"{name} must all be >= 0, got {values!r}.")
    return arr


def make_drivetrain(
    n_per_class: int = 100,
    *,
    length: int = 2048,
    fs: float = 12800.0,
    speeds: Sequence[float] = (20.0, 30.0, 40.0),
    loads: Sequence[float] = (1.0, 6.0, 18.0),
    noise_std: float = 0.05,
    fault_severity: float = 1.0,
    shuffle: bool = True,
    return_conditions: bool = True,
    random_state: int | np.random.Generator | np.random.RandomState | None = None,
) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]] | tuple[np.ndarray, np.ndarray]:
    """Generate simulated drivetrain vibration signals for 8 health states.

    A stand-in for the (non-public) data set of Zhao et al. (2019): one accelerometer on
    a drivetrain with a monitored gear (29 teeth) and a 6205 ball bearing on the
    reference shaft, run at several speeds and loads.  See the module docstring of
    ``sklearn_drsn.datasets._drivetrain`` for the physical model.  The labels index
    :data:`DRIVETRAIN_CLASSES`.

    Observations are balanced per class and spread evenly over the ``speeds`` x
    ``loads`` grid: observation ``i`` of each class gets grid cell ``i mod n_cells``
    (speed-major order), so every cell gets the same count when ``n_per_class`` is a
    multiple of ``len(speeds) * len(loads)`` (e.g. 400 per cell as in the paper with
    ``n_per_class=3600``).

    Parameters
    ----------
    n_per_class : int, default=100
        Number of observations per health state.
    length : int, default=2048
        Number of points per observation (2048 = 0.16 s at 12.8 kHz as in the paper).
    fs : float, default=12800.0
        Sampling frequency in Hz.  Components at or above ``fs / 2`` are omitted, so
        at least ~11 kHz is needed to keep the upper structural mode (5.2 kHz).
    speeds : sequence of float, default=(20.0, 30.0, 40.0)
        Nominal rotation frequencies of the reference shaft in Hz (each observation
        deviates by up to +-1.5 % and fluctuates slowly within the observation).
    loads : sequence of float, default=(1.0, 6.0, 18.0)
        Load levels (lbf·ft in the paper).  Mesh amplitudes and fault strengths scale
        with ``0.55 + 0.45 * sqrt(load / 18)``.
    noise_std : float, default=0.05
        Standard deviation of the white Gaussian measurement noise (a typical signal
        RMS is about 0.75).  Use 0 for noise-free signals.  Heavier noise at a given
        SNR is meant to be added afterwards by the caller.
    fault_severity : float, default=1.0
        Global multiplier of all fault strengths (bearing impact amplitudes, gear
        modulation depths and tooth impacts), on top of the random +-25 % severity of
        each observation.  Values above 1 make the problem easier, below 1 harder;
        0 makes every class look healthy.
    shuffle : bool, default=True
        Shuffle the observations.  If False they are ordered by class and, within a
        class, cycle through the grid cells.
    return_conditions : bool, default=True
        Also return the operating conditions of every observation.
    random_state : int, numpy.random.Generator, numpy.random.RandomState or None, \
default=None
        Source of randomness: an int is a seed (the same int, the same
        signals); ``None`` draws fresh entropy on every call; a ``Generator``
        is used as it is and advanced; a ``RandomState`` gives one seed,
        ``randint(2**31 - 1)``, and is advanced (as in
        :func:`~sklearn_drsn.noise.add_noise`).

    Returns
    -------
    X : ndarray of shape (8 * n_per_class, length), dtype float32
        Vibration signals.  float32 halves the memory of large sets (the paper-size
        set of 28,800 observations is 236 MB).  The signals are computed in float32;
        shaft kinematics and impact times in float64.
    y : ndarray of shape (8 * n_per_class,), dtype int64
        Class labels in ``0..7`` (indices into :data:`DRIVETRAIN_CLASSES`).
    conditions : dict of str to ndarray of shape (8 * n_per_class,)
        Only if ``return_conditions``.  ``"speed_hz"``: nominal speed (grid value);
        ``"load"``: load level; ``"shaft_hz"``: the actual mean shaft frequency of the
        observation (after the random offset and fluctuation), useful to compute the
        exact mesh and bearing defect frequencies.

    Raises
    ------
    ValueError
        If ``n_per_class`` or ``length`` is not an integer >= 1, ``fs`` is not
        positive, ``speeds`` or ``loads`` is empty or invalid, or ``noise_std`` or
        ``fault_severity`` is negative.

    Examples
    --------
    >>> from sklearn_drsn.datasets import DRIVETRAIN_CLASSES, make_drivetrain
    >>> X, y, cond = make_drivetrain(n_per_class=9, random_state=0)
    >>> X.shape, X.dtype, y.shape
    ((72, 2048), dtype('float32'), (72,))
    >>> import numpy as np
    >>> np.bincount(y).tolist()
    [9, 9, 9, 9, 9, 9, 9, 9]
    >>> sorted(cond)
    ['load', 'shaft_hz', 'speed_hz']
    >>> DRIVETRAIN_CLASSES[y[0]] in DRIVETRAIN_CLASSES
    True
    """
    n_per_class = check_positive_int(n_per_class, "n_per_class")
    length = check_positive_int(length, "length")
    if isinstance(fs, bool) or not isinstance(fs, numbers.Real):
        raise ValueError(f"fs must be a positive number, got {fs!r}.")
    if not (math.isfinite(fs) and fs > 0):
        raise ValueError(f"fs must be a positive finite number, got {fs!r}.")
    fs = float(fs)
    speeds_arr = _check_values(speeds, "speeds", strictly_positive=True)
    loads_arr = _check_values(loads, "loads", strictly_positive=False)
    if isinstance(noise_std, bool) or not isinstance(noise_std, numbers.Real):
        raise ValueError(f"noise_std must be a number >= 0, got {noise_std!r}.")
    if not (math.isfinite(noise_std) and noise_std >= 0):
        raise ValueError(f"noise_std must be a finite number >= 0, got {noise_std!r}.")
    if isinstance(fault_severity, bool) or not isinstance(fault_severity, numbers.Real):
        raise ValueError(f"fault_severity must be a number >= 0, got {fault_severity!r}.")
    if not (math.isfinite(fault_severity) and fault_severity >= 0):
        raise ValueError(f"fault_severity must be a finite number >= 0, got {fault_severity!r}.")
    rng = as_generator(random_state)

    n_classes = len(DRIVETRAIN_CLASSES)
    cell_speed = np.repeat(speeds_arr, loads_arr.size)
    cell_load = np.tile(loads_arr, speeds_arr.size)
    cell = np.arange(n_per_class) % cell_speed.size
    y = np.repeat(np.arange(n_classes, dtype=np.int64), n_per_class)
    speed = np.tile(cell_speed[cell], n_classes)
    load = np.tile(cell_load[cell], n_classes)
    if shuffle:
        order = rng.permutation(y.size)
        y, speed, load = y[order], speed[order], load[order]

    X = np.empty((y.size, length), dtype=np.float32)
    shaft_hz = np.empty(y.size)
    chunk = max(1, _CHUNK_ELEMENTS // length)
    for lo in range(0, y.size, chunk):
        sl = slice(lo, lo + chunk)
        X[sl], shaft_hz[sl] = simulate_chunk(
            rng, y[sl], speed[sl], load[sl], length, fs, float(noise_std), float(fault_severity)
        )
    if not return_conditions:
        return X, y
    return X, y, {"speed_hz": speed, "load": load, "shaft_hz": shaft_hz}
