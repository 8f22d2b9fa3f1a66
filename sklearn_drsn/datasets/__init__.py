"""Data sets: simulated drivetrain vibration signals, and real archive data sets.

This subpackage depends on numpy and scipy only; the real data sets are read
from an installed sktime or aeon (the ``archives`` extra).
"""

from ._archive import ARCHIVE_PACKAGES, archive_data_dirs, load_archive_dataset
from ._drivetrain import DRIVETRAIN_CLASSES, DRIVETRAIN_GEOMETRY, bearing_defect_frequencies
from ._make_drivetrain import make_drivetrain

__all__ = [
    "ARCHIVE_PACKAGES",
    "DRIVETRAIN_CLASSES",
    "DRIVETRAIN_GEOMETRY",
    "archive_data_dirs",
    "bearing_defect_frequencies",
    "load_archive_dataset",
    "make_drivetrain",
]
