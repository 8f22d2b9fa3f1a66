"""Model files of DRSNClassifier, in a format that torch loads with ``weights_only=True``.

The file is a ``torch.save`` of plain values (str, int, float, bool, None,
lists, tuples, dicts) and tensors, so loading never runs pickled code. The
estimator gets ``save``, ``load`` and ``to_onnx`` from :class:`ModelFileMixin`;
this module never imports the estimator.
"""

from __future__ import annotations

import numbers
import pickle
from pathlib import Path

import numpy as np
import torch
from sklearn.utils.validation import check_is_fitted

from ._recipes import RECIPES, UNRECORDED_ARCHITECTURE
from ._training import make_net
from ._version import __version__

__all__ = ["FORMAT", "FORMAT_VERSION", "ModelFileMixin", "load_classifier", "save_classifier"]

FORMAT = "sklearn-drsn/DRSNClassifier"
FORMAT_VERSION = 3
# Version 1 (0.1.0.dev0 before recipes): no recipe/config, no input standardisation.
# Version 2: blocks_per_stage an int in params, not in config (the recipes did not
# set it). Version 3 files may hold blocks_per_stage=None, which version-2 readers
# would pass to the network, so they are told to refuse them.
READABLE_VERSIONS = (1, 2, 3)


class ModelFileMixin:
    """``save``, ``load`` and ``to_onnx`` for a fitted DRSNClassifier."""

    def save(self, path) -> None:
        """Save the fitted model to a file that loads without running pickled code.

        The file holds only plain values and tensors, so :meth:`load` reads
        it with ``torch.load(..., weights_only=True)``. Training history and
        custom ``callbacks`` are not saved; use pickle for those.

        Parameters
        ----------
        path : str or path-like
            Destination file.

        Examples
        --------
        >>> import os, tempfile
        >>> import numpy as np
        >>> from sklearn_drsn import DRSNClassifier
        >>> X = np.random.default_rng(0).normal(size=(20, 32))
        >>> clf = DRSNClassifier(max_epochs=1, random_state=0).fit(X, ["a", "b"] * 10)
        >>> path = os.path.join(tempfile.mkdtemp(), "model.pt")
        >>> clf.save(path)
        >>> restored = DRSNClassifier.load(path)
        >>> bool((restored.predict_proba(X) == clf.predict_proba(X)).all())
        True
        """
        check_is_fitted(self)
        save_classifier(self, path)

    @classmethod
    def load(cls, path):
        """Load a model written by :meth:`save` (on the CPU when no GPU is visible).

        Parameters
        ----------
        path : str or path-like
            File written by :meth:`save`.

        Returns
        -------
        estimator
            A fitted estimator that predicts as the saved one did.

        Raises
        ------
        ValueError
            If the file is missing, truncated, corrupted, not a sklearn-drsn
            model, or of an incompatible format version.
        """
        return load_classifier(cls, path)

    def to_onnx(self, path) -> None:
        """Export the fitted network, with a softmax, to an ONNX file.

        The graph's input ``signals`` is a float32 array of shape
        ``(batch, *input_shape_)`` (for signals fitted as 2-D ``(n, length)``
        arrays, add the channel axis: ``X[:, None, :]``); its output
        ``probabilities`` matches :meth:`predict_proba`, columns in the order
        of ``classes_``. The batch size is dynamic. Needs the ``onnx`` extra.

        Parameters
        ----------
        path : str or path-like
            Destination ``.onnx`` file.
        """
        from .export import export_onnx

        check_is_fitted(self)
        export_onnx(self, path)


def save_classifier(estimator, path) -> None:
    folder = Path(path).expanduser().resolve().parent
    if not folder.is_dir():
        raise ValueError(
            f"cannot save the model to {path}: the folder {folder} does not exist; "
            "create it first (os.makedirs) or choose another path"
        )
    params = estimator.get_params()
    params["callbacks"] = None  # arbitrary objects; not representable without pickle
    seed = params["random_state"]
    # A NumPy integer is a seed like an int; a RandomState object has no plain form.
    params["random_state"] = int(seed) if isinstance(seed, numbers.Integral) else None
    names = getattr(estimator, "feature_names_in_", None)
    payload = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "package_version": __version__,
        "params": params,
        "classes": estimator.classes_.tolist(),
        "classes_dtype": estimator.classes_.dtype.str,
        "input_shape": list(estimator.input_shape_),
        "n_features_in": int(estimator.n_features_in_),
        "feature_names_in": None if names is None else names.tolist(),
        "device": estimator.device_,
        "n_epochs": int(estimator.n_epochs_),
        "recipe": estimator.recipe_,
        "config": {**estimator.config_, "widths": list(estimator.config_["widths"])},
        "state_dict": {
            k: v.detach().cpu() for k, v in estimator.net_.module_.state_dict().items()
        },
    }
    torch.save(payload, path)


