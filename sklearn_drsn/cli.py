"""``python -m sklearn_drsn`` / ``sklearn-drsn``: the paper's comparison from the command line.

Adds noise at several SNRs to the data (the drivetrain simulator by
default, or the user's file), cross-validates DRSN-CW, DRSN-CS, ResNet,
ConvNet and classic feature pipelines on the same folds, prints a table of
mean ± std accuracy and writes a CSV of every fold and a PNG plot.

The fits run in local processes by default, or on a ``dask.distributed``
cluster with ``--scheduler ADDRESS`` or ``--local-cluster N`` (the ``dask``
extra; see the user guide's "Scaling out" page).
"""

from __future__ import annotations

import argparse
import contextlib
import math
import os
import sys
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import CancelledError
from pathlib import Path

import numpy as np

from . import __version__
from ._run_folder import RunFolder, data_fingerprint
from .experiment import (
    CLASSIC_MODELS,
    DEEP_MODELS,
    format_table,
    plot_accuracy,
    run_comparison,
    summarise,
    write_csv,
)
from .noise import NOISE_KINDS

ALL_MODELS = [*DEEP_MODELS, *CLASSIC_MODELS]

# Each preset fills in the options the user did not give.
PRESETS: dict[str, dict] = {
    # About 20 minutes on a 2-core CPU (17-25 measured). Batch 32, not the paper's
    # 128: with 1,333 training signals a fold, batch 128 gave 400 optimiser steps (the paper
    # takes 20,000) and under-trained networks (5 dB, one fold: DRSN-CW 81 % at
    # batch 128 and 40 epochs, 94 % at batch 32 and 30 epochs, in about the same time).
    # No BatchNorm in the threshold sub-networks (all presets): on signals standardised
    # one by one, DRSN-CW training with it failed on 3 of 6 folds (docs: main job).
    # Three initialisations per deep model, the best after 5 epochs trains on: in 30
    # epochs some initial weights never learn at -5 dB (a third of the DRSN-CW fits on
    # one fold), and their training loss is often higher early on (docs: main job).
    "default": dict(
        n_per_class=250, length=2048, severity=2.0, folds=3, epochs=30, batch_size=32,
        noise=["gaussian"], snrs=[-5.0, 5.0],
        models=["drsn-cw", "drsn-cs", "resnet", "convnet", "random-forest", "svc"],
        threshold_batch_norm=False, widths=None, n_init=3, init_epochs=None,
    ),
    # The paper's protocol (Sec. III): for a GPU machine.
    "paper": dict(
        n_per_class=3600, length=2048, severity=2.0, folds=10, epochs=100, batch_size=128,
        noise=list(NOISE_KINDS), snrs=[float(s) for s in range(-5, 6)],
        models=ALL_MODELS,
        threshold_batch_norm=False, widths=None, n_init=1, init_epochs=None,
    ),
    # A smoke test in seconds.
    "quick": dict(
        n_per_class=8, length=256, severity=2.0, folds=2, epochs=2, batch_size=16,
        noise=["gaussian"], snrs=[0.0], models=["drsn-cw", "resnet", "random-forest"],
        threshold_batch_norm=False, widths=None, n_init=1, init_epochs=None,
    ),
}  # fmt: skip


#: Seconds to wait for the Dask scheduler of ``--scheduler`` to answer.
CONNECT_TIMEOUT_S = 10.0
#: joblib's name of the Dask backend of ``--scheduler`` and ``--local-cluster``.
DASK_BACKEND = "sklearn-drsn-dask"


class UsageError(Exception):
    """Bad input to the command line: reported as one line, exit status 2."""


