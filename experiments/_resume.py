"""What the experiment scripts share: a CSV of results that grows row by row, and resumes.

Built on :mod:`sklearn_drsn.results`: each row is appended (and flushed) as
its fit ends, so an interrupted script keeps what it measured, and a row
cut short by a kill is dropped when the file is read back.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from sklearn_drsn.results import append_row, read_rows


def completed(path: Path, columns: Sequence[str], key: Sequence[str]) -> set[tuple[str, ...]]:
    """The ``key`` values (as strings) of the rows already in ``path``; none if it is missing.

    A file with other columns is refused, so that a script never appends to
    another script's results.
    """
    path = Path(path)
    if not path.exists():
        return set()
    return {tuple(row[k] for k in key) for row in read_rows(path, columns)}


def save(rows: Iterable[dict], path: Path, columns: Sequence[str]) -> list[dict]:
    """Append every row of ``rows`` to ``path`` as it comes, print it, and return them all."""
    saved = []
    for row in rows:
        append_row(row, path, columns)
        print(row, flush=True)
        saved.append(row)
    return saved


def start(
    path: Path, columns: Sequence[str], key: Sequence[str], resume: bool
) -> set[tuple[str, ...]]:
    """Prepare ``path`` for a run: a fresh run replaces it, a resumed one keeps its rows.

    Returns the ``key`` values of the rows already there (none for a fresh run).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not resume:
        path.unlink(missing_ok=True)
    return completed(path, columns, key)


def write_summary(path: Path, table: str) -> None:
    """Print ``table`` and write it beside ``path`` as ``<stem>_summary.csv``."""
    summary_path = Path(path).with_name(Path(path).stem + "_summary.csv")
    summary_path.write_text(table + "\n")
    print(table)
    print(f"written: {path}, {summary_path}")
