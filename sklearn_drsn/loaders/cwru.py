"""Load the Case Western Reserve University (CWRU) bearing data from its ``.mat`` files.

Each file of the CWRU Bearing Data Center (e.g. ``97.mat`` for the normal
baseline at 0 hp, ``105.mat`` for a 0.007" inner-race fault) holds one
recording, as MATLAB variables named after a number, usually the file's::

    X097_DE_time   drive-end accelerometer, shape (n, 1)
    X097_FE_time   fan-end accelerometer
    X097_BA_time   base accelerometer (missing from some files)
    X097RPM        motor speed during the recording (missing from some files)

A few files hold two recordings (two numbers); the one matching the file
name is read unless ``recording`` says otherwise.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np

from ..windows import check_window_args
from ._common import existing_file, files_and_labels
from ._common import window as _window

__all__ = ["CWRU_SENSORS", "load_cwru"]

#: The accelerometer positions of the CWRU files: drive end, fan end, base.
CWRU_SENSORS = ("DE", "FE", "BA")

_SIGNAL = re.compile(r"^X(\d+)_(DE|FE|BA)_time$")
_RPM = re.compile(r"^X(\d+)RPM$")


def load_cwru(
    files: str | Path | Sequence[str | Path] | Mapping[str | Path, object],
    *,
    sensor: str | Sequence[str] = "DE",
    window: int = 2048,
    step: int | None = None,
    labels: Sequence | None = None,
    return_rpm: bool = False,
    recording: int | str | Mapping[str | Path, int | str] | None = None,
) -> tuple[np.ndarray, np.ndarray] | tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Load CWRU bearing recordings and cut them into labelled windows.

    Parameters
    ----------
    files : path, sequence of paths or mapping of path to label
        The ``.mat`` files, e.g. ``{"97.mat": "normal", "105.mat": "inner"}``.
        Windows come out in the order of ``files``.
    sensor : {"DE", "FE", "BA"} or sequence of them, default="DE"
        The accelerometer: drive end, fan end or base (case-insensitive).
        Several, e.g. ``("DE", "FE")``, give multichannel windows.
    window : int, default=2048
        Window length in samples (2048 is 0.17 s at the 12 kHz of most
        files).
    step : int or None, default=None
        Hop between window starts; ``None`` means ``window`` (no overlap).
        A recording of ``length`` samples gives
        ``1 + (length - window) // step`` windows; the tail is dropped.
    labels : sequence or None, default=None
        One label per file when ``files`` is a sequence. ``None`` labels
        each file's windows with the file name without suffix (``"97"``).
        Not allowed when ``files`` is a mapping, which already holds them.
    return_rpm : bool, default=False
        Also return the motor speed of each window's recording (the
        ``X...RPM`` variable), ``nan`` where a file does not have one.
    recording : int, str, mapping of path to those, or None, default=None
        For files holding more than one recording: its number (``98``,
        ``"098"`` or ``"X098"``), for all files or per file. ``None`` picks
        a file's only recording, or the one whose number appears in the
        file name (``99.mat`` -> ``X099``).

    Returns
    -------
    X : ndarray of shape (n_windows, window) or (n_windows, channels, window)
        ``float32``; 3-D when ``sensor`` is a sequence.
    y : ndarray of shape (n_windows,)
        The label of each window's file.
    rpm : ndarray of shape (n_windows,)
        Only with ``return_rpm=True``: ``float64`` motor speeds.

    Raises
    ------
    FileNotFoundError
        If a file does not exist.
    ValueError
        If a file is not a readable ``.mat`` file (MATLAB v7.3 files need
        re-saving), has no variable for the sensor (the message lists
        those it has), holds several recordings and none is chosen, or is
        shorter than ``window``.

    Examples
    --------
    Two tiny stand-ins for CWRU files (real ones hold about 120,000
    samples per sensor):

    >>> import os, tempfile
    >>> import numpy as np
    >>> from scipy.io import savemat
    >>> from sklearn_drsn.loaders import load_cwru
    >>> folder = tempfile.mkdtemp()
    >>> rng = np.random.default_rng(0)
    >>> savemat(os.path.join(folder, "97.mat"), {
    ...     "X097_DE_time": rng.normal(size=(5000, 1)),
    ...     "X097_FE_time": rng.normal(size=(5000, 1)),
    ...     "X097RPM": np.array([[1796]]),
    ... })
    >>> savemat(os.path.join(folder, "105.mat"), {
    ...     "X105_DE_time": rng.normal(size=(3000, 1)),
    ...     "X105_FE_time": rng.normal(size=(3000, 1)),
    ... })
    >>> files = {os.path.join(folder, "97.mat"): "normal",
    ...          os.path.join(folder, "105.mat"): "inner_race"}
    >>> X, y, rpm = load_cwru(files, window=1024, return_rpm=True)
    >>> X.shape, X.dtype
    ((6, 1024), dtype('float32'))
    >>> y.tolist()
    ['normal', 'normal', 'normal', 'normal', 'inner_race', 'inner_race']
    >>> rpm.tolist()
    [1796.0, 1796.0, 1796.0, 1796.0, nan, nan]
    >>> load_cwru(files, sensor=("DE", "FE"), window=1024)[0].shape
    (6, 2, 1024)
    """
    check_window_args(window, step, "majority")
    sensors = _sensors(sensor)
    paths, file_labels = files_and_labels(files, labels, "CWRU .mat file")
    if file_labels is None:
        file_labels = [Path(p).stem for p in paths]

    per_file = (
        {Path(k): v for k, v in recording.items()} if isinstance(recording, Mapping) else None
    )

    X_parts, rpms, counts = [], [], []
    for name in paths:
        path = existing_file(name, (".mat",), "load_cwru")
        chosen = recording if per_file is None else per_file.get(Path(name))
        signals, rpm = _read(path, sensors, chosen)
        windows, _ = _window(
            signals[0] if isinstance(sensor, str) else signals,
            window=window, step=step, labels=None, mixed="majority", source=str(path),
        )  # fmt: skip
        X_parts.append(windows)
        rpms.append(rpm)
        counts.append(len(windows))
    X = np.concatenate(X_parts)
    y = np.repeat(np.asarray(file_labels), counts)
    if return_rpm:
        return X, y, np.repeat(np.asarray(rpms, dtype=np.float64), counts)
    return X, y


