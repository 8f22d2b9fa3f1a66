"""Real UCR/UEA archive data sets that ship inside packages on the index.

sktime and aeon bundle a few data sets of the UCR/UEA time-series
classification archive as ``.ts`` files (GunPoint, ArrowHead,
ItalyPowerDemand, BasicMotions, OSULeaf, JapaneseVowels, ...). This module
finds those files in an installed copy of either package, without importing
it, and reads them with :func:`sklearn_drsn.loaders.load_ts`: no download,
and nothing vendored here. Install one of them with the ``archives`` extra.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np

from ..loaders import load_ts

__all__ = ["ARCHIVE_PACKAGES", "archive_data_dirs", "load_archive_dataset"]

#: Packages searched, in order, and the folder of their bundled data sets.
ARCHIVE_PACKAGES = {"sktime": ("datasets", "data"), "aeon": ("datasets", "data")}


def archive_data_dirs() -> list[Path]:
    """The data folders of the installed archive packages (possibly none).

    Examples
    --------
    >>> all(d.is_dir() for d in archive_data_dirs())
    True
    """
    dirs = []
    for package, subpath in ARCHIVE_PACKAGES.items():
        spec = importlib.util.find_spec(package)
        for root in (spec.submodule_search_locations or []) if spec else []:
            folder = Path(root).joinpath(*subpath)
            if folder.is_dir():
                dirs.append(folder)
    return dirs


def load_archive_dataset(name: str, split: str = "train") -> tuple[np.ndarray, np.ndarray]:
    """One official split of a UCR/UEA data set bundled with sktime or aeon.

    Parameters
    ----------
    name : str
        The archive's name of the data set, e.g. ``"GunPoint"``,
        ``"ArrowHead"``, ``"ItalyPowerDemand"``, ``"BasicMotions"``.
    split : {"train", "test"}, default="train"
        The archive's official split.

    Returns
    -------
    X : ndarray of shape (n_cases, length) or (n_cases, channels, length)
        ``float32`` series (unequal lengths are zero-padded, see
        :func:`~sklearn_drsn.loaders.load_ts`).
    y : ndarray of shape (n_cases,)
        Class labels as strings.

    Raises
    ------
    ModuleNotFoundError
        If neither sktime nor aeon is installed.
    ValueError
        If no installed package bundles ``name``, or ``split`` is invalid.

    Examples
    --------
    Needs the ``archives`` extra, hence not run as a doctest here
    (tests/test_archive.py runs it where the extra is installed):

    >>> X, y = load_archive_dataset("GunPoint", "train")  # doctest: +SKIP
    >>> X.shape, sorted(set(y))  # doctest: +SKIP
    ((50, 150), ['1', '2'])
    """
    if split not in ("train", "test"):
        raise ValueError(f"split must be 'train' or 'test', got {split!r}")
    dirs = archive_data_dirs()
    if not dirs:
        raise ModuleNotFoundError(
            "the UCR/UEA data sets come with sktime or aeon, and neither is installed; "
            "install the extra: pip install 'sklearn-drsn[archives]'"
        )
    filename = f"{name}_{split.upper()}.ts"
    for folder in dirs:
        path = folder / name / filename
        if path.is_file():
            X, y = load_ts(path)
            return X, y
    available = sorted({p.name for d in dirs for p in d.iterdir() if any(p.glob("*_TRAIN.ts"))})
    raise ValueError(f"no installed package bundles the data set {name!r}; available: {available}")