class ClusterError(Exception):
    """The Dask cluster failed during the run (e.g. a worker died): one line, exit status 1."""


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="sklearn-drsn",
        description="Compare DRSN-CW, DRSN-CS, ResNet, ConvNet and classic pipelines "
        "on noisy vibration signals (Zhao et al., 2019).",
    )
    p.add_argument(
        "--preset",
        choices=sorted(PRESETS),
        default="default",
        help="default: about 20 min on a 2-core CPU; paper: the full protocol "
        "(a GPU, many hours); quick: a smoke test",
    )
    p.add_argument(
        "--data",
        type=Path,
        help="a .npz/.mat (arrays X, y), .csv (label in the last column), .ts (a "
        "UEA/UCR archive file) or X.npy (with y.npy beside it); "
        "default: the drivetrain simulator",
    )
    p.add_argument("--x-key", default="X", help="name of the signal array (default: X)")
    p.add_argument("--y-key", default="y", help="name of the label array (default: y)")
    p.add_argument(
        "--models",
        type=_names(ALL_MODELS, "model"),
        help=f"comma-separated, from: {','.join(ALL_MODELS)}",
    )
    p.add_argument(
        "--noise",
        type=_names(NOISE_KINDS, "noise kind"),
        help=f"comma-separated, from: {','.join(NOISE_KINDS)}",
    )
    p.add_argument(
        "--snrs",
        type=_snrs,
        help="comma-separated SNRs in dB, 'clean' for none; write --snrs=-5,0,clean",
    )
    p.add_argument("--folds", type=_int_at_least(2), help="stratified k-fold splits")
    p.add_argument("--epochs", type=_int_at_least(1), help="training epochs of the deep models")
    p.add_argument(
        "--batch-size",
        type=_int_at_least(2),  # training BatchNorm needs two signals a batch
        help="mini-batch size of the deep models (paper: 128)",
    )
    p.add_argument(
        "--widths",
        type=_widths,
        help="channels of the deep models' stages, e.g. 8,16,32 (default: the paper's 4,8,16)",
    )
    p.add_argument(
        "--n-init",
        type=_int_at_least(1),
        help="initialisations tried per deep model fit; the one with the lowest training "
        "loss after its trial trains on (default preset: 3)",
    )
    p.add_argument(
        "--init-epochs",
        type=_int_at_least(1),
        help="epochs of each trial with --n-init above 1 (default: a sixth of --epochs)",
    )
    p.add_argument("--n-per-class", type=_int_at_least(2), help="simulator: signals per class")
    p.add_argument("--length", type=_int_at_least(8), help="simulator: samples per signal")
    p.add_argument(
        "--severity",
        type=float,
        help="simulator: fault strength (1 = subtle, 2 = the presets' calibration)",
    )
    p.add_argument(
        "--raw-amplitudes",
        action="store_true",
        help="feed the models the noisy signals as they are (the paper's handling); "
        "default: each signal standardised by its own mean and std (sensor gain removed)",
    )
    p.add_argument(
        "--threshold-batch-norm",
        action=argparse.BooleanOptionalAction,
        help="BatchNorm in the DRSNs' threshold sub-networks (the paper's); see the "
        "docs on the main job's results for why the presets turn it off",
    )
    p.add_argument("--device", default="auto", help="auto (CUDA when present), cpu, cuda, ...")
    where = p.add_mutually_exclusive_group()
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
    p.add_argument(
        "--seed", type=_int_at_least(0), default=0, help="seeds data, noise, folds and models"
    )
    p.add_argument(
        "--out",
        type=Path,
        default=Path("drsn-results"),
        help="output folder for results.csv (written fit by fit), run.json, summary.csv "
        "and accuracy.png",
    )
    p.add_argument(
        "--resume",
        action="store_true",
        help="go on with the run in --out: run only the fits missing from its results.csv "
        "(its data, folds, seed and deep-model settings must be the same; models, noise "
        "kinds and SNRs may be added)",
    )
    p.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return p  # fmt: skip


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


def _settings(args: argparse.Namespace) -> dict:
    preset = PRESETS[args.preset]
    return {key: getattr(args, key) if getattr(args, key) is not None else default
            for key, default in preset.items()}  # fmt: skip


