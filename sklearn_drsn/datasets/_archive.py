"""Real UCR/UEA archive data sets that ship inside packages on the index.

sktime and aeon bundle a few data sets of the UCR/UEA time-series
classification archive as ``.ts`` files (GunPoint, ArrowHead,
ItalyPowerDemand, BasicMotions, OSULeaf, JapaneseVowels, ...). This module
finds those files in an installed copy of either package, without importing
it, and reads them as :func:`sklearn_drsn.loaders.load_ts` does: no download,
and nothing vendored here. Install one of them with the ``archives`` extra.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np

from ..loaders.ts_format import read_ts_files

__all__ = ["ARCHIVE_PACKAGES", "archive_data_dirs", "load_archive_dataset"]

#: Packages searched, in order, and the folder of their bundled data sets.
ARCHIVE_PACKAGES = {"sktime": ("datasets", "data"), "aeon": ("datasets", "data")}


def archive_data_dirs() -> list[Path]:
    """The data folders of the installed archive packages (possibly none).

    Returns
    -------
    dirs : list of Path
        For each package of :data:`ARCHIVE_PACKAGES` that is installed and
        has its data folder, that folder, in the order of
        :data:`ARCHIVE_PACKAGES`.

    Examples
    --------
    With sktime installed (the ``archives`` extra); tests/test_archive.py
    checks this where it is:

    >>> [d.relative_to(d.parents[2]).as_posix() for d in archive_data_dirs()]  # doctest: +SKIP
    ['sktime/datasets/data']
    """
    dirs = []
    for package, subpath in ARCHIVE_PACKAGES.items():
        spec = importlib.util.find_spec(package)
        for root in (spec.submodule_search_locations or []) if spec else []:
            folder = Path(root).joinpath(*subpath)
            if folder.is_dir():
                dirs.append(folder)
    return dirs


def load_archive_dataset(
    name: str,
    split: str = "train",
    *,
    unequal: str = "pad",
    length: int | None = None,
    pad_value: float = 0.0,
) -> tuple[np.ndarray, np.ndarray]:
    """One official split of a UCR/UEA data set bundled with sktime or aeon.

    The training and the test split always come at the same length, so that
    a model fitted on one can score the other: for a data set of unequal
    length, the length is chosen over the series of **both** splits, even
    when only one is asked for.

    Parameters
    ----------
    name : str
        The archive's name of the data set, e.g. ``"GunPoint"``,
        ``"ArrowHead"``, ``"ItalyPowerDemand"``, ``"BasicMotions"``,
        ``"JapaneseVowels"``.
    split : {"train", "test"}, default="train"
        The archive's official split.
    unequal : {"pad", "truncate", "error"}, default="pad"
        For a data set of unequal length and ``length=None``: ``"pad"``
        pads every series at its end up to the longest series of the data
        set (both splits), ``"truncate"`` keeps the first values of every
        series, as many as the shortest series of the data set has;
        ``"error"`` raises.
    length : int or None, default=None
        The length of every series, whatever the data set holds: shorter
        series are padded at their end with ``pad_value``, longer ones keep
        their first ``length`` values (see
        :func:`~sklearn_drsn.loaders.to_equal_length`).
    pad_value : float, default=0.0
        The value appended to shorter series.

    Returns
    -------
    X : ndarray of shape (n_cases, length) or (n_cases, channels, length)
        ``float32`` series, of the same length in both splits.
    y : ndarray of shape (n_cases,)
        Class labels as strings.

    Raises
    ------
    ModuleNotFoundError
        If neither sktime nor aeon is installed.
    ValueError
        If no installed package bundles ``name``, ``split`` or ``unequal``
        is invalid, or the series have unequal lengths with
        ``unequal="error"``.

    Examples
    --------
    Needs the ``archives`` extra, hence not run as a doctest here
    (tests/test_archive.py runs it where the extra is installed):

    >>> X, y = load_archive_dataset("GunPoint", "train")  # doctest: +SKIP
    >>> X.shape, sorted(set(y))  # doctest: +SKIP
    ((50, 150), ['1', '2'])

    JapaneseVowels' series are 7 to 29 values long; both splits come padded
    to 29:

    >>> load_archive_dataset("JapaneseVowels", "train")[0].shape  # doctest: +SKIP
    (270, 12, 29)
    >>> load_archive_dataset("JapaneseVowels", "test")[0].shape  # doctest: +SKIP
    (370, 12, 29)
    """
    if split not in ("train", "test"):
        raise ValueError(f"split must be 'train' or 'test', got {split!r}")
    dirs = archive_data_dirs()
    if not dirs:
        raise ModuleNotFoundError(
            "the UCR/UEA data sets come with sktime or aeon, and neither is installed; "
            "install the extra: pip install 'sklearn-drsn[archives]'"
        )
    for folder in dirs:
        path = folder / name / f"{name}_{split.upper()}.ts"
        if path.is_file():
            other = folder / name / f"{name}_{'TEST' if split == 'train' else 'TRAIN'}.ts"
            paths = [path, other] if other.is_file() else [path]
            X, y = read_ts_files(
                paths,
                "load_archive_dataset",
                unequal=unequal,
                length=length,
                pad_value=pad_value,
            )[0]
            return X, y
    available = sorted({p.name for d in dirs for p in d.iterdir() if any(p.glob("*_TRAIN.ts"))})
    raise ValueError(f"no installed package bundles the data set {name!r}; available: {available}")
