"""Read the ``.ts`` time-series-classification format (sktime, aeon, the UEA/UCR archive).

A ``.ts`` file is a header, ``@data``, then one case per line::

    # comments start with '#'
    @problemName Pumps
    @timeStamps false
    @missing true
    @univariate false
    @dimensions 2
    @equalLength true
    @seriesLength 4
    @classLabel true ok worn
    @data
    0.1,0.2,0.3,0.4:1.0,1.1,?,1.3:ok
    0.5,0.6,0.7,0.8:1.4,1.5,1.6,1.7:worn

Channels (the "dimensions") are separated by ``:``, values by ``,``, and the
class label comes last; ``?`` or ``NaN`` is a missing value. Header keywords
are case-insensitive; unknown ones are ignored. The timestamped form
(``(t,v)`` pairs, ``@timeStamps true``) and regression targets
(``@targetLabel true``) are not supported.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .._validation import check_positive_int
from ._common import existing_file
from .equal_length import check_pad_value, fit_to_length

__all__ = ["UNEQUAL_LENGTH", "load_ts"]

#: The values of ``unequal`` that :func:`load_ts` accepts.
UNEQUAL_LENGTH = ("pad", "truncate", "error")

_FORMAT_HINT = (
    "a .ts file has header lines (@problemName, @univariate, @classLabel, ...), "
    "then a line '@data', then one case per line"
)


def load_ts(
    path: str | Path,
    *,
    unequal: str = "pad",
    length: int | None = None,
    pad_value: float = 0.0,
) -> tuple[np.ndarray, np.ndarray | None]:
    """Load a ``.ts`` time-series-classification file.

    Parameters
    ----------
    path : str or Path
        A ``.ts`` file in the sktime/aeon (UEA/UCR archive) format, equal or
        unequal length, univariate or multivariate.
    unequal : {"pad", "truncate", "error"}, default="pad"
        What to do when the series are not all of the same length and
        ``length`` is None: ``"pad"`` pads every series up to the longest
        one; ``"truncate"`` cuts every series to the shortest one;
        ``"error"`` raises (also when ``length`` is given). Padding is the
        default because it keeps every value (for a data set whose lengths
        vary from 7 to 29, truncation would throw away most of the data),
        and the network convolves with zero padding at the borders anyway.
    length : int or None, default=None
        The length of every series in ``X``, whatever the file holds:
        shorter series are padded at their end with ``pad_value``, longer
        ones keep their first ``length`` values and lose the rest (the
        policy of :func:`~sklearn_drsn.loaders.to_equal_length`). Pass the
        same ``length`` for a training and a test file, so that both arrays
        have one shape; ``None`` lets ``unequal`` decide from this file
        alone.
    pad_value : float, default=0.0
        The value appended to shorter series. Zero is neutral for
        zero-mean signals and accepted by :class:`~sklearn_drsn.DRSNClassifier`;
        pass ``numpy.nan`` to mark the padding instead.

    Returns
    -------
    X : ndarray of shape (n_cases, length) or (n_cases, channels, length)
        ``float32``; 2-D when every case has one channel. Missing values
        (``?`` or ``NaN`` in the file) are ``nan``: impute them before
        training.
    y : ndarray of shape (n_cases,) or None
        The class labels as strings (dtype ``str``), in file order, each one
        of those the header declares with ``@classLabel true ...``; ``None``
        for files declaring ``@classLabel false``.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    ValueError
        If the file is malformed (no ``@data`` line, a case with the wrong
        number of channels or a value that is not a number, a label not
        declared in ``@classLabel``, a series of another length than
        ``@seriesLength`` says, ...), uses the timestamped form, or holds
        series of unequal length with ``unequal="error"``. The message
        names the file and line.

    See Also
    --------
    sklearn_drsn.loaders.to_equal_length : The same policy for arrays in memory.

    Examples
    --------
    >>> import os, tempfile
    >>> from sklearn_drsn.loaders import load_ts
    >>> path = os.path.join(tempfile.mkdtemp(), "tiny.ts")
    >>> with open(path, "w") as f:
    ...     _ = f.write(
    ...         "@problemName tiny\\n@timeStamps false\\n@univariate true\\n"
    ...         "@classLabel true ok worn\\n@data\\n"
    ...         "1,2,3,4:ok\\n5,6,?:worn\\n"
    ...     )
    >>> X, y = load_ts(path)
    >>> X
    array([[ 1.,  2.,  3.,  4.],
           [ 5.,  6., nan,  0.]], dtype=float32)
    >>> y
    array(['ok', 'worn'], dtype='<U4')
    >>> load_ts(path, unequal="truncate")[0].shape
    (2, 3)
    >>> load_ts(path, length=6)[0][0]
    array([1., 2., 3., 4., 0., 0.], dtype=float32)
    """
    return read_ts_files([path], "load_ts", unequal=unequal, length=length, pad_value=pad_value)[0]


def read_ts_files(
    paths: list, reader: str, *, unequal: str, length: int | None, pad_value: float
) -> list[tuple[np.ndarray, np.ndarray | None]]:
    """``(X, y)`` of each ``.ts`` file, all at one length chosen over all of them.

    The rule of :func:`load_ts`, applied to the series of every file
    together; ``reader`` names the public function in messages.
    """
    if unequal not in UNEQUAL_LENGTH:
        raise ValueError(f"unequal must be one of {UNEQUAL_LENGTH}, got {unequal!r}.")
    if length is not None:
        length = check_positive_int(length, "length")
    pad_value = check_pad_value(pad_value)
    paths = [existing_file(path, (".ts",), reader) for path in paths]
    parsed = [_parse(path) for path in paths]

    # (length, file, line) of every case's shortest and longest series, over all files.
    spans = [
        ((min(map(len, case)), path, line), (max(map(len, case)), path, line))
        for path, (cases, _, lines) in zip(paths, parsed, strict=True)
        for case, line in zip(cases, lines, strict=True)
    ]
    shortest = min(short for short, _ in spans)
    longest = max(long for _, long in spans)
    if shortest[0] != longest[0] and unequal == "error":
        one_file = shortest[1] == longest[1]
        short_at, long_at = (
            (f"line {where[2]}" if one_file else f"{where[1]}, line {where[2]}")
            for where in (shortest, longest)
        )
        raise ValueError(
            f"{shortest[1] if one_file else 'the files'}: the series have unequal lengths, "
            f"from {shortest[0]} ({short_at}) to {longest[0]} ({long_at}); pass "
            "unequal='pad' or unequal='truncate', or length=... to pad or cut them to one."
        )
    if length is None:
        length = longest[0] if unequal == "pad" else shortest[0]
    loaded = []
    for path, (cases, labels, lines) in zip(paths, parsed, strict=True):
        X = fit_to_length(cases, length, pad_value, [f"{path}, line {n}" for n in lines])
        if X.shape[1] == 1:
            X = X[:, 0, :]
        loaded.append((X, None if labels is None else np.array(labels, dtype=str)))
    return loaded


def _parse(path: Path):
    """Cases (lists of float64 series), labels (or None) and their line numbers."""
    header: dict = {}
    cases: list[list[np.ndarray]] = []
    labels: list[str] | None = None
    line_numbers: list[int] = []
    data_started = False
    n_dims = None
    declared: list[str] = []

    with open(path, encoding="utf-8-sig", errors="replace") as file:
        for number, raw in enumerate(file, start=1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            where = f"{path}, line {number}"
            if not data_started:
                if not line.startswith("@"):
                    raise ValueError(
                        f"{where}: expected a header line starting with '@' before the "
                        f"data, got {_excerpt(line)}; no @data line precedes it ({_FORMAT_HINT})."
                    )
                data_started = _header_line(line, header, where)
                if data_started:
                    labels = [] if header.get("classlabel") else None
                    declared = header.get("classes", [])
                    n_dims = header.get("dimensions")
                    if n_dims is None and header.get("univariate") is True:
                        n_dims = 1
                continue

            if "(" in line:
                raise ValueError(
                    f"{where}: the timestamped (t,v) form of .ts files is not supported; "
                    "write the series as plain comma-separated values."
                )
            parts = line.split(":")
            if labels is not None:
                if len(parts) < 2:
                    raise ValueError(
                        f"{where}: no class label; the header declares '@classLabel true', "
                        "so every case must end with ':' and its label."
                    )
                label = parts.pop().strip()
                if label not in declared:
                    raise ValueError(
                        f"{where}: class label {label!r} is not declared in @classLabel "
                        f"(declared: {' '.join(declared)}); add it to the @classLabel line."
                    )
                labels.append(label)
            if n_dims is None:
                n_dims = len(parts)
            if len(parts) != n_dims:
                source = "@dimensions" if "dimensions" in header else "the first case"
                if header.get("univariate") is True and "dimensions" not in header:
                    source = "@univariate true"
                raise ValueError(
                    f"{where}: {len(parts)} dimension(s) (':'-separated series"
                    f"{', not counting the label' if labels is not None else ''}), "
                    f"but {source} says {n_dims}; every case needs the same number."
                    + (
                        " Is '@classLabel true ...' missing from the header?"
                        if labels is None and len(parts) == n_dims + 1
                        else ""
                    )
                )
            case = [_series(part, where, d) for d, part in enumerate(parts)]
            expected = header.get("serieslength")
            if expected is not None:
                for d, series in enumerate(case):
                    if len(series) != expected:
                        raise ValueError(
                            f"{where}: dimension {d} has {len(series)} values, but the "
                            f"header says '@seriesLength {expected}'."
                        )
            if header.get("equallength") is True and cases:
                first = len(cases[0][0])
                for d, series in enumerate(case):
                    if len(series) != first:
                        raise ValueError(
                            f"{where}: dimension {d} has {len(series)} values, the first case "
                            f"{first}, but the header says '@equalLength true'; fix the file "
                            "or declare '@equalLength false'."
                        )
            cases.append(case)
            line_numbers.append(number)

    if not data_started:
        raise ValueError(f"{path}: no '@data' line; {_FORMAT_HINT}.")
    if not cases:
        raise ValueError(f"{path}: no cases after the '@data' line.")
    return cases, labels, line_numbers


def _header_line(line: str, header: dict, where: str) -> bool:
    """Record one header line in ``header``; True if it is ``@data``."""
    keyword, *values = line.split()
    keyword = keyword.lower()
    if keyword == "@data":
        if values:
            raise ValueError(f"{where}: '@data' takes no value, got {' '.join(values)!r}.")
        return True
    if keyword in ("@timestamps", "@univariate", "@equallength", "@missing"):
        header[keyword[1:]] = _boolean(keyword, values, where)
        if keyword == "@timestamps" and header["timestamps"]:
            raise ValueError(
                f"{where}: '@timeStamps true': the timestamped (t,v) form of .ts files is "
                "not supported; write the series as plain comma-separated values."
            )
    elif keyword in ("@dimensions", "@dimension", "@serieslength"):
        if len(values) != 1 or not values[0].isdigit() or int(values[0]) < 1:
            raise ValueError(f"{where}: {keyword} needs one positive integer, got {line!r}.")
        name = "serieslength" if keyword == "@serieslength" else "dimensions"
        header[name] = int(values[0])
    elif keyword == "@classlabel":
        if not values:
            raise ValueError(f"{where}: @classLabel needs 'true' and the labels, or 'false'.")
        header["classlabel"] = _boolean(keyword, values[:1], where)
        header["classes"] = values[1:]
        if header["classlabel"] and not values[1:]:
            raise ValueError(
                f"{where}: '@classLabel true' must list the class labels, "
                "e.g. '@classLabel true normal inner outer'."
            )
    elif keyword == "@targetlabel":
        if _boolean(keyword, values[:1], where):
            raise ValueError(
                f"{where}: '@targetLabel true' marks a regression file; only "
                "classification files (@classLabel) are supported."
            )
    elif keyword == "@problemname":
        header["problemname"] = " ".join(values)
    if header.get("univariate") is True and header.get("dimensions", 1) != 1:
        raise ValueError(
            f"{where}: the header says '@univariate true' and "
            f"'@dimensions {header['dimensions']}'; a univariate file has one dimension."
        )
    return False


def _boolean(keyword: str, values: list[str], where: str) -> bool:
    if len(values) != 1 or values[0].lower() not in ("true", "false"):
        raise ValueError(f"{where}: {keyword} needs 'true' or 'false', got {' '.join(values)!r}.")
    return values[0].lower() == "true"


def _series(text: str, where: str, dimension: int) -> np.ndarray:
    tokens = text.replace("?", "nan").split(",")
    try:
        return np.array(tokens, dtype=np.float64)
    except ValueError:
        pass
    for position, token in enumerate(tokens):
        try:
            float(token)
        except ValueError:
            what = "an empty value" if not token.strip() else f"{token.strip()!r}"
            raise ValueError(
                f"{where}: dimension {dimension}, value {position + 1} is {what}, not a number; "
                "values are separated by ',' and missing ones written '?' or 'NaN'."
            ) from None
    raise AssertionError("unreachable")  # pragma: no cover


def _excerpt(line: str, width: int = 40) -> str:
    return repr(line if len(line) <= width else line[:width] + "...")
