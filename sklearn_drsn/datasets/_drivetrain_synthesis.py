"""Signal synthesis of the drivetrain simulator: one chunk of observations at a time.

The signal model and its numbered components are described in the docstring of
``sklearn_drsn.datasets._drivetrain``; the section comments below follow its numbering.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import fft as sp_fft

from ._drivetrain import DRIVETRAIN_GEOMETRY, bearing_defect_frequencies

# Model constants, named after the components of the signal model.
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


def _bearing_orders() -> dict[str, float]:
    """Defect frequencies of the simulated bearing as orders of the shaft speed."""
    g = DRIVETRAIN_GEOMETRY
    f = bearing_defect_frequencies(
        1.0, g["n_balls"], g["ball_diameter_mm"], g["pitch_diameter_mm"], g["contact_angle_deg"]
    )
    return {k: float(v) for k, v in f.items()}


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
        """``rev(t) - rev0`` in float32, for speed on the ``(n, length)`` arrays."""
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


def simulate_chunk(
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

    ``labels``, ``speed_nom`` and ``load`` give the class index, nominal shaft speed and
    load of each observation; ``rng`` is advanced.  The (n, length) arrays are computed
    in float32, where NumPy's transcendental functions are much faster; shaft kinematics
    and impact timing stay in float64.
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
