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
from .classifier import DRSNClassifier
from .experiment import make_model, run_comparison
from .plotting import plot_accuracy
from .presets import DATA_RECIPE, DEEP_MODEL_NAMES, DEEP_PARAMS, KEPT_WITH_OTHER_RECIPES, PRESETS
from .results import SUMMARY_COLUMNS, format_snr, format_table, summarise, write_csv, write_rows

#: The exceptions of a fit that end the run with one line instead of a traceback.
FIT_FAILURES = (ValueError, RuntimeError, OSError, MemoryError)


class UsageError(Exception):
    """Bad input to the command line: reported as one line, exit status 2."""


class RunFailed(Exception):
    """A failure during the fits (e.g. a training that diverged): one line, exit status 1."""


def settings(args: argparse.Namespace) -> dict:
    """The preset of ``args.preset``, with every option the user gave in its place.

    The deep models' recipe is the preset's ("paper") on the simulator and
    :data:`~sklearn_drsn.presets.DATA_RECIPE` ("auto") on the user's file,
    unless ``--recipe`` says. The presets' deep settings are made for the
    paper's recipe: with any other, those the user does not give are
    :class:`~sklearn_drsn.DRSNClassifier`'s defaults (so that the recipe
    chooses epochs and batch), but for
    :data:`~sklearn_drsn.presets.KEPT_WITH_OTHER_RECIPES`.
    """
    preset = dict(PRESETS[args.preset])
    if getattr(args, "data", None) is not None:
        preset["recipe"] = DATA_RECIPE
    if (getattr(args, "recipe", None) or preset["recipe"]) != "paper":
        defaults = DRSNClassifier().get_params()
        kept = {"recipe", *KEPT_WITH_OTHER_RECIPES[args.preset]}
        preset.update({key: defaults[key] for key in DEEP_PARAMS if key not in kept})
    return {key: default if getattr(args, key, None) is None else getattr(args, key)
            for key, default in preset.items()}  # fmt: skip


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
        test = _load_test_data(args, X, y)
        deep_params = {key: config[key] for key in DEEP_PARAMS}
        _check_input(X, y, config, deep_params, args, test)
        protocol = _protocol(X, y, config, deep_params, args.raw_amplitudes, test)
        folder = RunFolder(args.out, protocol)
        completed = folder.load() if args.resume else []  # checks, writes nothing
    except (ValueError, OSError) as exc:
        raise UsageError(str(exc)) from None
    print(f"data: {description}")
    if test is not None:
        print(f"test data: {args.test_data} ({len(test[0])} signals): one fit per model on all "
              "of --data, scored on it (no cross-validation)")  # fmt: skip
    print(_describe(config, args.raw_amplitudes, test is not None))
    if args.preset == "quick":
        print("note: the quick preset is a smoke test: its accuracies mean nothing")
    if args.resume:
        print(f"resuming: {len(completed)} fold results in {folder.csv}")
    start = time.perf_counter()
    with folder:  # holds --out's lock from begin() to the end of the run
        results = _run_fits(args, config, (X, y, test), fs, deep_params, completed, folder)
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


def _load_test_data(args: argparse.Namespace, X, y):
    """``(X_test, y_test)`` of ``--test-data``, checked against the training data, or None."""
    if args.test_data is None:
        return None
    if args.data is None:
        raise UsageError("--test-data needs --data, the training file it is the test split of")
    from .io import load_xy

    X_test, y_test = load_xy(args.test_data, args.x_key, args.y_key)
    if X_test.shape[1:] != X.shape[1:]:
        raise UsageError(
            f"--test-data {args.test_data} has samples of shape {X_test.shape[1:]} but --data "
            f"has {X.shape[1:]}; give the test split of the same data set"
        )
    unseen = sorted(set(np.asarray(y_test).tolist()) - set(np.asarray(y).tolist()), key=str)
    if unseen:
        few = ", ".join(map(repr, unseen[:3])) + (", ..." if len(unseen) > 3 else "")
        raise UsageError(
            f"--test-data {args.test_data} has {len(unseen)} labels that --data does not "
            f"have ({few}): the models cannot predict them; give the test split of the "
            "same data set"
        )
    return X_test, y_test


def _check_input(X, y, config: dict, deep_params: dict, args: argparse.Namespace, test) -> None:
    """Raise a UsageError for what would fail the run later: data, folds, settings, cluster."""
    # load_xy has already refused non-numeric and non-finite signals, naming the file.
    source = args.data if args.data is not None else "the simulated data"
    if len(set(np.asarray(y).tolist())) < 2:
        raise UsageError(f"{source}: the data has a single class; need at least 2")
    _, counts = np.unique(y, return_counts=True)
    if test is None and counts.min() < config["n_splits"]:
        raise UsageError(
            f"{source}: the smallest class has {counts.min()} signals, fewer than "
            f"--n-splits {config['n_splits']}; give more data or fewer splits"
        )
    for name in set(config["models"]) & set(DEEP_MODEL_NAMES):
        make_model(name, deep_params=deep_params)  # a ValueError for a bad setting
    if args.scheduler is not None or args.local_cluster is not None:
        import_distributed("--scheduler" if args.scheduler is not None else "--local-cluster")


def _protocol(X, y, config: dict, deep_params: dict, raw_amplitudes: bool, test) -> dict:
    """What decides every fit's result; --resume insists on the same.

    Models, noise kinds and SNRs may change between runs: each fit depends
    on its own alone. ``deep_params`` includes the recipe.
    """
    return {
        "data_sha256": data_fingerprint(X, y),
        "test_data_sha256": None if test is None else data_fingerprint(*test),
        "n_splits": config["n_splits"] if test is None else None,
        "random_state": config["random_state"],
        "signals": "raw amplitudes" if raw_amplitudes else "standardised",
        **deep_params,
    }


def _describe(config: dict, raw_amplitudes: bool, test_split: bool) -> str:
    snrs = ", ".join(format_snr(s) for s in config["snrs_db"])
    epochs, batch = config["max_epochs"], config["batch_size"]
    left = [name for name, value in (("epochs", epochs), ("batch", batch)) if value is None]
    text = (
        f"models: {', '.join(config['models'])}; noise: {', '.join(config['noise_kinds'])}; "
        f"SNRs: {snrs} dB; "
        + ("the test split" if test_split else f"{config['n_splits']} folds")
        + f"; recipe {config['recipe']}"
        + ("" if epochs is None else f", {epochs} epochs")
        + ("" if batch is None else f", batch {batch}")
        + ("" if epochs and batch else f" ({' and '.join(left)} from the recipe)")
        + "; "
        + ("raw amplitudes" if raw_amplitudes else "each signal standardised")
        + ("" if config["threshold_batch_norm"] else "; threshold nets without BatchNorm")
        + ("" if config["widths"] is None else f"; widths {config['widths']}")
    )
    if config["n_init"] > 1:
        text += f"; best of {config['n_init']} initialisations"
        if config["init_epochs"] is not None:
            text += f" after {config['init_epochs']} epochs"
    return text


def _run_fits(args, config, data, fs, deep_params, completed, folder: RunFolder):
    """The comparison's fold results, each saved in ``folder`` as it ends.

    ``data`` is ``(X, y, test)``, ``test`` being ``(X_test, y_test)`` or None.
    """
    X, y, test = data
    X_test, y_test = (None, None) if test is None else test
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
                on_result=on_result, completed=completed, X_test=X_test, y_test=y_test,
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
