"""Inference outside training: fixed-size batches, and hooks that read the thresholds."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch

__all__ = [
    "as_network_input",
    "forward_in_batches",
    "inference_batch_size",
    "shrinkage_thresholds",
]

# Inference batches: at most this many samples, and about this many input values.
INFERENCE_BATCH = 128
INFERENCE_VALUES = 1 << 22


def as_network_input(X: np.ndarray) -> np.ndarray:
    """(n, length) -> (n, 1, length); 3-D and 4-D arrays are already (n, C, ...)."""
    if X.ndim > 4:
        raise ValueError(
            f"X must be 2-D (n_samples, length), 3-D (n_samples, channels, length) or "
            f"4-D (n_samples, channels, height, width); got {X.ndim}-D with shape {X.shape}"
        )
    return X[:, None, :] if X.ndim == 2 else X


def inference_batch_size(shape: tuple[int, ...]) -> int:
    """Samples per batch outside training: at most 128, and about 4 M input values."""
    per_sample = int(np.prod(shape[1:]))
    return max(1, min(INFERENCE_BATCH, INFERENCE_VALUES // max(per_sample, 1)))


@torch.inference_mode()
def forward_in_batches(
    forward: Callable[[torch.Tensor], torch.Tensor], X: np.ndarray, device: str
) -> torch.Tensor:
    """``forward`` over ``X`` in fixed-size batches, so memory does not grow with ``len(X)``.

    Every batch has the same size, the last one padded with zeros: float32
    kernels pick batch-size-dependent blockings, so a sample's output could
    otherwise change in the 7th digit with the batch it lands in. With a
    fixed batch size, ``predict_proba(X)[i] == predict_proba(X[i:i+1])``
    exactly (eval-mode BatchNorm makes samples independent of each other).
    """
    size = inference_batch_size(X.shape)
    out = None
    for start in range(0, len(X), size):
        batch = torch.as_tensor(X[start : start + size]).to(device)
        n = len(batch)
        if n < size:
            batch = torch.cat([batch, batch.new_zeros((size - n, *batch.shape[1:]))])
        result = forward(batch)[:n]
        if out is None:
            # One output allocated up front: a small tensor kept per batch between
            # the batches' large temporaries fragments the heap.
            out = torch.empty((len(X), *result.shape[1:]), dtype=result.dtype)
        out[start : start + n] = result
    return out


def shrinkage_thresholds(
    module: torch.nn.Module, X: np.ndarray, device: str
) -> dict[str, np.ndarray]:
    """The thresholds of every shrinkage unit of ``module`` for each sample of ``X``.

    Keyed by the unit's module path; ``(n_samples, channels)`` for
    channel-wise and ``(n_samples, 1)`` for channel-shared thresholds. Empty
    when the network has no shrinkage units.
    """
    units = {
        name.removesuffix(".shrinkage"): m.threshold
        for name, m in module.named_modules()
        if name.endswith(".shrinkage") and m is not None
    }
    if not units:
        return {}
    captured: list[torch.Tensor] = []
    hooks = [
        m.register_forward_hook(lambda _m, _i, out: captured.append(out.flatten(1)))
        for m in units.values()
    ]

    def run(batch: torch.Tensor) -> torch.Tensor:
        captured.clear()
        module(batch)
        return torch.cat(captured, dim=1)

    try:
        flat = forward_in_batches(run, X, device).numpy()
    finally:
        for hook in hooks:
            hook.remove()
    widths = [m.fc2.out_features for m in units.values()]
    return dict(zip(units, np.split(flat, np.cumsum(widths)[:-1], axis=1)))