def _sensors(sensor) -> list[str]:
    names = [sensor] if isinstance(sensor, str) else list(sensor)
    if not names or not all(isinstance(s, str) and s.upper() in CWRU_SENSORS for s in names):
        raise ValueError(
            f"sensor must be one of {CWRU_SENSORS} or a sequence of them, got {sensor!r}."
        )
    return [s.upper() for s in names]


def _read(path: Path, sensors: list[str], chosen) -> tuple[np.ndarray, float]:
    """The ``(channels, length)`` signals of the chosen recording, and its RPM."""
    from scipy.io import loadmat
    from scipy.io.matlab import MatReadError

    try:
        data = loadmat(path)
    except NotImplementedError:
        raise ValueError(
            f"{path}: a MATLAB v7.3 (HDF5) file, which scipy cannot read; re-save it "
            "in MATLAB with save(name, '-v7')."
        ) from None
    except (MatReadError, ValueError, TypeError, OSError, IndexError, KeyError, EOFError) as exc:
        # scipy reports garbage in many ways (IndexError for a short text file).
        raise ValueError(f"{path}: not a readable MATLAB .mat file ({exc}).") from None
    keys = sorted(k for k in data if not k.startswith("__"))

    found: dict[str, set[str]] = {}
    for k in keys:
        match = _SIGNAL.match(k)
        if match:
            found.setdefault(match.group(1), set()).add(match.group(2))
    if not found:
        raise ValueError(
            f"{path}: no CWRU signal in this file (variables named like 'X097_DE_time'); "
            f"it holds {keys}. For other .mat files, use scipy.io.loadmat."
        )
    number = _choose(path, sorted(found), chosen)
    missing = [s for s in sensors if s not in found[number]]
    if missing:
        raise ValueError(
            f"{path}: no {missing[0]} sensor (no variable 'X{number}_{missing[0]}_time'); "
            f"the file holds {keys}; choose sensor= among {sorted(found[number])}."
        )
    signals = [np.ravel(data[f"X{number}_{s}_time"]) for s in sensors]
    if len({len(s) for s in signals}) > 1:
        raise ValueError(
            f"{path}: the sensors {sensors} have different lengths "
            f"{[len(s) for s in signals]}; load them one at a time."
        )
    rpm_value = data.get(f"X{number}RPM")
    rpm = float(np.ravel(rpm_value)[0]) if rpm_value is not None and np.size(rpm_value) else np.nan
    return np.stack(signals), rpm


def _choose(path: Path, numbers: list[str], chosen) -> str:
    """The recording number (as written in the keys, e.g. ``"097"``) to read."""
    if chosen is not None:
        text = str(chosen).upper().removeprefix("X")
        matches = [n for n in numbers if text.isdigit() and int(n) == int(text)]
        if not matches:
            raise ValueError(
                f"{path}: no recording {chosen!r}; the file holds "
                f"{', '.join('X' + n for n in numbers)}."
            )
        return matches[0]
    if len(numbers) == 1:
        return numbers[0]
    in_name = {int(n) for n in re.findall(r"\d+", path.stem)}
    matches = [n for n in numbers if int(n) in in_name]
    if len(matches) == 1:
        return matches[0]
    raise ValueError(
        f"{path}: holds {len(numbers)} recordings ({', '.join('X' + n for n in numbers)}) "
        "and the file name does not say which one to read; pass recording=... "
        "(e.g. recording={" + repr(str(path)) + f": {int(numbers[0])}}})."
    )
