"""Data sets: simulated drivetrain vibration signals for fault diagnosis.

This subpackage depends on numpy and scipy only.
"""

from ._drivetrain import (
    DRIVETRAIN_CLASSES,
    DRIVETRAIN_GEOMETRY,
    bearing_defect_frequencies,
    make_drivetrain,
)

__all__ = [
    "DRIVETRAIN_CLASSES",
    "DRIVETRAIN_GEOMETRY",
    "bearing_defect_frequencies",
    "make_drivetrain",
]
