"""Fold results: one CSV format for the main job and the experiment scripts, summaries, tables.

Imports neither PyTorch nor scikit-learn, so that reading, resuming and
tabulating results costs no deep-learning import.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

__all__ = [
    "CSV_COLUMNS",
    "DISPLAY_NAMES",
    "SUMMARY_COLUMNS",
    "FoldResult",
    "append_row",
    "format_snr",
    "format_table",
    "read_csv",
    "read_rows",
    "summarise",
    "write_csv",
    "write_rows",
]

#: How tables and plots name the models of :func:`~sklearn_drsn.experiment.make_model`.
DISPLAY_NAMES = {
    "drsn-cw": "DRSN-CW",
    "drsn-cs": "DRSN-CS",
    "resnet": "ResNet",
    "convnet": "ConvNet",
    "random-forest": "RandomForest",
    "svc": "SVC",
    "knn": "kNN",
    "logistic": "LogReg",
}


@dataclass(frozen=True)
class FoldResult:
    """Accuracy of one model on one test fold of one noisy data set.

    ``deep_config`` is the recipe and settings a deep model was trained with,
    from its ``recipe_`` and ``config_`` (e.g. ``"recipe auto -> small (widths
    32-64-128, ..., batch 16, 150 epochs)"``); ``""`` for a classic model, and
    for rows of results files written before it existed.
    """

    noise: str
    snr_db: float
    model: str
    fold: int
    accuracy: float
    fit_seconds: float
    deep_config: str = ""

    @property
    def key(self) -> tuple[str, float, str, int]:
        """``(noise, snr_db, model, fold)``: which fit this is."""
        return (self.noise, self.snr_db, self.model, self.fold)


#: The columns of a fold-results CSV file, in order.
CSV_COLUMNS = tuple(FoldResult.__dataclass_fields__)
#: The columns of the results files written before ``deep_config``; still read.
_OLDER_CSV_COLUMNS = CSV_COLUMNS[:6]
#: The keys of every row of :func:`summarise`, in order.
SUMMARY_COLUMNS = ("noise", "snr_db", "model", "mean", "std", "n_folds", "fit_seconds",
                   "deep_config")  # fmt: skip


def write_rows(rows: Iterable[Mapping], path: str | Path, columns: Sequence[str]) -> Path:
    """Write ``rows`` (mappings from column to value) as a CSV file with a header.

    Parameters
    ----------
    rows : iterable of mapping
        One mapping per row, with the keys ``columns``.
    path : str or path-like
        The file, replaced if it exists.
    columns : sequence of str
        The header, in order.

    Returns
    -------
    Path
        ``path``.

    Examples
    --------
    >>> import os, tempfile
    >>> path = write_rows([{"a": 1, "b": 2}], os.path.join(tempfile.mkdtemp(), "t.csv"), "ab")
    >>> path.read_text().splitlines()
    ['a,b', '1,2']
    """
    path = Path(path)
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(columns))
        writer.writeheader()
        writer.writerows(rows)
    return path


def append_row(row: Mapping, path: str | Path, columns: Sequence[str]) -> None:
    """Add one row to a CSV file, with the header first if the file is new or empty.

    The file is closed, so flushed, every time: a process that is killed
    loses no row that this function returned from.

    Parameters
    ----------
    row : mapping
        The row, with the keys ``columns``.
    path : str or path-like
        The file (created if missing).
    columns : sequence of str
        The header, in order.

    Examples
    --------
    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "t.csv")
    >>> append_row({"a": 1, "b": 2}, path, "ab"); append_row({"a": 3, "b": 4}, path, "ab")
    >>> read_rows(path)
    [{'a': '1', 'b': '2'}, {'a': '3', 'b': '4'}]
    """
    path = Path(path)
    with path.open("a", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(columns))
        if f.tell() == 0:
            writer.writeheader()
        writer.writerow(row)


def read_rows(path: str | Path, columns: Sequence[str] | None = None) -> list[dict[str, str]]:
    """The rows of a CSV file with a header, as dicts of strings.

    A last line without its line break (a process killed while it wrote
    that row) is dropped.

    Parameters
    ----------
    path : str or path-like
        The file.
    columns : sequence of str, optional
        The header the file must have.

    Returns
    -------
    list of dict
        Its rows, in the file's order.

    Raises
    ------
    ValueError
        If ``columns`` is given and the file's header differs.

    Examples
    --------
    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "t.csv")
    >>> _ = open(path, "w").write("a,b\\n1,2\\n3,")  # the last row cut short
    >>> read_rows(path, columns=["a", "b"])
    [{'a': '1', 'b': '2'}]
    """
    path = Path(path)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines = lines[:-1]
    reader = csv.DictReader(lines)
    if columns is not None and tuple(reader.fieldnames or ()) != tuple(columns):
        raise ValueError(
            f"{path} does not have the expected columns: its columns are "
            f"{reader.fieldnames}, expected {list(columns)}; give another file"
        )
    return list(reader)


def write_csv(results: Sequence[FoldResult], path: str | Path) -> Path:
    """Write one CSV row per fold result (the columns of :class:`FoldResult`).

    Examples
    --------
    >>> import os, tempfile
    >>> path = write_csv([], os.path.join(tempfile.mkdtemp(), "results.csv"))
    >>> path.read_text().strip()
    'noise,snr_db,model,fold,accuracy,fit_seconds,deep_config'
    """
    return write_rows((asdict(r) for r in results), path, CSV_COLUMNS)


def read_csv(path: str | Path) -> list[FoldResult]:
    """The fold results in a CSV file written by :func:`write_csv` or by the main job.

    The main job writes each row as its fit ends; a run killed while it
    wrote one leaves a last line without its line break, which is dropped
    here (its fit is simply run again on ``--resume``).

    Parameters
    ----------
    path : str or path-like
        The CSV file.

    Returns
    -------
    list of FoldResult
        Its rows, in the file's order.

    Raises
    ------
    ValueError
        If the file does not have the columns of :class:`FoldResult` (or
        those before ``deep_config``), or a complete row does not parse.

    Examples
    --------
    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "results.csv")
    >>> rows = [FoldResult("gaussian", -5.0, "svc", 0, 0.5, 1.2)]
    >>> read_csv(write_csv(rows, path)) == rows
    True
    """
    try:
        rows = read_rows(path, CSV_COLUMNS)
    except ValueError as exc:
        try:  # a file of an earlier version, without deep_config
            rows = read_rows(path, _OLDER_CSV_COLUMNS)
        except ValueError:
            raise ValueError(f"{exc} (not a results file of the main job)") from None
    results = []
    for line, row in enumerate(rows, start=2):
        try:
            results.append(
                FoldResult(
                    row["noise"], float(row["snr_db"]), row["model"], int(row["fold"]),
                    float(row["accuracy"]), float(row["fit_seconds"]),
                    row.get("deep_config") or "",
                )
            )  # fmt: skip
        except (TypeError, ValueError):
            raise ValueError(f"{path}, line {line}: not a fold result: {row}") from None
    return results


def summarise(results: Sequence[FoldResult]) -> list[dict]:
    """Mean and standard deviation of accuracy over folds, per (noise, SNR, model).

    Parameters
    ----------
    results : sequence of FoldResult
        Fold results, in any order.

    Returns
    -------
    list of dict
        One dict per (noise, SNR, model), in order of first appearance, with
        the keys :data:`SUMMARY_COLUMNS`; ``fit_seconds`` is the sum over the
        folds, ``deep_config`` the folds' distinct ones joined by ``" | "``.

    Examples
    --------
    >>> accs = [0.8, 1.0]
    >>> rows = [FoldResult("gaussian", 0.0, "svc", k, a, 1.0) for k, a in enumerate(accs)]
    >>> summarise(rows)[0]["mean"]
    0.9
    """
    groups: dict[tuple, list[FoldResult]] = {}
    for r in results:
        groups.setdefault((r.noise, r.snr_db, r.model), []).append(r)
    return [
        {
            "noise": noise,
            "snr_db": snr,
            "model": model,
            "mean": float(np.mean([r.accuracy for r in rows])),
            "std": float(np.std([r.accuracy for r in rows])),
            "n_folds": len(rows),
            "fit_seconds": float(np.sum([r.fit_seconds for r in rows])),
            "deep_config": " | ".join(dict.fromkeys(r.deep_config for r in rows if r.deep_config)),
        }
        for (noise, snr, model), rows in groups.items()
    ]


def format_snr(snr: float) -> str:
    """An SNR in dB as tables and plots show it: ``"clean"`` for no added noise.

    Examples
    --------
    >>> format_snr(-5.0), format_snr(float("inf"))
    ('-5', 'clean')
    """
    return "clean" if not math.isfinite(snr) else f"{snr:g}"


def format_table(summary: Sequence[dict]) -> str:
    """A text table: one row per (noise, SNR), one column per model, ``mean ± std`` in %.

    Under it, a line per distinct ``deep_config`` of the deep models, naming
    the models trained with it.

    Parameters
    ----------
    summary : sequence of dict
        Rows of :func:`summarise`.

    Returns
    -------
    str
        The table, columns aligned with spaces.

    Examples
    --------
    >>> print(format_table([{"noise": "gaussian", "snr_db": -5.0, "model": "svc",
    ...                      "mean": 0.5, "std": 0.01}]))
    noise     SNR (dB)  SVC
    gaussian  -5        50.0 ± 1.0
    >>> print(format_table([{"noise": "none", "snr_db": float("inf"), "model": "resnet",
    ...                      "mean": 0.9, "std": 0.0, "deep_config": "recipe paper"}]))
    noise  SNR (dB)  ResNet
    none   clean     90.0 ± 0.0
    deep models: ResNet: recipe paper
    """
    models = list(dict.fromkeys(row["model"] for row in summary))
    conditions = list(dict.fromkeys((row["noise"], row["snr_db"]) for row in summary))
    cell = {(r["noise"], r["snr_db"], r["model"]): r for r in summary}
    header = ["noise", "SNR (dB)", *(DISPLAY_NAMES.get(m, m) for m in models)]
    lines = [header]
    for noise, snr in conditions:
        row = [noise, format_snr(snr)]
        for m in models:
            r = cell.get((noise, snr, m))
            row.append(f"{100 * r['mean']:.1f} ± {100 * r['std']:.1f}" if r else "-")
        lines.append(row)
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    table = ["  ".join(c.ljust(w) for c, w in zip(line, widths)).rstrip() for line in lines]
    return "\n".join(table + _deep_config_lines(summary))


def _deep_config_lines(summary: Sequence[dict]) -> list[str]:
    """``deep models: DRSN-CW, ResNet: <config>``, a line per distinct config."""
    models_of: dict[str, list[str]] = {}
    for row in summary:
        config, name = row.get("deep_config"), DISPLAY_NAMES.get(row["model"], row["model"])
        if config and name not in models_of.setdefault(config, []):
            models_of[config].append(name)
    return [f"deep models: {', '.join(names)}: {config}" for config, names in models_of.items()]
