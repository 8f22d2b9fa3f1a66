"""The main job's run: data, checks, the fits (saved one by one) and the outputs.

:mod:`sklearn_drsn.cli` parses the command line and calls :func:`run`. Every
problem found before the first fit starts is a :class:`UsageError` (exit
status 2, the folder in ``--out`` left as it was); a failure during the fits
is a :class:`RunFailed` (exit status 1, the results so far kept for
``--resume``).
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import numpy as np

from ._dask import dask_backend, import_distributed
from ._run_folder import RunFolder, data_fingerprint
from .experiment import make_model, run_comparison
from .plotting import plot_accuracy
from .presets import DEEP_MODEL_NAMES, DEEP_PARAMS, PRESETS
from .results import SUMMARY_COLUMNS, format_snr, format_table, summarise, write_csv, write_rows

#: The exceptions of a fit that end the run with one line instead of a traceback.
FIT_FAILURES = (ValueError, RuntimeError, OSError, MemoryError)


class UsageError(Exception):
    """Bad input to the command line: reported as one line, exit status 2."""


class RunFailed(Exception):
    """A failure during the fits (e.g. a training that diverged): one line, exit status 1."""


def settings(args: argparse.Namespace) -> dict:
    """The preset of ``args.preset``, with every option the user gave in its place."""
    return {key: default if getattr(args, key, None) is None else getattr(args, key)
            for key, default in PRESETS[args.preset].items()}  # fmt: skip


def run(args: argparse.Namespace) -> int:
    """Run the comparison that ``args`` describes; returns the exit status (0).

    Raises
    ------
    UsageError
        For bad input, before any fit starts and before ``args.out`` changes.
    RunFailed
        If a fit fails.
    """
    config = settings(args)
    try:
        X, y, fs, description = _load_data(args, config)
        deep_params = {key: config[key] for key in DEEP_PARAMS}
        _check_input(X, y, config, deep_params, args)
        folder = RunFolder(args.out, _protocol(X, y, config, deep_params, args.raw_amplitudes))
        completed = folder.load() if args.resume else []  # checks, writes nothing
    except (ValueError, OSError) as exc:
        raise UsageError(str(exc)) from None
    print(f"data: {description}")
    print(_describe(config, args.raw_amplitudes))
    if args.preset == "quick":
        print("note: the quick preset is a smoke test: its accuracies mean nothing")
    if args.resume:
        print(f"resuming: {len(completed)} fold results in {folder.csv}")
    start = time.perf_counter()
    with folder:  # holds --out's lock from begin() to the end of the run
        results = _run_fits(args, config, X, y, fs, deep_params, completed, folder)
        _write_outputs(results, completed, folder, start)
    return 0


def _load_data(args: argparse.Namespace, config: dict):
    if args.data is not None:
        from .io import load_xy

        X, y = load_xy(args.data, args.x_key, args.y_key)
        return X, y, None, f"{args.data} ({len(X)} signals)"
    from .datasets import make_drivetrain

    fs = 12800.0
    X, y, _ = make_drivetrain(
        n_per_class=config["n_per_class"], length=config["length"], fs=fs,
        fault_severity=config["fault_severity"], random_state=config["random_state"],
    )  # fmt: skip
    return X, y, fs, f"drivetrain simulator ({len(X)} signals of {X.shape[-1]} samples)"


def _check_input(X, y, config: dict, deep_params: dict, args: argparse.Namespace) -> None:
    """Raise a UsageError for what would fail the run later: data, folds, settings, cluster."""
    source = args.data if args.data is not None else "the simulated data"
    try:
        finite = bool(np.isfinite(X).all())
    except TypeError:
        raise UsageError(f"{source}: the signals are not numbers; give numeric arrays") from None
    if not finite:
        raise UsageError(
            f"{source}: the signals have NaN or infinite values; remove or fill them first"
        )
    if len(set(np.asarray(y).tolist())) < 2:
        raise UsageError(f"{source}: the data has a single class; need at least 2")
    _, counts = np.unique(y, return_counts=True)
    if counts.min() < config["n_splits"]:
        raise UsageError(
            f"{source}: the smallest class has {counts.min()} signals, fewer than "
            f"--n-splits {config['n_splits']}; give more data or fewer splits"
        )
    for name in set(config["models"]) & set(DEEP_MODEL_NAMES):
        make_model(name, deep_params=deep_params)  # a ValueError for a bad setting
    if args.scheduler is not None or args.local_cluster is not None:
        import_distributed("--scheduler" if args.scheduler is not None else "--local-cluster")


def _protocol(X, y, config: dict, deep_params: dict, raw_amplitudes: bool) -> dict:
    """What decides every fit's result; --resume insists on the same.

    Models, noise kinds and SNRs may change between runs: each fit depends
    on its own alone.
    """
    return {
        "data_sha256": data_fingerprint(X, y),
        "n_splits": config["n_splits"],
        "random_state": config["random_state"],
        "signals": "raw amplitudes" if raw_amplitudes else "standardised",
        **deep_params,
    }


def _describe(config: dict, raw_amplitudes: bool) -> str:
    snrs = ", ".join(format_snr(s) for s in config["snrs_db"])
    text = (
        f"models: {', '.join(config['models'])}; noise: {', '.join(config['noise_kinds'])}; "
        f"SNRs: {snrs} dB; {config['n_splits']} folds; {config['max_epochs']} epochs of "
        f"batch {config['batch_size']}; "
        + ("raw amplitudes" if raw_amplitudes else "each signal standardised")
        + ("" if config["threshold_batch_norm"] else "; threshold nets without BatchNorm")
        + ("" if config["widths"] is None else f"; widths {config['widths']}")
    )
    if config["n_init"] > 1:
        text += f"; best of {config['n_init']} initialisations"
        if config["init_epochs"] is not None:
            text += f" after {config['init_epochs']} epochs"
    return text


def _run_fits(args, config, X, y, fs, deep_params, completed, folder: RunFolder):
    """The comparison's fold results, each saved in ``folder`` as it ends."""
    with dask_backend(args.scheduler, args.local_cluster) as cluster:
        if cluster is not None:
            print(f"fits: {cluster}")
        n_jobs = -1 if cluster is not None else _n_jobs(args.jobs, args.device)
        try:
            # The first write to --out (and its lock), once all is ready.
            folder.begin(completed, args.resume)
        except (ValueError, OSError) as exc:
            raise UsageError(str(exc)) from None
        bar = ProgressBar(enabled=not args.no_progress)

        def on_result(result, n_fits: int) -> None:
            folder.append(result)
            bar.update(result, n_fits)

        try:
            results = run_comparison(
                X, y, config["models"], noise_kinds=config["noise_kinds"],
                snrs_db=config["snrs_db"], n_splits=config["n_splits"],
                deep_params=deep_params, device=args.device, fs=fs,
                standardize_signals=not args.raw_amplitudes,
                random_state=config["random_state"], n_jobs=n_jobs,
                on_result=on_result, completed=completed,
            )  # fmt: skip
        except BaseException as exc:
            bar.close()
            if folder.appended:
                print(
                    f"sklearn-drsn: note: {folder.appended} new fold results are saved in "
                    f"{folder.csv}; the same command with --resume goes on from there",
                    file=sys.stderr,
                )
            if isinstance(exc, FIT_FAILURES):
                reason = (str(exc).splitlines() or [""])[0]
                raise RunFailed(f"a fit failed: {type(exc).__name__}: {reason}") from exc
            raise
        bar.close()
    return results


