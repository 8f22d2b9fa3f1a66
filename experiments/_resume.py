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
