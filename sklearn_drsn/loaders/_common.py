"""Helpers shared by the loaders: file checks and windowing with file-named errors."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np

from ..windows import sliding_windows


def files_and_labels(files, labels, what: str) -> tuple[list, list | None]:
    """The paths and their labels from ``{path: label}``, or paths plus ``labels``.

    ``labels=None`` with a sequence of paths gives ``None`` labels; ``what``
    names the files in messages (e.g. ``"CWRU .mat file"``).
    """
    if isinstance(files, (str, Path)):
        files = [files]
    if isinstance(files, Mapping):
        if not files:
            raise ValueError(f"files is empty; pass at least one {what}.")
        if labels is not None:
            raise ValueError(
                "files is a mapping of path to label, so labels must be None; "
                "pass either {path: label} or a list of paths and labels=[...]."
            )
        return list(files), list(files.values())
    paths = list(files)
    if not paths:
        raise ValueError(f"files is empty; pass at least one {what}.")
    if labels is None:
        return paths, None
    if isinstance(labels, str) or np.ndim(labels) != 1 or len(labels) != len(paths):
        raise ValueError(
            f"labels must be a sequence with one label per file: got {len(paths)} files "
            f"and labels={labels!r}."
        )
    return paths, list(labels)


def existing_file(path, suffixes: tuple[str, ...], reader: str) -> Path:
    """``path`` as a :class:`~pathlib.Path`, or a clear error if ``reader`` cannot read it."""
    path = Path(path)
    if path.is_dir():
        raise FileNotFoundError(
            f"{path}: is a folder, not a file; pass the path of one {'/'.join(suffixes)} file "
            f"to {reader} (for a folder, e.g. sorted(Path(folder).glob('*{suffixes[0]}')))"
        )
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such file; check the path passed to {reader}")
    if path.suffix.lower() not in suffixes:
        raise ValueError(
            f"{path}: {reader} reads {', '.join(suffixes)} files, "
            f"not {path.suffix or 'files without a suffix'!r}"
        )
    return path


def window(
    recording: np.ndarray,
    *,
    window: int,
    step: int | None,
    labels,
    mixed: str,
    source: str,
    hint: str = "",
) -> tuple[np.ndarray, np.ndarray | None]:
    """Float32 :func:`~sklearn_drsn.windows.sliding_windows`; errors start with ``source``."""
    try:
        windows, window_labels = sliding_windows(
            recording, window, step=step, labels=labels, mixed=mixed
        )
    except ValueError as exc:
        message = f"{source}: {exc}"
        if "longer than the recording" in str(exc):
            message += " Use a shorter window" + (f"; {hint}" if hint else ".")
        raise ValueError(message) from None
    if len(windows) == 0:
        raise ValueError(
            f"{source}: every window spans more than one label, so mixed='drop' left none; "
            "use a shorter window or mixed='majority'."
        )
    return windows.astype(np.float32), window_labels
