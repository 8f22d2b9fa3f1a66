"""Physically grounded simulator of drivetrain vibration signals with 8 health states.

The data set of Zhao et al. (2019), "Deep Residual Shrinkage Networks for Fault
Diagnosis" (a drivetrain diagnostic simulator: motor, two-stage planetary gearbox,
two-stage fixed-axis gearbox, magnetic brake; one accelerometer; fs = 12.8 kHz;
2048-point observations; speeds 20/30/40 Hz x loads 1/6/18 lbf·ft; 8 health states)
is not public.  :func:`make_drivetrain` generates a stand-in with the same layout from
a simple, documented physical model.  It depends on numpy and scipy only.

Signal model
------------
Every observation is the sum of the components below, evaluated on ``t = n / fs``.
Amplitudes are in arbitrary acceleration units, scaled so that a healthy gearbox at
30 Hz / medium load with unit transfer gain has an RMS of roughly 0.75.

1. **Shaft speed with jitter.**  Each observation gets its nominal speed ``f_nom`` from
   the grid, a random offset ``f0 = f_nom (1 + U(-1.5 %, 1.5 %))`` and a slow
   within-observation fluctuation
   ``f(t) = f0 (1 + b t + a sin(2 pi f_fl t + phi))`` (``|b| <= 5 %/s``,
   ``a`` in [0.2, 0.6] %, ``f_fl`` in [1, 6] Hz).  The shaft angle (in revolutions) is
   the integral of the instantaneous frequency,
   ``rev(t) = rev0 + f0 (t + b t^2 / 2 - a / (2 pi f_fl) (cos(2 pi f_fl t + phi) - cos phi))``,
   with a random initial angle ``rev0``; every tone and impact is placed on this angle,
   so harmonics and defect frequencies follow the speed exactly (order tracking).
2. **Shaft orders.**  Imbalance ``1x`` (force ~ f^2) and misalignment ``2x`` components.
3. **Gear mesh of the monitored gear.**  A gear with ``Z = 29`` teeth on the reference
   shaft meshes at ``f_m = Z f_shaft``; harmonics ``1x, 2x, 3x f_m`` with amplitudes
   ``(1, 0.45, 0.2)`` times a load factor ``0.55 + 0.45 sqrt(load / 18)`` and a speed
   factor ``sqrt(f0 / 30)``, each with +-15 % random amplitude and a random phase, plus a
   weak once-per-revolution eccentricity modulation (0-3 %) present in every class.
4. **Interfering gear stages.**  Other stages appear as tones at fixed, non-integer
   orders of the reference shaft computed from plausible tooth counts: planetary stage 1
   (sun 28 / ring 100: ``28 * 100 / 128 = 21.875``; amplitude-modulated at the planet-pass
   order ``3 * 28 / 128``), planetary stage 2 (sun 20 / ring 70 on the first carrier:
   ``0.21875 * 20 * 70 / 90 = 3.403``) and the second fixed-axis stage (29/100, then 36 teeth:
   ``0.29 * 36 = 10.44``), each with a second harmonic.
5. **Structural resonance.**  Impacts excite two structural modes (3.3 kHz with damping
   ratio 0.05 and 5.2 kHz with 0.04; both +-5 % per observation, damping +-20 %, gain of
   the second mode random) with impulse response
   ``h(t) = sum_i g_i exp(-zeta_i w_i t) sin(w_i sqrt(1 - zeta_i^2) t)``.  Impulse
   trains are laid out on the sample grid (rounded to the nearest sample, with a
   pre-roll so that impacts just before ``t = 0`` still ring into the window) and
   convolved with ``h`` by FFT.  A weak random broadband excitation of the same modes
   is present in every class, so energy in the resonance band alone is not a fault.
6. **Bearing faults** (deep-groove ball bearing on the reference shaft, geometry of a
   6205: ``n = 9`` balls, ``d = 7.94 mm``, ``D = 39.04 mm``, contact angle 0), impacts at
   the textbook defect frequencies (see :func:`bearing_defect_frequencies`)::

       FTF  = f_r / 2 * (1 - d/D cos(phi))
       BPFO = n / 2 * f_r * (1 - d/D cos(phi))
       BPFI = n / 2 * f_r * (1 + d/D cos(phi))
       BSF  = D / (2 d) * f_r * (1 - (d/D cos(phi))^2)

   Inter-impact intervals (in shaft revolutions) get 1-2 % random slip that accumulates
   along the train; impact amplitudes vary +-15 % (log-normal).  Outer race: stationary
   defect in the load zone, constant mean amplitude.  Inner race: amplitude modulated
   once per shaft revolution by the load-zone distribution (Stribeck/Harris
   ``q(psi) = (cos psi)^1.5`` for ``|psi| < 90 deg``, 10 % floor).  Ball: the defect hits
   the outer and the inner race once each per ball spin (impacts at ``2 BSF``,
   alternately strong/weak) and is carried through the load zone at the cage frequency
   FTF.  Impact strength grows with load (same load factor) and with speed
   (impact velocity ~ ``f0 / 30``).
7. **Gear faults** on one tooth of the monitored gear, located at a random angle: a
   window ``w`` (Gaussian in shaft angle, width in tooth pitches, repeating once per
   revolution) modulates the mesh as ``A_k (1 + m_a w) cos(k (2 pi Z rev + m_p w) + phi_k)``
   (amplitude and phase modulation; for harmonic ``k`` the transmission-error phase
   scales with ``k``).  Nominal strengths, multiplied per observation by the severity
   (+-25 %, times ``fault_severity``) and by ``load factor / 0.8`` (a crack opens and
   contact forces grow under load); the amplitude modulation is clipped at -0.95:

   ========================  ======  ======  ===========  ==============================
   fault                     m_a     m_p     width/teeth  extra
   ========================  ======  ======  ===========  ==============================
   root crack                +0.35   0.35    1.2          --
   surface pitting           +0.40   0.12    2.5          mesh-synchronous broadband 0.15
   broken tooth              -0.50   0.50    1.0          impact per revolution, 1.6
   missing tooth             -0.85   0.80    1.0          impact per revolution, 3.0
   ========================  ======  ======  ===========  ==============================

   A broken or missing tooth removes (part of) the mesh force while it passes (negative
   ``m_a``) and the next tooth engages with an impact that excites the structural modes.

   Resulting strength (median share of the fault component in the power of a clean
   default observation; it grows with speed and load): inner race 11 %, outer race
   14 %, ball 9 %, root crack 2 %, pitting 2 %, broken tooth 7 %, missing tooth 17 %.
   Without added noise a random forest on envelope-spectrum and band-energy features
   classifies the 8 states at ~94 % (98 % with 6,400 training observations); the RMS
   value alone gives ~13 % (chance 12.5 %).  With white Gaussian noise added afterwards
   at -5 dB SNR per observation, that forest drops to ~35 % (~72 % with
   ``fault_severity=2``).
8. **Per-observation variability.**  Fault severity +-25 %, resonance frequency +-5 %,
   component amplitudes +-15-20 %, and an overall transfer-path gain drawn
   log-uniformly in ``[1/1.5, 1.5]`` (sensor mounting), so that the RMS value by
   itself says little about the class.
9. **Measurement noise.**  White Gaussian noise with standard deviation ``noise_std``
   is added after the transfer-path gain (sensor/ADC noise); the default 0.05 is about
   23 dB below the signal (typical RMS 0.75): "clean", but not perfect.

Components whose frequency is at or above ``fs / 2`` are omitted (anti-alias filter).
The ``(n, length)`` arrays are computed in float32 (the phase error of the highest mesh
harmonic is about 1e-4 cycles for 2048 points at 40 Hz and grows in proportion to the
length); shaft kinematics and impact times are computed in float64.
The generator is vectorised over observations (chunks of ~2**20 points), so it
produces a few thousand 2048-point observations per second on one CPU core; see
``benchmarks/bench_drivetrain.py``.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from types import MappingProxyType
from typing import Any

import numpy as np
from scipy import fft as sp_fft

from .._random import as_generator
from .._validation import check_positive_int

__all__ = [
    "DRIVETRAIN_CLASSES",
    "DRIVETRAIN_GEOMETRY",
    "bearing_defect_frequencies",
    "make_drivetrain",
]

#: Names of the 8 health states, indexed by the labels ``y`` of :func:`make_drivetrain`.
DRIVETRAIN_CLASSES: tuple[str, ...] = (
    "healthy",
    "bearing_inner_race",
    "bearing_outer_race",
    "bearing_ball",
    "gear_root_crack",
    "gear_surface_pitting",
    "gear_broken_tooth",
    "gear_missing_tooth",
)

#: Fixed kinematic/structural constants of the simulated drivetrain (read-only).
DRIVETRAIN_GEOMETRY = MappingProxyType(
    {
        # monitored gear on the reference shaft: f_mesh = gear_teeth * f_shaft
        "gear_teeth": 29,
        # bearing on the reference shaft (6205 deep-groove ball bearing)
        "n_balls": 9,
        "ball_diameter_mm": 7.94,
        "pitch_diameter_mm": 39.04,
        "contact_angle_deg": 0.0,
        # interfering mesh tones, as orders of the reference shaft: planetary stage 1
        # (sun 28 / ring 100), fixed-axis stage 2 (29/100, then 36 teeth), planetary
        # stage 2 (sun 20 / ring 70 on the first carrier)
        "interfering_mesh_orders": (28 * 100 / 128, 0.29 * 36, 28 / 128 * 20 * 70 / 90),
        # structural modes excited by impacts: nominal frequency (Hz) and damping ratio
        "resonance_hz": (3300.0, 5200.0),
        "damping_ratio": (0.05, 0.04),
    }
)

# ----------------------------------------------------------------------------------
# model constants (see the module docstring)
_Z = DRIVETRAIN_GEOMETRY["gear_teeth"]
_MESH_AMPS = (1.0, 0.45, 0.2)  # 1x, 2x, 3x mesh harmonics
_INTERF_AMPS = (0.45, 0.30, 0.15)  # per interfering stage (fundamental)
_INTERF_H2 = 0.3  # relative amplitude of their second harmonics
_PLANET_PASS_ORDER = 3 * 28 / 128  # 3 planets on the first carrier
_IMBALANCE_AMP = 0.12  # 1x at 30 Hz (force ~ f^2)
_MISALIGN_AMP = 0.05  # 2x
_SPEED_JITTER = 0.015  # +- relative offset of the mean speed
_SLIP_RANGE = (0.01, 0.02)  # std of relative inter-impact interval jitter
_IMPACT_AMP_SIGMA = 0.15  # log-normal spread of single impact amplitudes
_SEVERITY_RANGE = (0.75, 1.25)
_GAIN_RANGE = (1 / 1.5, 1.5)  # log-uniform overall transfer-path gain
_BACKGROUND_EXC = 0.06  # std of the broadband excitation of the structural modes
_KERNEL_SECONDS = 0.0128  # impulse-response length: > 10 decay times of the slowest mode
# bearing impact amplitudes (outer, inner, ball); ball: strong/weak alternate contacts
_BEARING_AMP = {"outer": 2.2, "inner": 3.2, "ball": 3.8}
_BALL_INNER_CONTACT = 0.6
_LOADZONE_EXP = 1.5
_LOADZONE_FLOOR = 0.1
# gear faults: class index -> (m_a, m_p [rad], width in tooth pitches, impact amplitude,
# broadband level relative to the mesh fundamental)
_GEAR_FAULTS = {
    4: (0.35, 0.35, 1.2, 0.0, 0.0),  # root crack
    5: (0.40, 0.12, 2.5, 0.0, 0.15),  # surface pitting
    6: (-0.50, 0.50, 1.0, 1.6, 0.0),  # broken tooth
    7: (-0.85, 0.80, 1.0, 3.0, 0.0),  # missing tooth
}
_CHUNK_ELEMENTS = 2**20  # observations are simulated in chunks of ~2**20 points


def bearing_defect_frequencies(
    shaft_hz: float | np.ndarray,
    n_balls: int = 9,
    ball_diameter: float = 7.94,
    pitch_diameter: float = 39.04,
    contact_angle_deg: float = 0.0,
) -> dict[str, np.ndarray]:
    """Characteristic defect frequencies of a rolling-element bearing.

    Textbook kinematic formulas (stationary outer race, no slip)::

        FTF  = f_r / 2 * (1 - d/D cos(phi))
        BPFO = n / 2 * f_r * (1 - d/D cos(phi))
        BPFI = n / 2 * f_r * (1 + d/D cos(phi))
        BSF  = D / (2 d) * f_r * (1 - (d/D cos(phi))^2)

    Parameters
    ----------
    shaft_hz : float or ndarray
        Shaft rotation frequency ``f_r`` in Hz.
    n_balls : int, default=9
        Number of rolling elements ``n``.
    ball_diameter : float, default=7.94
        Ball diameter ``d`` (any length unit, same as ``pitch_diameter``).
    pitch_diameter : float, default=39.04
        Pitch diameter ``D``.  The defaults are the geometry of a 6205 bearing, which
        is the bearing simulated by :func:`make_drivetrain`.
    contact_angle_deg : float, default=0.0
        Contact angle ``phi`` in degrees.

    Returns
    -------
    freqs : dict of str to ndarray
        Keys ``"ftf"`` (cage), ``"bpfo"`` (outer race), ``"bpfi"`` (inner race) and
        ``"bsf"`` (ball spin), in Hz, with the shape of ``shaft_hz``.

    Raises
    ------
    ValueError
        If the geometry is not physical (``n_balls < 1`` or ``0 < d < D`` violated).

    Examples
    --------
    >>> from sklearn_drsn.datasets import bearing_defect_frequencies
    >>> f = bearing_defect_frequencies(30.0)
    >>> print({k: round(float(v), 1) for k, v in f.items()})
    {'ftf': 11.9, 'bpfo': 107.5, 'bpfi': 162.5, 'bsf': 70.7}
    """
    if n_balls < 1:
        raise ValueError(f"n_balls must be >= 1, got {n_balls}.")
    if not 0 < ball_diameter < pitch_diameter:
        raise ValueError(
            "Need 0 < ball_diameter < pitch_diameter, got "
            f"ball_diameter={ball_diameter}, pitch_diameter={pitch_diameter}."
        )
    fr = np.asarray(shaft_hz, dtype=float)
    ratio = ball_diameter / pitch_diameter * math.cos(math.radians(contact_angle_deg))
    return {
        "ftf": fr / 2 * (1 - ratio),
        "bpfo": n_balls / 2 * fr * (1 - ratio),
        "bpfi": n_balls / 2 * fr * (1 + ratio),
        "bsf": pitch_diameter / (2 * ball_diameter) * fr * (1 - ratio**2),
    }


def _bearing_orders() -> dict[str, float]:
    """Defect frequencies of the simulated bearing as orders of the shaft speed."""
    g = DRIVETRAIN_GEOMETRY
    f = bearing_defect_frequencies(
        1.0, g["n_balls"], g["ball_diameter_mm"], g["pitch_diameter_mm"], g["contact_angle_deg"]
    )
    return {k: float(v) for k, v in f.items()}


# ----------------------------------------------------------------------------------
# argument checking


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


# ----------------------------------------------------------------------------------
# simulation


class _Shaft:
    """Per-observation shaft kinematics; all parameters are column vectors (n, 1)."""

    def __init__(self, rng: np.random.Generator, speed_nom: np.ndarray) -> None:
        n = speed_nom.shape[0]
        col = (n, 1)
        self.f0 = (speed_nom * (1 + rng.uniform(-_SPEED_JITTER, _SPEED_JITTER, n))).reshape(col)
        self.b = rng.uniform(-0.05, 0.05, col)  # linear drift, relative per second
        self.a = rng.uniform(0.002, 0.006, col)  # relative fluctuation depth
        self.w = 2 * np.pi * rng.uniform(1.0, 6.0, col)  # fluctuation angular frequency
        self.phi = rng.uniform(0, 2 * np.pi, col)
        self.rev0 = rng.uniform(0, 1, col)

    def rev(self, t: np.ndarray) -> np.ndarray:
        """Shaft angle in revolutions: the integral of the instantaneous frequency."""
        osc = (np.cos(self.w * t + self.phi) - np.cos(self.phi)) * (self.a / self.w)
        return self.rev0 + self.f0 * (t + 0.5 * self.b * t * t - osc)

    def freq(self, t: np.ndarray) -> np.ndarray:
        """Instantaneous shaft frequency in Hz."""
        return self.f0 * (1 + self.b * t + self.a * np.sin(self.w * t + self.phi))

    def rel_rev32(self, t: np.ndarray) -> np.ndarray:
        """``rev(t) - rev0`` in float32 (fast; phase error < 1e-4 cycles at 2048 points)."""
        f = np.float32
        osc = np.cos(self.w.astype(f) * t + self.phi.astype(f)) - np.cos(self.phi).astype(f)
        osc *= (self.a / self.w).astype(f)
        return self.f0.astype(f) * (t + (0.5 * self.b).astype(f) * t * t - osc)

    def time_at(self, rev: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """Invert ``rev(t)`` (monotonic) for the observations ``rows`` by Newton's method."""
        sub = _Shaft.__new__(_Shaft)
        for name in ("f0", "b", "a", "w", "phi", "rev0"):
            setattr(sub, name, getattr(self, name)[rows])
        t = (rev - sub.rev0) / sub.f0
        for _ in range(3):
            t = t - (sub.rev(t) - rev) / sub.freq(t)
        return t


