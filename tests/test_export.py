"""ONNX export: onnxruntime reproduces predict_proba (skipped without the onnx extra)."""

import numpy as np
import pytest

from sklearn_drsn import DRSNClassifier

from .test_classifier import FAST, make_signals

ort = pytest.importorskip("onnxruntime", reason="the onnx extra is not installed")
pytest.importorskip("onnxscript", reason="the onnx extra is not installed")


@pytest.mark.parametrize(
    ("channels", "shrinkage"), [(None, "cw"), (3, "cw"), (None, "cs"), (2, None)]
)
def test_onnx_matches_predict_proba_with_any_batch_size(tmp_path, channels, shrinkage):
    X, y = make_signals(channels=channels, n_classes=3)
    clf = DRSNClassifier(**{**FAST, "shrinkage": shrinkage}).fit(X, y)
    clf.to_onnx(tmp_path / "m.onnx")
    session = ort.InferenceSession(str(tmp_path / "m.onnx"))
    signals = X if channels else X[:, None, :]
    for batch in (signals[:1], signals[:7], signals):
        (proba,) = session.run(None, {"signals": batch.astype(np.float32)})
        np.testing.assert_allclose(
            proba, clf.predict_proba(batch.squeeze(1) if channels is None else batch), atol=1e-4
        )
