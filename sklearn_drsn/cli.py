"""``python -m sklearn_drsn`` / ``sklearn-drsn``: the paper's comparison from the command line.

Adds noise at several SNRs to the data (the drivetrain simulator by
default, or the user's file), cross-validates DRSN-CW, DRSN-CS, ResNet,
ConvNet and classic feature pipelines on the same folds (or scores them on
the user's test file), prints a table of mean ± std accuracy and writes a
CSV of every fold and a PNG plot. On the user's file the deep models run
with the estimator's ``recipe="auto"`` unless ``--recipe`` says otherwise.

The fits run in local processes by default, or on a ``dask.distributed``
cluster with ``--scheduler ADDRESS`` or ``--local-cluster N`` (the ``dask``
extra; see the user guide's "Scaling out" page).

This module parses the command line; :mod:`sklearn_drsn.presets` holds the
presets, and the run itself is imported only once the arguments are read,
so that ``--help`` and usage errors answer without importing PyTorch.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Sequence
from pathlib import Path

from ._recipes import RECIPES
from ._version import __version__
from .noise import NOISE_KINDS
from .presets import MODEL_NAMES, PRESETS

__all__ = ["PRESETS", "build_parser", "main"]

#: Exit status of bad input (as argparse's), of a run that failed, of Ctrl-C.
EXIT_USAGE, EXIT_FAILED, EXIT_INTERRUPTED = 2, 1, 130


def build_parser() -> argparse.ArgumentParser:
    """The command line's parser; every option left out is None and comes from the preset.

    Returns
    -------
    argparse.ArgumentParser

    Examples
    --------
    >>> args = build_parser().parse_args(["--preset", "quick", "--epochs", "3"])
    >>> args.preset, args.max_epochs, args.n_splits
    ('quick', 3, None)
    """
    p = argparse.ArgumentParser(
        prog="sklearn-drsn",
        description="Compare DRSN-CW, DRSN-CS, ResNet, ConvNet and classic pipelines "
        "on noisy vibration signals (Zhao et al., 2019).",
    )
    p.add_argument(
        "--preset",
        choices=sorted(PRESETS),
        default="default",
        help="default: about 20 min on a 2-core CPU; paper: the paper's protocol "
        "(a GPU, many hours); quick: a smoke test whose accuracies mean nothing",
    )
    _add_data_options(p.add_argument_group("data"))
    _add_comparison_options(p.add_argument_group("comparison"))
    _add_deep_model_options(p.add_argument_group("deep models"))
    _add_where_options(p.add_argument_group("where the fits run"))
    _add_output_options(p.add_argument_group("output"))
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return p


def _add(group, name: str, *aliases: str, **kwargs) -> None:
    """Add the option ``name``, and ``aliases`` (earlier spellings) hidden from ``--help``."""
    action = group.add_argument(name, **kwargs)
    for alias in aliases:
        group.add_argument(alias, **{**kwargs, "dest": action.dest, "help": argparse.SUPPRESS})


def _add_data_options(group) -> None:
    group.add_argument(
        "--data",
        type=Path,
        help="a .npz/.mat (arrays X, y), .csv (label in the last column), .ts (a "
        "UEA/UCR archive file) or X.npy (with y.npy beside it); "
        "default: the drivetrain simulator",
    )
    group.add_argument(
        "--test-data",
        metavar="FILE",
        type=Path,
        help="a file like --data's: fit on all of --data and score on this file (its "
        "official test split) instead of k-fold cross-validation",
    )
    group.add_argument("--x-key", default="X", help="name of the signal array (default: X)")
    group.add_argument("--y-key", default="y", help="name of the label array (default: y)")
    group.add_argument("--n-per-class", type=_int_at_least(2), help="simulator: signals per class")
    group.add_argument("--length", type=_int_at_least(8), help="simulator: samples per signal")
    _add(group, "--fault-severity", "--severity", type=float,
         help="simulator: fault strength (1 = subtle, 2 = the presets' calibration)")  # fmt: skip


def _add_comparison_options(group) -> None:
    group.add_argument(
        "--models",
        type=_names(MODEL_NAMES, "model"),
        help=f"comma-separated, from: {','.join(MODEL_NAMES)}",
    )
    group.add_argument(
        "--noise",
        dest="noise_kinds",
        metavar="KINDS",
        type=_names(NOISE_KINDS, "noise kind"),
        help=f"comma-separated, from: {','.join(NOISE_KINDS)}",
    )
    group.add_argument(
        "--snrs",
        dest="snrs_db",
        metavar="SNRS",
        type=_snrs,
        help="comma-separated SNRs in dB, 'clean' for none; write --snrs=-5,0,clean",
    )
    _add(group, "--n-splits", "--folds", type=_int_at_least(2),
         help="folds of the stratified k-fold cross-validation")  # fmt: skip
    _add(group, "--random-state", "--seed", type=_int_at_least(0),
         help="seeds data, noise, folds and models (default: 0)")  # fmt: skip
    group.add_argument(
        "--raw-amplitudes",
        action="store_true",
        help="feed the models the noisy signals as they are (the paper's handling); "
        "default: each signal standardised by its own mean and std (sensor gain removed)",
    )


def _add_deep_model_options(group) -> None:
    group.add_argument(
        "--recipe",
        choices=("auto", *RECIPES),
        help="the deep models' recipe (DRSNClassifier's recipe); default: paper on the "
        "simulator, auto with --data; with any but paper, the deep settings not given "
        "here are DRSNClassifier's defaults instead of the preset's",
    )
    _add(group, "--max-epochs", "--epochs", type=_int_at_least(1),
         help="training epochs of the deep models")  # fmt: skip
    group.add_argument(
        "--batch-size",
        type=_int_at_least(2),  # training BatchNorm needs two signals a batch
        help="mini-batch size of the deep models (paper: 128)",
    )
    group.add_argument(
        "--widths",
        type=_widths,
        help="channels of the deep models' stages, e.g. 8,16,32 (default: the paper's 4,8,16)",
    )
    group.add_argument(
        "--n-init",
        type=_int_at_least(1),
        help="initialisations tried per deep model fit; the one with the lowest training "
        "loss after its trial trains on (default preset: 3)",
    )
    group.add_argument(
        "--init-epochs",
        type=_int_at_least(1),
        help="epochs of each trial with --n-init above 1 (default: a sixth of --max-epochs)",
    )
    group.add_argument(
        "--threshold-batch-norm",
        action=argparse.BooleanOptionalAction,
        help="BatchNorm in the DRSNs' threshold sub-networks (the paper's); the presets "
        "turn it off, see the docs on the main job's results for why",
    )
    group.add_argument("--device", default="auto", help="auto (CUDA when present), cpu, cuda, ...")


def _add_where_options(group) -> None:
    where = group.add_mutually_exclusive_group()
    where.add_argument(
        "--jobs",
        type=int,
        help="parallel fits (processes); default: one per core on the CPU, 1 on a GPU",
    )
    where.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="run the fits on the Dask cluster of this scheduler (e.g. tcp://host:8786), "
        "one fit per worker thread; needs the dask extra",
    )
    where.add_argument(
        "--local-cluster",
        metavar="N",
        type=_int_at_least(2),
        help="run the fits on a Dask cluster of N (at least 2) single-threaded worker "
        "processes started on this machine (127.0.0.1) for the run; needs the dask extra",
    )


def _add_output_options(group) -> None:
    group.add_argument(
        "--out",
        type=Path,
        default=Path("drsn-results"),
        help="output folder for results.csv (written fit by fit), run.json, summary.csv "
        "and accuracy.png",
    )
    group.add_argument(
        "--resume",
        action="store_true",
        help="go on with the run in --out: run only the fits missing from its results.csv "
        "(its data, folds, seed and deep-model settings must be the same; models, noise "
        "kinds and SNRs may be added)",
    )
    group.add_argument("--no-progress", action="store_true", help="hide the progress bar")


def _names(valid: Sequence[str], what: str):
    def parse(text: str) -> list[str]:
        names = [n.strip().lower() for n in text.split(",") if n.strip()]
        unknown = [n for n in names if n not in valid]
        if unknown or not names:
            raise argparse.ArgumentTypeError(
                f"unknown {what} {unknown[0] if unknown else text!r}; choose from "
                f"{', '.join(valid)}"
            )
        return names

    return parse


def _snrs(text: str) -> list[float]:
    values = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        if part.lower() in {"clean", "inf", "none"}:
            values.append(math.inf)
            continue
        try:
            values.append(float(part))
        except ValueError:
            raise argparse.ArgumentTypeError(f"not an SNR in dB: {part!r}") from None
    if not values:
        raise argparse.ArgumentTypeError("give at least one SNR")
    return values


def _widths(text: str) -> tuple[int, ...]:
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if not parts or not all(p.isdigit() and int(p) > 0 for p in parts):
        raise argparse.ArgumentTypeError(
            f"widths must be positive integers like 8,16,32: {text!r}"
        )
    widths = tuple(int(p) for p in parts)
    if list(widths) != sorted(widths):
        raise argparse.ArgumentTypeError(f"widths must not decrease: {text!r}")
    return widths


def _int_at_least(low: int):
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
        if value < low:
            raise argparse.ArgumentTypeError(f"must be at least {low}, got {value}")
        return value

    return parse


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status.

    2 for bad input (nothing run, ``--out`` unchanged), 1 for a failure
    during the fits (the results so far kept for ``--resume``), 130 for
    Ctrl-C; each with one line on stderr.
    """
    args = build_parser().parse_args(argv)
    from ._dask import ClusterError
    from ._main_job import RunFailed, UsageError, run

    try:
        return run(args)
    except (UsageError, ValueError, OSError) as exc:
        status = EXIT_USAGE
        message = f"error: {exc}"
    except (RunFailed, ClusterError) as exc:
        status = EXIT_FAILED
        message = f"error: {exc}"
    except KeyboardInterrupt:
        status = EXIT_INTERRUPTED
        message = "interrupted"
    print(f"sklearn-drsn: {message}", file=sys.stderr)
    return status
