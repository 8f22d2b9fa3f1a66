"""save/load of DRSNClassifier in a format that torch loads with ``weights_only=True``.

The file is a ``torch.save`` of plain values (str, int, float, bool, None,
lists, tuples, dicts) and tensors, so loading never runs pickled code.
"""

from __future__ import annotations

import numpy as np
import torch

from . import __version__
from .classifier import RECIPES

FORMAT = "sklearn-drsn/DRSNClassifier"
FORMAT_VERSION = 3
# Version 1 (0.1.0.dev0 before recipes): no recipe/config, no input standardisation.
# Version 2: blocks_per_stage an int in params, not in config (the recipes did not
# set it). Version 3 files may hold blocks_per_stage=None, which version-2 readers
# would pass to the network, so they are told to refuse them.
READABLE_VERSIONS = (1, 2, 3)


def save_classifier(estimator, path) -> None:
    params = estimator.get_params()
    params["callbacks"] = None  # arbitrary objects; not representable without pickle
    if not (params["random_state"] is None or isinstance(params["random_state"], int)):
        params["random_state"] = None
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
    device = payload["device"]
    if device.startswith("cuda") and not torch.cuda.is_available():
        device = "cpu"
    input_shape = tuple(payload["input_shape"])
    classes = np.asarray(payload["classes"], dtype=np.dtype(payload["classes_dtype"]))
    net = estimator._make_net(config, input_shape[0], len(classes), len(input_shape) - 1, device)
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
    except Exception as exc:  # torch raises many kinds for truncated or foreign files
        raise ValueError(
            f"{path} is not a readable sklearn-drsn model file (truncated or corrupted?): "
            f"{type(exc).__name__}: {exc}"
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