def _load_data(args: argparse.Namespace, settings: dict):
    if args.data is not None:
        from .io import load_xy

        X, y = load_xy(args.data, args.x_key, args.y_key)
        return X, y, None, f"{args.data} ({len(X)} signals)"
    from .datasets import make_drivetrain

    fs = 12800.0
    X, y, _ = make_drivetrain(
        n_per_class=settings["n_per_class"], length=settings["length"], fs=fs,
        fault_severity=settings["severity"], random_state=args.seed,
    )  # fmt: skip
    return X, y, fs, f"drivetrain simulator ({len(X)} signals of {X.shape[-1]} samples)"


#: The settings that go to the deep models, and the DRSNClassifier parameter of each.
_DEEP_SETTINGS = {
    "epochs": "max_epochs",
    "batch_size": "batch_size",
    "threshold_batch_norm": "threshold_batch_norm",
    "widths": "widths",
    "n_init": "n_init",
    "init_epochs": "init_epochs",
}


def _deep_params(settings: dict) -> dict:
    """The DRSNClassifier hyper-parameters of the deep models for these settings."""
    return {param: settings[key] for key, param in _DEEP_SETTINGS.items()}


def _describe(settings: dict, raw_amplitudes: bool) -> str:
    text = (
        f"models: {', '.join(settings['models'])}; noise: {', '.join(settings['noise'])}; "
        f"SNRs: {', '.join('clean' if math.isinf(s) else f'{s:g}' for s in settings['snrs'])} dB; "
        f"{settings['folds']} folds; {settings['epochs']} epochs of batch "
        f"{settings['batch_size']}; "
        + ("raw amplitudes" if raw_amplitudes else "each signal standardised")
        + ("" if settings["threshold_batch_norm"] else "; threshold nets without BatchNorm")
        + ("" if settings["widths"] is None else f"; widths {settings['widths']}")
    )
    if settings["n_init"] > 1:
        text += f"; best of {settings['n_init']} initialisations"
        if settings["init_epochs"] is not None:
            text += f" after {settings['init_epochs']} epochs"
    return text


def run(args: argparse.Namespace) -> int:
    settings = _settings(args)
    if args.scheduler is not None or args.local_cluster is not None:
        _import_distributed("--scheduler" if args.scheduler is not None else "--local-cluster")
    X, y, fs, description = _load_data(args, settings)
    if len(set(y.tolist())) < 2:
        raise UsageError("the data has a single class; need at least 2")
    _, counts = np.unique(y, return_counts=True)
    if counts.min() < settings["folds"]:
        raise UsageError(
            f"the smallest class has {counts.min()} signals, fewer than --folds "
            f"{settings['folds']}"
        )
    deep_params = _deep_params(settings)
    # What decides every fit's result; --resume insists on the same. Models, noise
    # kinds and SNRs may change: each fit depends on its own alone.
    protocol = {
        "data_sha256": data_fingerprint(X, y),
        "folds": settings["folds"],
        "seed": args.seed,
        "signals": "raw amplitudes" if args.raw_amplitudes else "standardised",
        **{key: settings[key] for key in _DEEP_SETTINGS},
    }
    results_file = RunFolder(args.out, protocol)
    completed = results_file.load() if args.resume else []  # checks, writes nothing
    print(f"data: {description}")
    print(_describe(settings, args.raw_amplitudes))
    if args.resume:
        print(f"resuming: {len(completed)} fold results in {results_file.csv}")
    start = time.perf_counter()
    with results_file:  # holds --out's lock from begin() to the end of the run
        results = _run_fits(args, settings, X, y, fs, deep_params, completed, results_file)
        _write_outputs(results, completed, results_file, start)
    return 0


