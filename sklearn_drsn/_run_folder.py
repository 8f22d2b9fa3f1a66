"""The main job's output folder: results saved fit by fit, and runs that resume.

A comparison can run for hours (the ``paper`` preset: 1,320 deep fits). Its
``results.csv`` grows by one row as each fit ends, and ``run.json`` beside it
records what decides those results: the data (a SHA-256 of the arrays), the
folds, the seed, the input handling and the deep models' hyper-parameters.
``--resume`` checks that record against the new command and runs only the
fits that are missing. Models, noise kinds and SNRs may differ between the
runs: each fit depends only on the record and on its own condition, model and
fold, so a run can also be extended by more of them.

One run at a time writes to a folder: from its first write to its end a run
holds ``run.lock`` there (an OS file lock, through ``filelock``, which the OS
releases when the process dies, so a killed run leaves no stale lock), and a
second run on the same folder is refused before it changes anything, so
that it can neither move nor rewrite the results of the run in progress.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from dataclasses import asdict
from pathlib import Path

import numpy as np
from filelock import FileLock, Timeout

from ._version import __version__
from .results import CSV_COLUMNS, FoldResult, append_row, read_csv, read_rows, write_csv

RESULTS = "results.csv"
PREVIOUS = "results.previous.csv"
RECORD = "run.json"
LOCK = "run.lock"


def data_fingerprint(X: np.ndarray, y: np.ndarray) -> str:
    """SHA-256 of the signals (with their dtype and shape) and the labels."""
    h = hashlib.sha256()
    X = np.ascontiguousarray(X)
    h.update(f"{X.dtype.str}{X.shape}".encode())
    h.update(memoryview(X).cast("B"))  # no copy of a large X
    h.update("\0".join(map(str, np.asarray(y).tolist())).encode())
    return h.hexdigest()


class RunFolder:
    """``results.csv`` and ``run.json`` in ``out`` for a run with this ``protocol``.

    Parameters
    ----------
    out : Path
        The output folder (created if missing).
    protocol : dict
        JSON-serialisable values that decide every fit's result.
    """

    def __init__(self, out: Path, protocol: dict) -> None:
        self.out = Path(out)
        # Through JSON and back, so that it compares equal to the stored one.
        self.protocol = json.loads(json.dumps(protocol))
        self.csv = self.out / RESULTS
        self.record = self.out / RECORD
        self.appended = 0
        self._lock: FileLock | None = None

    def __enter__(self) -> RunFolder:
        return self

    def __exit__(self, *exc_info) -> None:
        self.release()

    def load(self) -> list[FoldResult]:
        """The results of the run in ``out``, after checking it had the same protocol.

        Writes nothing (:meth:`begin` does), so a run refused here, or one
        that fails before its first fit, leaves the folder as it was. An
        empty or missing folder has no results yet.

        Raises
        ------
        ValueError
            If ``out`` has results but no record, or a record of a run with
            another protocol, or a results file that does not parse.
        """
        if not self.csv.exists() and not self.record.exists():
            return []
        if not self.record.exists():
            raise ValueError(
                f"cannot resume: {self.out} has {RESULTS} but no {RECORD}, so the settings "
                "of those results are unknown; run without --resume, or use another --out"
            )
        try:
            stored = json.loads(self.record.read_text(encoding="utf-8"))["protocol"]
        except (ValueError, KeyError, TypeError):
            raise ValueError(f"cannot resume: {self.record} is not a run record") from None
        differences = _differences(stored, self.protocol)
        if differences:
            raise ValueError(
                f"cannot resume: the results in {self.out} come from other settings "
                f"({'; '.join(differences)}); use the same settings, another --out, or "
                "no --resume to start afresh"
            )
        return read_csv(self.csv) if self.csv.exists() else []

    def begin(self, completed: list[FoldResult], resume: bool) -> None:
        """Get ``out`` ready for the fits of this run.

        Resuming, ``results.csv`` is written anew with the ``completed``
        results of :meth:`load` (a row cut short by a kill is gone). A new
        run moves the results of an earlier one aside, so they are not lost;
        a ``results.csv`` without a result row is simply replaced.
        Takes the folder's lock first, until :meth:`release`.

        Raises
        ------
        ValueError
            If another run holds the folder's lock; nothing is written then.
        """
        self.out.mkdir(parents=True, exist_ok=True)
        self._claim()
        if not resume and _has_results(self.csv):
            os.replace(self.csv, self.out / PREVIOUS)
            print(
                f"sklearn-drsn: note: the earlier results in {self.csv} are now in "
                f"{self.out / PREVIOUS} (--resume goes on with a run instead)",
                file=sys.stderr,
            )
        record = {"sklearn_drsn": __version__, "protocol": self.protocol}
        self.record.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
        write_csv(completed, self.csv)

    def append(self, result: FoldResult) -> None:
        """Add one result to ``results.csv``.

        The file is closed, so flushed, every time: a run that is killed loses
        only the fits still running.
        """
        append_row(asdict(result), self.csv, CSV_COLUMNS)
        self.appended += 1

    def release(self) -> None:
        """Let other runs write to ``out`` (the lock file may stay, unlocked)."""
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    def _claim(self) -> None:
        if self._lock is not None:
            return
        # Not a singleton (filelock's default): a second run in this process is
        # refused as one in another process is, instead of re-entering the lock.
        lock = FileLock(self.out / LOCK, timeout=0)
        try:
            lock.acquire()
        except Timeout:
            raise ValueError(
                f"another run is writing to {self.out} (it holds {self.out / LOCK}); "
                "wait for it to end, or give this run another --out"
            ) from None
        self._lock = lock


def _has_results(path: Path) -> bool:
    """Whether ``path`` holds a result row (a file that does not parse counts as one)."""
    try:
        return bool(read_rows(path))
    except FileNotFoundError:
        return False
    except (ValueError, OSError):
        return True


def _differences(stored: dict, current: dict, prefix: str = "") -> list[str]:
    """``"key: A before, B now"`` for every value that differs, nested keys dotted."""
    out = []
    for key in sorted(set(stored) | set(current)):
        before, now = stored.get(key), current.get(key)
        if isinstance(before, dict) and isinstance(now, dict):
            out += _differences(before, now, f"{prefix}{key}.")
        elif before != now:
            out.append(f"{prefix}{key}: {_short(before)} before, {_short(now)} now")
    return out


def _short(value) -> str:
    text = json.dumps(value)
    return text if len(text) <= 20 else text[:12] + "..."