def load_classifier(cls, path):
    payload = _read(path)
    if payload["format_version"] == 1:
        payload = _upgrade_from_v1(payload)
    if "blocks_per_stage" not in payload["config"]:  # version 2
        payload["config"]["blocks_per_stage"] = payload["params"]["blocks_per_stage"]
    # Files from before these parameters existed: trained with the threshold
    # BatchNorm, and with the running averages of the last mini-batches.
    old_defaults = {"threshold_batch_norm": True, "recompute_batch_norm": False}
    estimator = cls(**{**old_defaults, **payload["params"]})
    config = {**payload["config"], "widths": tuple(payload["config"]["widths"])}
    config.setdefault("recipe_rule", "not recorded")  # saved before the rule was recorded
    for name, value in UNRECORDED_ARCHITECTURE.items():  # saved before these keys existed
        config.setdefault(name, value)
    device = payload["device"]
    if device.startswith("cuda") and not torch.cuda.is_available():
        device = "cpu"
    input_shape = tuple(payload["input_shape"])
    classes = np.asarray(payload["classes"], dtype=np.dtype(payload["classes_dtype"]))
    params = estimator.get_params(deep=False)
    net = make_net(params, config, input_shape[0], len(classes), len(input_shape) - 1, device)
    net.initialize()
    try:
        net.module_.load_state_dict(payload["state_dict"])
    except RuntimeError as exc:
        raise ValueError(
            f"{path}: the weights do not fit the saved configuration: {exc}"
        ) from None
    net.module_.eval()
    estimator.classes_ = classes
    estimator.input_shape_ = input_shape
    estimator.n_features_in_ = payload["n_features_in"]
    if payload["feature_names_in"] is not None:
        estimator.feature_names_in_ = np.asarray(payload["feature_names_in"], dtype=object)
    estimator.device_ = device
    estimator.net_ = net
    estimator.history_ = net.history
    estimator.n_epochs_ = payload["n_epochs"]
    estimator.recipe_ = payload["recipe"]
    estimator.config_ = config
    return estimator


def _upgrade_from_v1(payload: dict) -> dict:
    """A version-1 payload in the current form: explicit hyper-parameters, identity scaling."""
    params = dict(payload["params"])
    config = {name: params[name] for name in RECIPES["paper"]}
    params.update(recipe="paper", standardize=False)
    channels = payload["input_shape"][0]
    state = dict(payload["state_dict"])
    state.setdefault("standardize.mean", torch.zeros(channels))
    state.setdefault("standardize.scale", torch.ones(channels))
    return {**payload, "params": params, "config": config, "recipe": "paper", "state_dict": state}


def _read(path) -> dict:
    try:
        payload = torch.load(path, map_location="cpu", weights_only=True)
    except FileNotFoundError:
        raise ValueError(f"no such file: {path}") from None
    except pickle.UnpicklingError:
        # torch's own text here asks the user to load with weights_only=False.
        raise ValueError(
            f"{path} holds pickled Python objects, not a model saved by "
            "DRSNClassifier.save; if it is a pickle of a DRSNClassifier that you trust, "
            "load it with pickle.load"
        ) from None
    except Exception:  # torch raises many kinds (KeyError, RuntimeError, ...) for foreign files
        raise ValueError(
            f"{path} is not a model saved by DRSNClassifier.save (not a torch file, or "
            "truncated or corrupted); save the model again with DRSNClassifier.save"
        ) from None
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise ValueError(f"{path} is not a model saved by DRSNClassifier.save")
    if payload.get("format_version") not in READABLE_VERSIONS:
        raise ValueError(
            f"{path} was saved in format version {payload.get('format_version')!r} by "
            f"sklearn-drsn {payload.get('package_version')}; this is sklearn-drsn "
            f"{__version__}, which reads format versions {READABLE_VERSIONS}. Load it with the "
            "version that saved it, or refit"
        )
    return payload
