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

   The strengths are set so that every fault shows in the envelope spectrum and band
   energies of a clean observation, while noise added at a low SNR makes the states hard
   to tell apart; the share of a fault in the signal power grows with speed and load.
8. **Per-observation variability.**  Fault severity +-25 %, resonance frequency +-5 %,
   component amplitudes +-15-20 %, and an overall transfer-path gain drawn
   log-uniformly in ``[1/1.5, 1.5]`` (sensor mounting), so that the RMS value by
   itself says little about the class.
9. **Measurement noise.**  White Gaussian noise with standard deviation ``noise_std``
   is added after the transfer-path gain (sensor/ADC noise); the default 0.05 is about
   23 dB below the signal (typical RMS 0.75): "clean", but not perfect.

Components whose frequency is at or above ``fs / 2`` are omitted (anti-alias filter).
The ``(n, length)`` arrays are computed in float32 for speed (their phase error grows in
proportion to the observation length); shaft kinematics and impact times are computed in
float64.  The generator is vectorised over observations, in chunks of about 2**20 points;
``benchmarks/bench_drivetrain.py`` measures its throughput.
"""

from __future__ import annotations

import math
from types import MappingProxyType

import numpy as np

__all__ = [
    "DRIVETRAIN_CLASSES",
    "DRIVETRAIN_GEOMETRY",
    "bearing_defect_frequencies",
]

# The model above is synthesised in _drivetrain_synthesis and run by make_drivetrain in
# _make_drivetrain; this module holds what users see of it and depends on NumPy only.

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

    An array of shaft speeds, such as the ``"shaft_hz"`` conditions returned by
    :func:`make_drivetrain`, gives arrays of the same shape:

    >>> import numpy as np
    >>> bearing_defect_frequencies(np.array([20.0, 40.0]))["bpfo"].round(1).tolist()
    [71.7, 143.4]
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