def _run_fits(args, settings, X, y, fs, deep_params, completed, results_file: RunFolder):
    """The comparison's fold results, each saved in ``results_file`` as it ends."""
    with _dask_backend(args.scheduler, args.local_cluster) as cluster:
        if cluster is not None:
            print(f"fits: {cluster}")
        n_jobs = -1 if cluster is not None else _n_jobs(args.jobs, args.device)
        # The first write to --out (and its lock), once all is ready.
        results_file.begin(completed, args.resume)
        bar = _ProgressBar(enabled=not args.no_progress)

        def on_result(result, n_fits: int) -> None:
            results_file.append(result)
            bar.update(result, n_fits)

        try:
            results = run_comparison(
                X, y, settings["models"], noise_kinds=settings["noise"],
                snrs_db=settings["snrs"], n_splits=settings["folds"],
                deep_params=deep_params, device=args.device, fs=fs,
                standardize_signals=not args.raw_amplitudes,
                random_state=args.seed, n_jobs=n_jobs,
                on_result=on_result, completed=completed,
            )  # fmt: skip
        except BaseException:
            bar.close()
            if results_file.appended:
                print(
                    f"sklearn-drsn: note: {results_file.appended} new fold results are "
                    f"saved in {results_file.csv}; the same command with --resume goes "
                    "on from there",
                    file=sys.stderr,
                )
            raise
        bar.close()
    return results


def _write_outputs(results, completed, results_file: RunFolder, start: float) -> None:
    """The table on stdout; results.csv, summary.csv and the plot in the run's folder."""
    out = results_file.out
    # Rows of models or conditions that an earlier run had and this one has not
    # are kept in results.csv and in the summary: nothing measured is lost.
    done = {r.key for r in results}
    results = [r for r in completed if r.key not in done] + results
    summary = summarise(results)
    print()
    print(format_table(summary))
    write_csv(results, results_file.csv)
    _write_summary(summary, out / "summary.csv")
    outputs = [results_file.csv, out / "summary.csv"]
    try:
        plot_accuracy(summary, out / "accuracy.png")
        outputs.append(out / "accuracy.png")
    except ImportError:
        print("matplotlib is not installed: no plot (pip install 'sklearn-drsn[plot]')")
    print(f"\nwrote {', '.join(map(str, outputs))} in {time.perf_counter() - start:.0f} s")


class _ProgressBar:
    """A tqdm bar over the fits; the first result tells their number.

    The bar starts with the comparison, not at the first result: started
    there, it timed the first fit as instantaneous and showed thousands of
    fits per second.
    """

    def __init__(self, enabled: bool) -> None:
        self.bar = None
        if enabled:
            from tqdm.auto import tqdm

            self.bar = tqdm(total=None, desc="fits", unit="fit")

    def update(self, result, n_fits: int) -> None:
        if self.bar is None:
            return
        self.bar.total = n_fits
        self.bar.set_postfix_str(f"{result.model} {result.noise} {result.snr_db:g} dB")
        self.bar.update()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