def _impulse_response(rng: np.random.Generator, n: int, fs: float, n_taps: int) -> np.ndarray:
    """Impulse responses (n, n_taps) of the structural modes, randomised per row."""
    t = np.arange(n_taps) / fs
    h = np.zeros((n, n_taps))
    gains = (np.ones(n), 0.35 * rng.uniform(0.7, 1.3, n))
    for f_nom, zeta_nom, gain in zip(
        DRIVETRAIN_GEOMETRY["resonance_hz"], DRIVETRAIN_GEOMETRY["damping_ratio"], gains
    ):
        fn = f_nom * rng.uniform(0.95, 1.05, (n, 1))
        zeta = zeta_nom * rng.uniform(0.8, 1.2, (n, 1))
        if f_nom * 1.05 >= fs / 2:  # mode above Nyquist: removed by the anti-alias filter
            continue
        wn = 2 * np.pi * fn
        h += gain[:, None] * np.exp(-zeta * wn * t) * np.sin(wn * np.sqrt(1 - zeta**2) * t)
    return h


def _loadzone(angle_rev: np.ndarray) -> np.ndarray:
    """Load distribution around the bearing, Stribeck/Harris ``(cos psi)^1.5`` + floor."""
    c = np.maximum(np.cos(2 * np.pi * angle_rev), 0.0) ** _LOADZONE_EXP
    return _LOADZONE_FLOOR + (1 - _LOADZONE_FLOOR) * c


