"""The main job's fits on a ``dask.distributed`` cluster, through joblib's Dask backend.

``--scheduler ADDRESS`` connects to a running cluster, ``--local-cluster N``
starts one on this machine for the run (the ``dask`` extra; see the user
guide's "Scaling out" page).
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from concurrent.futures import CancelledError

#: Seconds to wait for the Dask scheduler of ``--scheduler`` to answer.
CONNECT_TIMEOUT_S = 10.0
#: joblib's name of the Dask backend of ``--scheduler`` and ``--local-cluster``.
DASK_BACKEND = "sklearn-drsn-dask"


class ClusterSetupError(ValueError):
    """The cluster options cannot work (no Dask, no scheduler, no workers): exit status 2."""


class ClusterError(Exception):
    """The Dask cluster failed during the run (e.g. a worker died): one line, exit status 1."""


@contextlib.contextmanager
def dask_backend(scheduler: str | None, n_local: int | None) -> Iterator[str | None]:
    """joblib's Dask backend on a cluster for the ``with`` block; yields its description.

    Yields None, and changes nothing, when neither option is given. A local
    cluster is started here and closed at the end, also on errors.

    Raises
    ------
    ClusterSetupError
        If Dask is not installed, the local cluster does not start, or the
        scheduler does not answer or has no workers.
    ClusterError
        If the cluster loses a fit inside the ``with`` block.
    """
    if scheduler is None and n_local is None:
        yield None
        return
    import_distributed("--scheduler" if scheduler is not None else "--local-cluster")
    import joblib
    from distributed.scheduler import KilledWorker

    with contextlib.ExitStack() as stack:
        if n_local is not None:
            where = _start_local_cluster(stack, n_local)
        else:
            where = _connect(stack, scheduler)
        stack.enter_context(joblib.parallel_backend(register_dask_backend()))
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


def _start_local_cluster(stack: contextlib.ExitStack, n_local: int) -> str:
    """Start a cluster of ``n_local`` worker processes and a client on it, in ``stack``."""
    from distributed import Client, LocalCluster

    try:
        cluster = stack.enter_context(
            LocalCluster(
                n_workers=n_local, threads_per_worker=1, processes=True,
                host="127.0.0.1", dashboard_address=None,
            )
        )  # fmt: skip
    except Exception as exc:
        raise ClusterSetupError(f"could not start a local Dask cluster: {exc}") from None
    stack.enter_context(Client(cluster))
    return f"local Dask cluster of {n_local} single-threaded worker processes"


def _connect(stack: contextlib.ExitStack, scheduler: str) -> str:
    """A client of the cluster at ``scheduler``, in ``stack``, once it has a worker."""
    from distributed import Client

    try:
        client = stack.enter_context(Client(scheduler, timeout=CONNECT_TIMEOUT_S))
    except Exception as exc:
        reason = str(exc) or type(exc).__name__
        raise ClusterSetupError(
            f"cannot reach the Dask scheduler at {scheduler!r}: {reason}"
        ) from None
    try:
        client.wait_for_workers(1, timeout=CONNECT_TIMEOUT_S)
    except Exception:
        raise ClusterSetupError(
            f"the Dask scheduler at {scheduler!r} has no workers after "
            f"{CONNECT_TIMEOUT_S:g} s; start some with: dask worker {scheduler}"
        ) from None
    nthreads = client.nthreads()
    if sum(nthreads.values()) == 1:
        # joblib runs a Parallel call in the calling process when the backend
        # offers a single worker thread.
        print(
            "sklearn-drsn: note: the cluster has a single worker thread, so joblib "
            "runs the fits in this process; start at least 2 worker threads",
            file=sys.stderr,
        )
    return (
        f"Dask cluster at {client.scheduler.address} "
        f"({len(nthreads)} workers, {sum(nthreads.values())} threads)"
    )


def import_distributed(option: str) -> None:
    """Check that Dask is installed, for the command-line ``option`` that needs it.

    Raises
    ------
    ClusterSetupError
        Naming ``option`` and the extra to install, where Dask is missing.
    """
    try:
        import distributed  # noqa: F401
    except ImportError:
        raise ClusterSetupError(
            f"{option} needs Dask, which is not installed: pip install 'sklearn-drsn[dask]'"
        ) from None


def register_dask_backend() -> str:
    """Register joblib's Dask backend with a fix for lost tasks; returns its joblib name.

    joblib's Dask backend (1.6 and earlier) never tells ``Parallel`` about a
    task that Dask itself gave up on (``KilledWorker``: the task's workers
    died ``distributed.scheduler.allowed-failures`` + 1 times, e.g. out of
    memory), so the call would wait forever. Here the failure is reported
    like an exception raised by the task: ``Parallel`` raises it.
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
