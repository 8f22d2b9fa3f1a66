"""ONNX export: onnxruntime reproduces predict_proba (skipped without the onnx extra)."""

import logging
import warnings
from types import SimpleNamespace

import numpy as np
import pytest
import torch

from sklearn_drsn import DRSNClassifier
from sklearn_drsn.export import export_onnx

ort = pytest.importorskip("onnxruntime", reason="the onnx extra is not installed")
pytest.importorskip("onnxscript", reason="the onnx extra is not installed")


@pytest.mark.parametrize(
    ("channels", "shrinkage"), [(None, "cw"), (3, "cw"), (None, "cs"), (2, None)]
)
def test_onnx_matches_predict_proba_with_any_batch_size(
    tmp_path, channels, shrinkage, make_signals, fast_params
):
    X, y = make_signals(channels=channels, n_classes=3)
    clf = DRSNClassifier(**{**fast_params, "shrinkage": shrinkage}).fit(X, y)
    clf.to_onnx(tmp_path / "m.onnx")
    session = ort.InferenceSession(str(tmp_path / "m.onnx"))
    signals = X if channels else X[:, None, :]
    for batch in (signals[:1], signals[:7], signals):
        (proba,) = session.run(None, {"signals": batch.astype(np.float32)})
        np.testing.assert_allclose(
            proba, clf.predict_proba(batch.squeeze(1) if channels is None else batch), atol=1e-4
        )


class _RecordLogs(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages = []

    def emit(self, record):
        self.messages.append(record.getMessage())


@pytest.fixture
def warning_logs():
    """Messages of WARNING and above logged anywhere during the test."""
    # A record ends at the root logger or at the first logger that does not propagate
    # (torch.onnx is one), so the handler goes on all of those; caplog sees only the root.
    handler = _RecordLogs()
    loggers = [logging.getLogger()] + [
        logger
        for logger in logging.Logger.manager.loggerDict.values()
        if isinstance(logger, logging.Logger) and not logger.propagate
    ]
    for logger in loggers:
        logger.addHandler(handler)
    yield handler.messages
    for logger in loggers:
        logger.removeHandler(handler)


def test_to_onnx_emits_no_warning(tmp_path, warning_logs, make_signals, fast_params):
    X, y = make_signals()
    clf = DRSNClassifier(**{**fast_params, "max_epochs": 1}).fit(X, y)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        clf.to_onnx(tmp_path / "m.onnx")
    assert [str(w.message) for w in caught] == []
    assert warning_logs == []


class _WarnsInForward(torch.nn.Module):
    def forward(self, x):
        warnings.warn("a warning of the user's own network", FutureWarning, stacklevel=1)
        return x.flatten(1)


def test_export_onnx_keeps_other_warnings_and_restores_filters(tmp_path):
    filters = list(warnings.filters)
    logger_filters = list(logging.getLogger("torch.onnx._internal.exporter._registration").filters)
    # export_onnx reads only net_.module_, net_.device and input_shape_ of the estimator.
    estimator = SimpleNamespace(
        net_=SimpleNamespace(module_=_WarnsInForward(), device="cpu"), input_shape_=(1, 8)
    )
    with pytest.warns(FutureWarning, match="the user's own network"):
        export_onnx(estimator, tmp_path / "m.onnx")
    assert warnings.filters == filters
    assert logging.getLogger("torch.onnx._internal.exporter._registration").filters == (
        logger_filters
    )
