"""The number of PyTorch threads that a fit or a prediction uses, restored afterwards."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import torch

__all__ = ["resolve_n_threads", "torch_threads"]


def _available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def resolve_n_threads(n_threads: int) -> int:
    """Threads for ``n_threads``: a positive count, or -1 for every core this process may use.

    With -1, a limit that the parallel backend set for its workers
    (``OMP_NUM_THREADS``, as joblib's loky backend does) caps the count, so
    that parallel fits do not oversubscribe the machine.

    Examples
    --------
    >>> resolve_n_threads(1)
    1
    >>> resolve_n_threads(-1) >= 1
    True
    """
    if n_threads != -1:
        return int(n_threads)
    cores = _available_cores()
    limit = os.environ.get("OMP_NUM_THREADS", "")
    return max(1, min(cores, int(limit))) if limit.isdigit() else cores


@contextmanager
def torch_threads(n_threads: int | None) -> Iterator[None]:
    """Run the block with ``n_threads`` PyTorch threads, then restore the caller's count.

    ``n_threads`` as in :func:`resolve_n_threads`; None leaves the count as
    it is. The count is restored also when the block raises, so an estimator
    never changes its caller's PyTorch settings.

    Examples
    --------
    >>> import torch
    >>> before = torch.get_num_threads()
    >>> with torch_threads(1):
    ...     torch.get_num_threads()
    1
    >>> torch.get_num_threads() == before
    True
    """
    previous = torch.get_num_threads()
    n_threads = previous if n_threads is None else resolve_n_threads(n_threads)
    if n_threads == previous:
        yield
        return
    torch.set_num_threads(n_threads)
    try:
        yield
    finally:
        torch.set_num_threads(previous)
