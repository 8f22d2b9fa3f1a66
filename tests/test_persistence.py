"""save/load: a safe file format that restores an identically predicting estimator."""

import pickle
from pathlib import Path

import numpy as np
import pytest
import torch
from sklearn.base import clone

from sklearn_drsn import DRSNClassifier
from sklearn_drsn._persistence import FORMAT, FORMAT_VERSION


@pytest.mark.parametrize(
    "labels",
    [np.array(["ok", "fault"]), np.array([3, 17]), np.array([True, False])],
    ids=["strings", "ints", "bools"],
)
@pytest.mark.parametrize("shrinkage", ["cw", "cs", None])
def test_round_trip_predicts_identically(tmp_path, labels, shrinkage, make_signals, fast_params):
    X, y = make_signals()
    clf = DRSNClassifier(**{**fast_params, "shrinkage": shrinkage}).fit(X, labels[y])
    clf.save(tmp_path / "m.pt")
    restored = DRSNClassifier.load(tmp_path / "m.pt")
    np.testing.assert_array_equal(restored.predict_proba(X), clf.predict_proba(X))
    np.testing.assert_array_equal(restored.predict(X), clf.predict(X))
    assert restored.classes_.dtype == clf.classes_.dtype
    assert restored.get_params() == clf.get_params()
    assert restored.input_shape_ == clf.input_shape_


def test_file_loads_with_weights_only(tmp_path, make_signals, fast_params):
    X, y = make_signals(channels=2)
    DRSNClassifier(**fast_params).fit(X, y).save(tmp_path / "m.pt")
    payload = torch.load(tmp_path / "m.pt", weights_only=True)
    assert payload["format"] == FORMAT and payload["input_shape"] == [2, 32]


def test_feature_names_survive(tmp_path, make_signals, fast_params):
    pd = pytest.importorskip("pandas")
    X, y = make_signals(length=6)
    df = pd.DataFrame(X, columns=list("abcdef"))
    DRSNClassifier(**fast_params).fit(df, y).save(tmp_path / "m.pt")
    restored = DRSNClassifier.load(tmp_path / "m.pt")
    assert list(restored.feature_names_in_) == list("abcdef")
    assert restored.predict(df).shape == (len(df),)


def test_restored_estimator_clones_and_refits(tmp_path, make_signals, fast_params):
    X, y = make_signals()
    DRSNClassifier(**fast_params).fit(X, y).save(tmp_path / "m.pt")
    restored = DRSNClassifier.load(tmp_path / "m.pt")
    assert clone(restored).fit(X, y).score(X, y) >= 0


def test_save_needs_a_fitted_model(tmp_path):
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        DRSNClassifier().save(tmp_path / "m.pt")


@pytest.fixture
def saved(tmp_path, make_signals, fast_params):
    X, y = make_signals()
    DRSNClassifier(**fast_params).fit(X, y).save(tmp_path / "m.pt")
    return tmp_path / "m.pt"


def test_truncated_file(saved):
    saved.write_bytes(saved.read_bytes()[:200])
    with pytest.raises(ValueError, match="truncated or corrupted"):
        DRSNClassifier.load(saved)


