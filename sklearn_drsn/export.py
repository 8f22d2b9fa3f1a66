"""ONNX export of a fitted DRSNClassifier (the ``onnx`` extra).

The exported graph maps a float32 batch ``(batch, *input_shape_)`` to class
probabilities ``(batch, n_classes)`` in the order of ``classes_``, with a
dynamic batch size, so the model runs outside Python (onnxruntime, C++, ...).
"""

from __future__ import annotations

import contextlib
import logging
import warnings
from pathlib import Path

import torch
from torch import nn

__all__ = ["export_onnx"]

# The logger through which torch's exporter reports each torchvision operator it
# skips when torchvision is absent; our networks use none of those operators.
_REGISTRATION_LOGGER = "torch.onnx._internal.exporter._registration"


def _not_torchvision_absent(record: logging.LogRecord) -> bool:
    return not record.getMessage().startswith("torchvision is not installed")


@contextlib.contextmanager
def _exporter_noise_silenced():
    """Drop the exporter's messages that concern torch itself, not the user's model.

    Those are the torchvision notices above and the FutureWarning about
    ``LeafSpec`` that torch's own ``run_decompositions`` triggers; every other
    warning and log record passes.
    """
    logger = logging.getLogger(_REGISTRATION_LOGGER)
    logger.addFilter(_not_torchvision_absent)
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings(
                "ignore",
                message=r"`isinstance\(treespec, LeafSpec\)` is deprecated",
                category=FutureWarning,
            )
            yield
    finally:
        logger.removeFilter(_not_torchvision_absent)


class _Probabilities(nn.Module):
    """The network followed by a softmax: what ``predict_proba`` returns."""

    def __init__(self, network: nn.Module) -> None:
        super().__init__()
        self.network = network

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.softmax(self.network(x), dim=1)


def export_onnx(estimator, path, opset_version: int = 18) -> Path:
    """Write ``estimator``'s network, with a softmax, as an ONNX model.

    Parameters
    ----------
    estimator : DRSNClassifier
        A fitted estimator.
    path : str or path-like
        Destination ``.onnx`` file.
    opset_version : int, default=18
        ONNX opset.

    Returns
    -------
    Path
        ``path``.
    """
    try:
        import onnx  # noqa: F401
        import onnxscript  # noqa: F401
    except ImportError:
        raise ImportError(
            "ONNX export needs the onnx and onnxscript packages: pip install 'sklearn-drsn[onnx]'"
        ) from None
    path = Path(path)
    module = _Probabilities(estimator.net_.module_).to("cpu").eval()
    example = torch.zeros((2, *estimator.input_shape_), dtype=torch.float32)
    try:
        with _exporter_noise_silenced():
            torch.onnx.export(
                module,
                (example,),
                str(path),
                dynamo=True,
                input_names=["signals"],
                output_names=["probabilities"],
                dynamic_shapes={"x": {0: torch.export.Dim("batch")}},
                opset_version=opset_version,
                verbose=False,
            )
    finally:
        estimator.net_.module_.to(estimator.net_.device)
    return path