@contextlib.contextmanager
def _dask_backend(scheduler: str | None, n_local: int | None) -> Iterator[str | None]:
    """joblib's Dask backend on a cluster for the ``with`` block; yields its description.

    Yields None, and changes nothing, when neither option is given. A local
    cluster is started here and closed at the end, also on errors.
    """
    if scheduler is None and n_local is None:
        yield None
        return
    _import_distributed("--scheduler" if scheduler is not None else "--local-cluster")
    import joblib
    from distributed import Client, LocalCluster
    from distributed.scheduler import KilledWorker

    with contextlib.ExitStack() as stack:
        if n_local is not None:
            try:
                cluster = stack.enter_context(
                    LocalCluster(
                        n_workers=n_local, threads_per_worker=1, processes=True,
                        host="127.0.0.1", dashboard_address=None,
                    )
                )  # fmt: skip
            except Exception as exc:
                raise UsageError(f"could not start a local Dask cluster: {exc}") from None
            client = stack.enter_context(Client(cluster))
            where = f"local Dask cluster of {n_local} single-threaded worker processes"
        else:
            try:
                client = stack.enter_context(Client(scheduler, timeout=CONNECT_TIMEOUT_S))
            except Exception as exc:
                reason = str(exc) or type(exc).__name__
                raise UsageError(
                    f"cannot reach the Dask scheduler at {scheduler!r}: {reason}"
                ) from None
            try:
                client.wait_for_workers(1, timeout=CONNECT_TIMEOUT_S)
            except Exception:
                raise UsageError(
                    f"the Dask scheduler at {scheduler!r} has no workers after "
                    f"{CONNECT_TIMEOUT_S:g} s; start some with: dask worker {scheduler}"
                ) from None
            nthreads = client.nthreads()
            where = (
                f"Dask cluster at {client.scheduler.address} "
                f"({len(nthreads)} workers, {sum(nthreads.values())} threads)"
            )
            if sum(nthreads.values()) == 1:
                # joblib runs a Parallel call in the calling process when the
                # backend offers a single worker thread.
                print(
                    "sklearn-drsn: note: the cluster has a single worker thread, so joblib "
                    "runs the fits in this process; start at least 2 worker threads",
                    file=sys.stderr,
                )
        stack.enter_context(joblib.parallel_backend(_register_dask_backend()))
        try:
            yield where
        except (KilledWorker, CancelledError) as exc:
            # KilledWorker: workers died running the task; cancelled: e.g. a dead
            # worker held the task's data.
            reason = (str(exc).splitlines() or [""])[0]
            raise ClusterError(
                "the Dask cluster lost a fit: did a worker die (out of memory? see the "
                f"worker logs)? {type(exc).__name__}: {reason}"
            ) from None


def _import_distributed(option: str) -> None:
    """Raise a UsageError naming ``option`` and the extra where Dask is not installed."""
    try:
        import distributed  # noqa: F401
    except ImportError:
        raise UsageError(
            f"{option} needs Dask, which is not installed: pip install 'sklearn-drsn[dask]'"
        ) from None


def _register_dask_backend() -> str:
    """Register joblib's Dask backend with a fix for lost tasks; returns its joblib name.

    joblib's Dask backend (1.6 and earlier) never tells ``Parallel`` about a
    task that Dask itself gave up on (``KilledWorker``: the task's workers
    died ``distributed.scheduler.allowed-failures`` + 1 times, e.g. out of
    memory), so the call waited forever. Here the failure is reported like
    an exception raised by the task: ``Parallel`` raises it.
    """
    import joblib

    try:
        from joblib._dask import DaskDistributedBackend
    except ImportError:  # a joblib that moved it: its own backend, unfixed
        return "dask"

    class Backend(DaskDistributedBackend):
        def submit(self, func, callback=None):
            future = super().submit(func, callback)
            if callback is not None and hasattr(future, "add_done_callback"):

                def report_failure(f) -> None:
                    # Successes already went to the callback; a second report is ignored.
                    if not f.cancelled() and f.exception() is not None:
                        callback(f.exception())

                future.add_done_callback(report_failure)
            return future

    joblib.register_parallel_backend(DASK_BACKEND, Backend)
    return DASK_BACKEND


def _n_jobs(jobs: int | None, device: str) -> int:
    if jobs is not None:
        return jobs
    # One process per core on the CPU; on a GPU, one process keeps the device busy.
    import torch

    on_gpu = device.startswith("cuda") or (device == "auto" and torch.cuda.is_available())
    return 1 if on_gpu else (os.cpu_count() or 1)


def _write_summary(summary: list[dict], path: Path) -> None:
    import csv

    with path.open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(summary[0]))
        writer.writeheader()
        writer.writerows(summary)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return run(args)
    except (UsageError, ValueError, OSError) as exc:
        print(f"sklearn-drsn: error: {exc}", file=sys.stderr)
        return 2
    except ClusterError as exc:
        print(f"sklearn-drsn: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("sklearn-drsn: interrupted", file=sys.stderr)
        return 130