def test_corrupted_file(saved):
    data = bytearray(saved.read_bytes())
    data[: len(data) // 2] = b"\x00" * (len(data) // 2)
    saved.write_bytes(bytes(data))
    with pytest.raises(ValueError, match="truncated or corrupted"):
        DRSNClassifier.load(saved)


def test_a_pickle_is_refused_with_what_to_do(saved, tmp_path, make_signals, fast_params):
    X, y = make_signals()
    clf = DRSNClassifier(**fast_params).fit(X, y)
    (tmp_path / "m.pkl").write_bytes(pickle.dumps(clf))
    with pytest.raises(ValueError, match=r"pickled Python objects.*pickle\.load") as info:
        DRSNClassifier.load(tmp_path / "m.pkl")
    assert "weights_only" not in str(info.value)  # none of torch's advice to run pickles


def test_a_text_file_is_refused_in_words(tmp_path):
    (tmp_path / "notes.txt").write_text("hello\n")
    with pytest.raises(ValueError, match=r"not a model saved by DRSNClassifier\.save") as info:
        DRSNClassifier.load(tmp_path / "notes.txt")
    assert "KeyError" not in str(info.value)


def test_save_into_a_missing_folder_says_so_and_writes_nothing(saved, tmp_path):
    clf = DRSNClassifier.load(saved)
    target = tmp_path / "missing" / "m.pt"
    with pytest.raises(ValueError, match=r"folder .*missing does not exist; create it"):
        clf.save(target)
    assert not (tmp_path / "missing").exists()


def test_file_of_another_kind(tmp_path):
    torch.save({"weights": torch.zeros(3)}, tmp_path / "other.pt")
    with pytest.raises(ValueError, match=r"not a model saved by DRSNClassifier\.save"):
        DRSNClassifier.load(tmp_path / "other.pt")


def test_incompatible_format_version(saved):
    payload = torch.load(saved, weights_only=True)
    payload["format_version"] = FORMAT_VERSION + 1
    torch.save(payload, saved)
    with pytest.raises(ValueError, match=f"format version {FORMAT_VERSION + 1}"):
        DRSNClassifier.load(saved)


def test_reads_version_1_files(tmp_path, make_signals, fast_params):
    # Version 1 had explicit hyper-parameters, no recipe and no input scaling: write
    # such a file from a model fitted that way and check it predicts the same.
    X, y = make_signals()
    explicit = dict(widths=(4, 8, 16), kernel_size=3, lr=0.1, lr_schedule="paper", optimizer="sgd")
    clf = DRSNClassifier(**fast_params, **explicit, standardize=False).fit(X, y)
    clf.save(tmp_path / "m.pt")
    payload = torch.load(tmp_path / "m.pt", weights_only=True)
    payload["format_version"] = 1
    for key in ("recipe", "config"):
        del payload[key]
    for key in ("recipe", "standardize"):
        del payload["params"][key]
    for key in ("standardize.mean", "standardize.scale"):
        del payload["state_dict"][key]
    torch.save(payload, tmp_path / "v1.pt")
    restored = DRSNClassifier.load(tmp_path / "v1.pt")
    np.testing.assert_array_equal(restored.predict_proba(X), clf.predict_proba(X))
    # Files of before the rule was recorded say so.
    assert restored.config_ == {**clf.config_, "recipe_rule": "not recorded"}


def test_reads_version_2_files_whose_blocks_per_stage_was_a_plain_parameter(
    tmp_path, make_signals, fast_params
):
    # Version 2 stored blocks_per_stage in params only (an int; the recipes did not
    # set it), and its config had no such key.
    X, y = make_signals()
    clf = DRSNClassifier(**{**fast_params, "blocks_per_stage": 2}).fit(X, y)
    clf.save(tmp_path / "m.pt")
    payload = torch.load(tmp_path / "m.pt", weights_only=True)
    payload["format_version"] = 2
    del payload["config"]["blocks_per_stage"]
    torch.save(payload, tmp_path / "v2.pt")
    restored = DRSNClassifier.load(tmp_path / "v2.pt")
    assert len(restored.net_.module_.stages[0]) == 2
    np.testing.assert_array_equal(restored.predict_proba(X), clf.predict_proba(X))
    assert restored.config_ == clf.config_


def test_a_recipe_chosen_depth_survives_the_round_trip(tmp_path, make_signals):
    X, y = make_signals()
    clf = DRSNClassifier(recipe="small", max_epochs=1, random_state=0).fit(X, y)
    clf.save(tmp_path / "m.pt")
    restored = DRSNClassifier.load(tmp_path / "m.pt")
    assert restored.blocks_per_stage is None and restored.batch_size is None
    assert restored.config_ == clf.config_
    assert len(restored.net_.module_.stages[0]) == clf.config_["blocks_per_stage"]
    np.testing.assert_array_equal(restored.predict_proba(X), clf.predict_proba(X))


# Files written before a parameter existed were trained as its old behaviour.
@pytest.mark.parametrize(
    "param, old_behaviour", [("threshold_batch_norm", True), ("recompute_batch_norm", False)]
)
def test_later_parameters_are_saved_and_older_files_get_the_old_behaviour(
    tmp_path, param, old_behaviour, make_signals, fast_params
):
    X, y = make_signals()
    clf = DRSNClassifier(**fast_params, **{param: not old_behaviour}).fit(X, y)
    clf.save(tmp_path / "m.pt")
    restored = DRSNClassifier.load(tmp_path / "m.pt")
    assert getattr(restored, param) is (not old_behaviour)
    np.testing.assert_array_equal(restored.predict_proba(X), clf.predict_proba(X))
    old = DRSNClassifier(**fast_params, **{param: old_behaviour}).fit(X, y)
    old.save(tmp_path / "old.pt")
    payload = torch.load(tmp_path / "old.pt", weights_only=True)
    del payload["params"][param]
    torch.save(payload, tmp_path / "old.pt")
    restored = DRSNClassifier.load(tmp_path / "old.pt")
    assert getattr(restored, param) is old_behaviour
    np.testing.assert_array_equal(restored.predict_proba(X), old.predict_proba(X))


def test_missing_file(tmp_path):
    with pytest.raises(ValueError, match="no such file"):
        DRSNClassifier.load(tmp_path / "nope.pt")


@pytest.mark.gpu
def test_cuda_trained_model_loads_on_cpu(
    tmp_path, make_signals, fast_params, predict_proba_in_fresh_process
):
    X, y = make_signals()
    clf = DRSNClassifier(**{**fast_params, "device": "cuda"}).fit(X, y)
    clf.save(tmp_path / "m.pt")
    load = "DRSNClassifier.load(d + '/m.pt')"
    proba = predict_proba_in_fresh_process(tmp_path, load, X, hide_gpu=True)
    np.testing.assert_allclose(proba, clf.predict_proba(X), atol=1e-4)


def test_a_committed_version_3_file_predicts_as_when_it_was_saved():
    # tests/data/model_v3.pt was saved by the release before the estimator was split
    # into modules; its outputs were recorded then. Tolerances, not equality: float32
    # kernels round differently on other CPUs.
    data = Path(__file__).parent / "data"
    expected = np.load(data / "model_v3_expected.npz")
    clf = DRSNClassifier.load(data / "model_v3.pt")
    X = expected["X"]
    np.testing.assert_allclose(clf.predict_proba(X), expected["proba"], rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(clf.embed(X), expected["embed"], rtol=1e-4, atol=1e-6)
    taus = clf.thresholds(X)
    assert sorted(taus) == sorted(k[4:] for k in expected.files if k.startswith("tau_"))
    for unit, tau in taus.items():
        np.testing.assert_allclose(tau, expected["tau_" + unit], rtol=1e-4, atol=1e-6)


def test_a_numpy_integer_seed_is_saved_as_that_seed(tmp_path, make_signals, fast_params):
    X, y = make_signals(n_per_class=6, length=16)
    clf = DRSNClassifier(**{**fast_params, "random_state": np.int64(7)}).fit(X, y)
    clf.save(tmp_path / "m.pt")
    assert DRSNClassifier.load(tmp_path / "m.pt").random_state == 7