def _write_outputs(results, completed, folder: RunFolder, start: float) -> None:
    """The table on stdout; results.csv, summary.csv and the plot in the run's folder."""
    out = folder.out
    # Rows of models or conditions that an earlier run had and this one has not
    # are kept in results.csv and in the summary: nothing measured is lost.
    done = {r.key for r in results}
    results = [r for r in completed if r.key not in done] + results
    summary = summarise(results)
    print()
    print(format_table(summary))
    write_csv(results, folder.csv)
    write_rows(summary, out / "summary.csv", SUMMARY_COLUMNS)
    outputs = [folder.csv, out / "summary.csv"]
    try:
        plot_accuracy(summary, out / "accuracy.png")
        outputs.append(out / "accuracy.png")
    except ImportError:
        print("matplotlib is not installed: no plot (pip install 'sklearn-drsn[plot]')")
    print(f"\nwrote {', '.join(map(str, outputs))} in {time.perf_counter() - start:.0f} s")


class ProgressBar:
    """A tqdm bar over the fits; the first result tells their number.

    The bar starts with the comparison, not at the first result, so that it
    times the first fit too.
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


def _n_jobs(jobs: int | None, device: str) -> int:
    if jobs is not None:
        return jobs
    # One process per core on the CPU; on a GPU, one process keeps the device busy.
    import torch

    on_gpu = device.startswith("cuda") or (device == "auto" and torch.cuda.is_available())
    return 1 if on_gpu else (os.cpu_count() or 1)