def _simulate_chunk(
    rng: np.random.Generator,
    labels: np.ndarray,
    speed_nom: np.ndarray,
    load: np.ndarray,
    length: int,
    fs: float,
    noise_std: float,
    fault_severity: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Simulate one chunk of observations; returns (X float32, mean shaft speed).

    The (n, length) arrays are computed in float32 for speed (transcendental functions
    are ~20x faster); shaft kinematics and impact timing stay in float64.
    """
    f32 = np.float32
    n = labels.shape[0]
    nyq = fs / 2
    n_taps = max(1, math.ceil(_KERNEL_SECONDS * fs))
    pre = n_taps  # pre-roll so impacts shortly before t = 0 ring into the window
    t = (np.arange(length) / fs).astype(f32)  # (L,)
    shaft = _Shaft(rng, speed_nom)
    rev = shaft.rel_rev32(t)  # (n, L) shaft angle relative to rev0, in revolutions
    f0 = shaft.f0
    load_f = (0.55 + 0.45 * np.sqrt(load / 18.0)).reshape(n, 1)
    speed_f = np.sqrt(f0 / 30.0)
    severity = fault_severity * rng.uniform(*_SEVERITY_RANGE, (n, 1))
    two_pi = f32(2 * np.pi)

    def cos_order(order: float, phase: np.ndarray) -> np.ndarray:
        # cos(2 pi (order * rev + phase)), phase in cycles, (n, 1) or (n, L)
        return np.cos(two_pi * (f32(order) * rev + phase.astype(f32)))

    def tone(order: float, amp: np.ndarray, phase: np.ndarray | None = None) -> np.ndarray:
        # one shaft-order tone with a random phase; omitted above Nyquist (anti-alias)
        amp = (amp * (order * f0 * 1.05 < nyq)).astype(f32)
        ph = rng.uniform(0, 1, (n, 1)).astype(f32)
        if phase is not None:
            ph = ph + phase
        return amp * cos_order(order, ph)

    # --- 2. shaft orders ---------------------------------------------------------
    x = tone(1.0, _IMBALANCE_AMP * (f0 / 30.0) ** 2 * rng.uniform(0.7, 1.3, (n, 1)))
    x += tone(2.0, _MISALIGN_AMP * load_f * rng.uniform(0.7, 1.3, (n, 1)))

    # --- 4. interfering stages ---------------------------------------------------
    pp_depth = rng.uniform(0.1, 0.3, (n, 1)).astype(f32)
    pp_phase = rng.uniform(0, 1, (n, 1))
    for i, (order, amp) in enumerate(
        zip(DRIVETRAIN_GEOMETRY["interfering_mesh_orders"], _INTERF_AMPS)
    ):
        a1 = amp * load_f * speed_f * rng.uniform(0.8, 1.2, (n, 1))
        stage = tone(order, a1)
        stage += tone(2 * order, _INTERF_H2 * a1)
        if i == 0:  # planetary stage: planet-pass amplitude modulation
            stage *= 1 + pp_depth * cos_order(_PLANET_PASS_ORDER, pp_phase)
        x += stage

    # --- 3. + 7. monitored gear mesh, with tooth-fault modulation -----------------
    ecc = rng.uniform(0.0, 0.03, (n, 1)).astype(f32)
    am = ecc * cos_order(1.0, rng.uniform(0, 1, (n, 1)))  # (n, L) amplitude modulation
    pm = None  # phase modulation, in cycles of the mesh fundamental
    fault_angle = rng.uniform(0, 1, (n, 1))  # absolute shaft angle of the faulty tooth
    mesh_amp = load_f * speed_f  # (n, 1)
    gear_impact_amp = np.zeros(n)
    g = np.flatnonzero(np.isin(labels, list(_GEAR_FAULTS)))
    if g.size:
        params = np.zeros((n, 5))
        for cls, values in _GEAR_FAULTS.items():
            params[labels == cls] = values
        m_a, m_p, width, imp, bb = (params[:, [j]] for j in range(5))
        # fault strength grows with severity and with load (crack opening, contact force)
        strength = severity * load_f / 0.8
        offset = (shaft.rev0 - fault_angle)[g].astype(f32) + f32(0.5)
        u = rev[g] + offset
        u -= np.floor(u) + f32(0.5)  # shaft angle from the faulty tooth, in [-0.5, 0.5)
        u *= (_Z / width[g]).astype(f32)  # ... in tooth pitches per window width
        win = np.exp(f32(-0.5) * u * u)  # Gaussian window, once per revolution
        am[g] += np.clip(m_a[g] * strength[g], -0.95, None).astype(f32) * win
        pm = np.zeros((n, length), dtype=f32)
        pm[g] = (m_p[g] * strength[g] / (2 * np.pi)).astype(f32) * win
        bb_rows = np.flatnonzero(bb[g, 0] > 0)
        if bb_rows.size:  # pitting: mesh-synchronous broadband (random contact roughness)
            r = g[bb_rows]
            level = (bb[r] * strength[r] * mesh_amp[r]).astype(f32)
            x[r] += level * win[bb_rows] * rng.standard_normal((r.size, length), dtype=f32)
        gear_impact_amp = imp[:, 0] * severity[:, 0] * load_f[:, 0] / 0.8
    mesh = np.zeros((n, length), dtype=f32)
    for k, base in enumerate(_MESH_AMPS, start=1):
        ak = base * mesh_amp * rng.uniform(0.85, 1.15, (n, 1))
        mesh += tone(k * _Z, ak, None if pm is None else k * pm)
    am += f32(1)
    mesh *= am
    x += mesh

    # --- 5. + 6. impacts through the structural resonance --------------------------
    n_ext = pre + length
    exc = (_BACKGROUND_EXC * load_f * speed_f * rng.uniform(0.7, 1.3, (n, 1))).astype(f32)
    exc = exc * rng.standard_normal((n, n_ext), dtype=f32)
    t_start, t_end = np.array([-pre / fs]), np.array([(length - 1) / fs])
    rev_start = shaft.rev(t_start)  # (n, 1) absolute angle at the start of the pre-roll
    span = float(np.max(shaft.rev(t_end) - rev_start)) + 1e-9
    orders = _bearing_orders()
    impacts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []  # (rows, times, amps)

    bearing_cfg = {
        1: ("inner", orders["bpfi"]),
        2: ("outer", orders["bpfo"]),
        3: ("ball", 2 * orders["bsf"]),
    }
    for cls, (kind, order) in bearing_cfg.items():
        rows = np.flatnonzero(labels == cls)
        if rows.size == 0:
            continue
        m = rows.size
        n_imp = math.ceil(span * order * 1.1) + 3
        slip = rng.uniform(*_SLIP_RANGE, (m, 1))
        step = (1.0 / order) * (1 + slip * rng.standard_normal((m, n_imp)))
        start = rev_start[rows] - rng.uniform(0, 1.0 / order, (m, 1))
        imp_rev = start + np.cumsum(step, axis=1)  # impact positions in shaft revolutions
        amp = (
            _BEARING_AMP[kind]
            * severity[rows]
            * load_f[rows]
            * (f0[rows] / 30.0)
            * rng.lognormal(0.0, _IMPACT_AMP_SIGMA, (m, n_imp))
        )
        zone = rng.uniform(0, 1, (m, 1))  # angle of the load zone / defect, in revs
        if kind == "inner":  # defect rotates with the shaft through the load zone
            amp *= _loadzone(imp_rev - zone)
        elif kind == "ball":  # ball carried by the cage; alternate outer/inner contact
            amp *= _loadzone(orders["ftf"] * imp_rev - zone)
            amp[:, 1::2] *= _BALL_INNER_CONTACT
        impacts.append((rows, shaft.time_at(imp_rev, rows), amp))

    rows = np.flatnonzero(gear_impact_amp > 0)
    if rows.size:  # broken / missing tooth: one impact per revolution at the fault angle
        first = np.floor(rev_start[rows] - fault_angle[rows])
        imp_rev = first + fault_angle[rows] + np.arange(math.ceil(span) + 2)
        amp = gear_impact_amp[rows, None] * np.sqrt(f0[rows] / 30.0)
        amp = amp * rng.lognormal(0.0, _IMPACT_AMP_SIGMA, imp_rev.shape)
        impacts.append((rows, shaft.time_at(imp_rev, rows), amp))

    for rows, times, amp in impacts:
        idx = np.rint(times * fs).astype(np.int64) + pre
        ok = (idx >= 0) & (idx < n_ext)
        flat = (rows[:, None] * n_ext + idx)[ok]
        exc += np.bincount(flat, weights=amp[ok], minlength=n * n_ext).reshape(n, n_ext)

    h = _impulse_response(rng, n, fs, n_taps).astype(f32)
    nfft = sp_fft.next_fast_len(n_ext + n_taps - 1, real=True)
    spec = sp_fft.rfft(exc, nfft, axis=1)
    spec *= sp_fft.rfft(h, nfft, axis=1)
    x += sp_fft.irfft(spec, nfft, axis=1)[:, pre:n_ext]

    # --- 8. + 9. transfer-path gain and measurement noise -------------------------
    gain = np.exp(rng.uniform(np.log(_GAIN_RANGE[0]), np.log(_GAIN_RANGE[1]), (n, 1)))
    x *= gain.astype(f32)
    if noise_std > 0:
        x += f32(noise_std) * rng.standard_normal((n, length), dtype=f32)
    mean_speed = (shaft.rev(np.array([length / fs])) - shaft.rev0)[:, 0] / (length / fs)
    return x, mean_speed


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
        X[sl], shaft_hz[sl] = _simulate_chunk(
            rng, y[sl], speed[sl], load[sl], length, fs, float(noise_std), float(fault_severity)
        )
    if not return_conditions:
        return X, y
    return X, y, {"speed_hz": speed, "load": load, "shaft_hz": shaft_hz}
