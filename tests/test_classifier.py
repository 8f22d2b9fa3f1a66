"""DRSNClassifier behaviour: inputs, labels, errors, determinism, training options."""

import pickle

import numpy as np
import pytest
import scipy.sparse as sp
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

import sklearn_drsn._training
from sklearn_drsn import DRSNClassifier
from sklearn_drsn._inference import INFERENCE_BATCH as _INFERENCE_BATCH
from sklearn_drsn._recipes import SMALL_SCHEDULE, choose_recipe, resolve_config, small_schedule
from sklearn_drsn._training import candidate_seeds as _candidate_seeds

# The paper's recipe on a shortened network: these tests are about the contract.


@pytest.fixture(scope="module")
def data(make_signals):
    return make_signals()


@pytest.fixture(scope="module")
def fitted(data, fast_params):
    return DRSNClassifier(**fast_params).fit(*data)


# ----------------------------------------------------------------- inputs
@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.float16, np.int64])
def test_fit_and_predict_do_not_modify_the_callers_array(data, dtype, fast_params):
    X, y = data
    X = (X * 10).astype(dtype)
    X_before, y_before = X.copy(), y.copy()
    clf = DRSNClassifier(**fast_params).fit(X, y)
    clf.predict_proba(X)
    np.testing.assert_array_equal(X, X_before)
    np.testing.assert_array_equal(y, y_before)


def test_read_only_memmap_input(data, tmp_path, fast_params):
    X, y = data
    path = tmp_path / "X.npy"
    np.save(path, X)
    X_ro = np.load(path, mmap_mode="r")
    clf = DRSNClassifier(**fast_params).fit(X_ro, y)
    assert clf.predict(X_ro).shape == y.shape


def test_lists_are_accepted(data, fast_params):
    X, y = data
    clf = DRSNClassifier(**fast_params).fit(X.tolist(), y.tolist())
    assert clf.predict(X[:3].tolist()).shape == (3,)


def test_dataframe_sets_feature_names(make_signals, fast_params):
    pd = pytest.importorskip("pandas")
    X, y = make_signals(length=8)
    df = pd.DataFrame(X, columns=[f"t{i}" for i in range(8)])
    clf = DRSNClassifier(**fast_params).fit(df, y)
    assert list(clf.feature_names_in_) == list(df.columns)
    assert clf.n_features_in_ == 8


def test_multichannel_signals(make_signals, fast_params):
    X, y = make_signals(channels=3)
    clf = DRSNClassifier(**fast_params).fit(X, y)
    assert clf.input_shape_ == (3, 32)
    assert clf.net_.module_.stem.in_channels == 3
    assert clf.predict_proba(X).shape == (len(X), 2)


def test_images_use_2d_convolutions(fast_params):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 1, 8, 8))
    y = np.repeat([0, 1], 20)
    X[y == 1, :, 2:6, 2:6] += 2.0
    clf = DRSNClassifier(**fast_params).fit(X, y)
    assert isinstance(clf.net_.module_.stem, torch.nn.Conv2d)
    assert clf.predict(X).shape == (40,)


@pytest.mark.parametrize("length", [1, 2, 3, 7])
def test_very_short_signals(length, make_signals, fast_params):
    X, y = make_signals(length=length)
    assert DRSNClassifier(**fast_params).fit(X, y).predict(X).shape == y.shape


# ----------------------------------------------------------------- labels
@pytest.mark.parametrize(
    "labels",
    [np.array(["healthy", "inner_race", "outer"]), np.array([-5, 3, 40]), np.array([True, False])],
    ids=["strings", "non_contiguous_ints", "booleans"],
)
def test_predictions_are_the_users_labels(labels, make_signals, fast_params):
    X, y = make_signals(n_classes=len(labels))
    y_user = labels[y]
    clf = DRSNClassifier(**fast_params).fit(X, y_user)
    np.testing.assert_array_equal(clf.classes_, np.unique(y_user))
    assert set(clf.predict(X)) <= set(labels)
    proba = clf.predict_proba(X)
    assert proba.shape == (len(X), len(labels))
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_array_equal(clf.classes_[proba.argmax(axis=1)], clf.predict(X))


def test_learns_a_separable_problem(make_signals):
    X, y = make_signals(n_classes=3, n_per_class=40)
    clf = DRSNClassifier(blocks_per_stage=1, max_epochs=20, batch_size=16, random_state=0)
    assert clf.fit(X, y).score(X, y) > 0.9


# ----------------------------------------------------------------- errors
BAD_X = {
    "nan": (lambda X: np.where(np.arange(X.size).reshape(X.shape) == 5, np.nan, X), "NaN"),
    "inf": (lambda X: np.where(np.arange(X.size).reshape(X.shape) == 5, np.inf, X), "infinity"),
    "complex": (lambda X: X + 1j, "[Cc]omplex"),
    "five_d": (lambda X: X.reshape(len(X), 1, 1, 1, -1), "4-D"),
}


@pytest.mark.parametrize("case", sorted(BAD_X))
def test_bad_X_raises_value_error_and_keeps_previous_fit(fitted, data, case):
    X, y = data
    make_bad, match = BAD_X[case]
    clf = clone(fitted).fit(X, y)
    before = clf.predict_proba(X)
    with pytest.raises(ValueError, match=match):
        clf.fit(make_bad(X), y)
    np.testing.assert_array_equal(clf.predict_proba(X), before)


def test_empty_input(data, fast_params):
    with pytest.raises(ValueError, match="0 sample"):
        DRSNClassifier(**fast_params).fit(np.empty((0, 32)), np.empty(0))


def test_single_sample(data, fast_params):
    X, y = data
    with pytest.raises(ValueError, match="1 sample"):
        DRSNClassifier(**fast_params).fit(X[:1], y[:1])


def test_single_class(data, fast_params):
    X, _ = data
    with pytest.raises(ValueError, match="at least 2 classes"):
        DRSNClassifier(**fast_params).fit(X, np.zeros(len(X)))


def test_continuous_target(data, fast_params):
    X, _ = data
    with pytest.raises(ValueError, match="Unknown label type"):
        DRSNClassifier(**fast_params).fit(X, np.linspace(0, 1, len(X)))


def test_sparse_input_is_refused(data, fast_params):
    X, y = data
    with pytest.raises(TypeError, match="dense data is required"):
        DRSNClassifier(**fast_params).fit(sp.csr_matrix(X), y)


def test_predict_with_a_different_length(fitted, data):
    X, _ = data
    with pytest.raises(ValueError, match="expecting 32 features"):
        fitted.predict(X[:, :20])


def test_predict_with_a_different_channel_layout(make_signals, fast_params):
    X, y = make_signals(channels=2)
    clf = DRSNClassifier(**fast_params).fit(X, y)
    with pytest.raises(ValueError, match=r"shape \(2, 16\).*\(2, 32\)"):
        clf.predict(X[:, :, :16])


def test_predict_before_fit():
    with pytest.raises(NotFittedError):
        DRSNClassifier().predict(np.zeros((2, 8)))


@pytest.mark.parametrize(
    ("params", "match"),
    [
        ({"shrinkage": "channelwise"}, "shrinkage"),
        ({"lr": -1.0}, "lr"),
        ({"widths": (8, 4)}, "non-decreasing"),
        ({"kernel_size": 4}, "odd"),
        ({"device": "tpu9"}, "device"),
        ({"optimizer": "lbfgs"}, "optimizer"),
    ],
)
def test_bad_hyper_parameters_fail_at_fit_with_a_clear_message(data, params, match, fast_params):
    clf = DRSNClassifier(**{**fast_params, **params})  # __init__ never validates
    with pytest.raises(ValueError, match=match):
        clf.fit(*data)
    assert not hasattr(clf, "net_")


def test_divergence_is_reported_not_hidden(data, fast_params):
    X, y = data
    with pytest.raises(ValueError, match="diverged"):
        DRSNClassifier(**{**fast_params, "lr": 1e12, "lr_schedule": "constant"}).fit(X * 1e20, y)


# ---------------------------------------------------------- determinism
def test_same_seed_gives_identical_predictions(data, fast_params):
    X, y = data
    a = DRSNClassifier(**fast_params).fit(X, y)
    b = DRSNClassifier(**fast_params).fit(X, y)
    np.testing.assert_array_equal(a.predict_proba(X), b.predict_proba(X))
    np.testing.assert_array_equal(a.predict(X), b.predict(X))


def test_different_seeds_give_different_weights(data, fast_params):
    X, y = data
    a = DRSNClassifier(**{**fast_params, "random_state": 1}).fit(X, y)
    b = DRSNClassifier(**{**fast_params, "random_state": 2}).fit(X, y)
    assert not torch.equal(a.net_.module_.fc.weight, b.net_.module_.fc.weight)


@pytest.mark.parametrize("random_state", [0, None, np.random.RandomState(3)])
def test_global_random_states_are_left_alone(data, random_state, fast_params):
    # The legacy global NumPy RNG is exactly what callers' code may rely on.
    np.random.seed(123)  # noqa: NPY002
    torch.manual_seed(456)
    np_state, torch_state = np.random.get_state()[1].copy(), torch.get_rng_state()  # noqa: NPY002
    DRSNClassifier(**{**fast_params, "random_state": random_state}).fit(*data)
    np.testing.assert_array_equal(np.random.get_state()[1], np_state)  # noqa: NPY002
    assert torch.equal(torch.get_rng_state(), torch_state)


def test_predict_proba_of_a_sample_does_not_depend_on_its_batch(fitted, data):
    X, _ = data
    full = fitted.predict_proba(X)
    one_by_one = np.concatenate([fitted.predict_proba(X[i : i + 1]) for i in range(len(X))])
    np.testing.assert_array_equal(one_by_one, full)
    order = np.random.default_rng(0).permutation(len(X))
    np.testing.assert_array_equal(fitted.predict_proba(X[order]), full[order])


# ------------------------------------------------------ training options
PAPER = dict(
    widths=(4, 8, 16), blocks_per_stage=4, kernel_size=3, max_epochs=100, batch_size=128,
    lr=0.1, lr_schedule="paper", optimizer="sgd",
)  # fmt: skip


def resolved(n_train, recipe, n_spatial_dims=1, **explicit):
    """The recipe and configuration that fit resolves for ``n_train`` training signals."""
    name, _ = choose_recipe(recipe, n_train, n_spatial_dims)
    return name, resolve_config(name, explicit, n_train, n_spatial_dims)


def test_paper_recipe_is_the_papers_configuration(make_signals):
    # Whatever the training-set size.
    assert resolved(10, "paper") == ("paper", PAPER)
    X, y = make_signals(n_per_class=10, length=16)
    clf = DRSNClassifier(recipe="paper", blocks_per_stage=1, max_epochs=1).fit(X, y)
    expected = {
        **PAPER, "blocks_per_stage": 1, "max_epochs": 1, "n_members": 1, "recipe_rule": "given"
    }  # fmt: skip
    assert clf.config_ == expected
    params = DRSNClassifier().get_params()
    assert (params["blocks_per_stage"], params["momentum"], params["weight_decay"]) == (
        None,
        0.9,
        1e-4,
    )
    assert params["validation_fraction"] == 0.0
    assert params["recipe"] == "auto" and params["standardize"] is True


@pytest.mark.parametrize("n_train, recipe", [(999, "small"), (1000, "paper")])
def test_auto_recipe_follows_the_training_set_size(n_train, recipe):
    X = np.random.default_rng(0).normal(size=(n_train, 8)).astype(np.float32)
    y = np.arange(n_train) % 2
    clf = DRSNClassifier(blocks_per_stage=1, max_epochs=1, random_state=0).fit(X, y)
    assert clf.recipe_ == recipe
    assert clf.config_["recipe_rule"].startswith("1-D input")
    if recipe == "paper":
        assert clf.config_ == {
            **PAPER, "blocks_per_stage": 1, "max_epochs": 1, "n_members": 1,
            "recipe_rule": clf.config_["recipe_rule"],
        }  # fmt: skip
    else:
        assert clf.config_["widths"] == (32, 64, 128) and clf.config_["optimizer"] == "adam"
    assert clf.get_params()["widths"] is None  # hyper-parameters stay as given


def test_auto_recipe_counts_signals_after_the_validation_split():
    X = np.random.default_rng(0).normal(size=(1200, 8)).astype(np.float32)
    y = np.arange(1200) % 2
    clf = DRSNClassifier(
        blocks_per_stage=1, max_epochs=1, validation_fraction=0.25, random_state=0
    ).fit(X, y)
    assert clf.recipe_ == "small"  # 900 training signals


@pytest.mark.parametrize("n_train", [50, 999, 1000, 60_000])
def test_auto_recipe_takes_the_small_recipe_for_images(n_train):
    assert resolved(n_train, "auto", n_spatial_dims=2)[0] == "small"
    assert resolved(n_train, "paper", n_spatial_dims=2)[0] == "paper"


def test_auto_recipe_for_images_records_its_rule_in_config(make_signals):
    X, y = make_signals(n_per_class=20, length=16)
    images = X.reshape(len(X), 1, 4, 4)
    clf = DRSNClassifier(widths=(4, 8), max_epochs=1, random_state=0).fit(images, y)
    assert (clf.recipe_, clf.config_["recipe_rule"]) == ("small", "2-D input")
    continued = clf.set_params(warm_start=True).fit(images, y)
    assert continued.config_["recipe_rule"] == "warm start"


@pytest.mark.parametrize(
    "n_train, batch, epochs",
    [(9, 3, 80), (16, 4, 60), (36, 9, 60), (50, 13, 60), (400, 32, 60), (999, 32, 60)],
)
def test_small_recipe_for_signals_takes_four_large_batches_an_epoch(n_train, batch, epochs):
    config = resolved(n_train, "small")[1]
    assert (config["batch_size"], config["max_epochs"], config["lr"]) == (batch, epochs, 2e-3)


def test_small_recipe_for_images_keeps_its_learning_rate():
    assert resolved(833, "small", n_spatial_dims=2)[1]["lr"] == 1e-3
    assert resolved(833, "small", n_spatial_dims=2, lr=0.01)[1]["lr"] == 0.01


@pytest.mark.parametrize("n_train, epochs", [(36, 125), (400, 60), (833, 29), (60_000, 1)])
def test_small_recipe_for_images_takes_its_steps_without_an_epoch_floor(n_train, epochs):
    assert resolved(n_train, "small", n_spatial_dims=2)[1]["max_epochs"] == epochs


@pytest.mark.parametrize("n_spatial_dims", [1, 2])
@pytest.mark.parametrize("n_train", [5, 29, 36, 50, 999])
def test_an_explicit_batch_size_wins_and_the_epochs_follow_it(n_train, n_spatial_dims):
    config = resolved(n_train, "small", n_spatial_dims, batch_size=2)[1]
    assert config["batch_size"] == 2
    assert config["max_epochs"] == small_schedule(n_train, n_spatial_dims, batch_size=2)[1]
    rule = SMALL_SCHEDULE[n_spatial_dims]
    assert config["max_epochs"] * -(-n_train // 2) >= min(
        rule["min_steps"], rule["epochs"][1] * -(-n_train // 2)
    )


@settings(max_examples=200, deadline=None)
@given(n_train=st.integers(2, 5000), n_spatial_dims=st.sampled_from([1, 2]))
def test_small_recipe_steps_and_batches_stay_in_their_bounds(n_train, n_spatial_dims):
    rule = SMALL_SCHEDULE[n_spatial_dims]
    config = resolved(n_train, "small", n_spatial_dims)[1]
    batch, epochs = config["batch_size"], config["max_epochs"]
    assert 2 <= batch <= rule["max_batch"]
    steps_per_epoch = -(-n_train // batch)
    # n_train / batch_divisor, rounded up or down as the rule says, unless clipped.
    exact = n_train / rule["batch_divisor"]
    if 2 < batch < rule["max_batch"]:
        assert (exact <= batch < exact + 1) if rule["round_up"] else (exact - 1 < batch <= exact)
    low, high = rule["epochs"]
    assert low <= epochs <= high
    assert epochs * steps_per_epoch >= rule["min_steps"] or epochs == high
    # No more epochs than the minimum steps need, above the floor.
    assert epochs == low or (epochs - 1) * steps_per_epoch < rule["min_steps"]


def test_the_auto_recipe_batch_uses_the_signals_left_after_the_validation_split(make_signals):
    X, y = make_signals(n_per_class=40, length=32)  # 80 signals, 60 after the split
    clf = DRSNClassifier(validation_fraction=0.25, max_epochs=1, random_state=0).fit(X, y)
    assert clf.config_["batch_size"] == small_schedule(60)[0] != small_schedule(80)[0]


@pytest.mark.parametrize("recipe, units", [("paper", 4), ("small", 1)])
def test_the_recipe_sets_the_units_per_stage_unless_given(recipe, units, make_signals):
    X, y = make_signals(n_per_class=4, length=32)
    clf = DRSNClassifier(recipe=recipe, max_epochs=1, random_state=0).fit(X, y)
    assert clf.config_["blocks_per_stage"] == units
    assert [len(stage) for stage in clf.net_.module_.stages] == [units] * 3
    given = DRSNClassifier(recipe=recipe, blocks_per_stage=3, max_epochs=1).fit(X, y)
    assert [len(stage) for stage in given.net_.module_.stages] == [3] * 3


def test_explicit_values_override_the_recipe(data, fast_params):
    clf = DRSNClassifier(**{**fast_params, "recipe": "small", "widths": (4, 8)}).fit(*data)
    assert clf.config_["widths"] == (4, 8) and clf.config_["kernel_size"] == 7
    assert clf.config_["max_epochs"] == fast_params["max_epochs"]
    assert clf.net_.module_.fc.in_features == 8


def test_paper_schedule_divides_lr_by_ten_twice(data, fast_params):
    clf = DRSNClassifier(**{**fast_params, "max_epochs": 5}).fit(*data)
    assert [g["lr"] for g in clf.net_.optimizer_.param_groups] == pytest.approx([1e-3, 1e-3])


def test_constant_schedule_keeps_lr(data, fast_params):
    clf = DRSNClassifier(**{**fast_params, "lr_schedule": "constant"}).fit(*data)
    assert clf.net_.optimizer_.param_groups[0]["lr"] == pytest.approx(0.1)


def test_weight_decay_applies_to_weights_only(fitted):
    decay, no_decay = fitted.net_.optimizer_.param_groups
    assert (decay["weight_decay"], no_decay["weight_decay"]) == (1e-4, 0.0)
    assert all(p.ndim > 1 for p in decay["params"])
    assert all(p.ndim == 1 for p in no_decay["params"])


@pytest.mark.parametrize("optimizer", ["adam", "adamw"])
def test_other_optimizers(data, optimizer, fast_params):
    clf = DRSNClassifier(**{**fast_params, "optimizer": optimizer, "lr": 1e-3}).fit(*data)
    assert type(clf.net_.optimizer_).__name__.lower() == optimizer


def test_no_validation_by_default(fitted, data):
    assert fitted.net_.train_split is None
    assert "valid_loss" not in fitted.history_[-1]


def test_validation_fraction_enables_early_stopping(data, make_signals, fast_params):
    X, y = make_signals(n_per_class=40)
    clf = DRSNClassifier(
        **{**fast_params, "max_epochs": 60, "validation_fraction": 0.25, "n_iter_no_change": 3}
    ).fit(X, y)
    assert clf.n_epochs_ < 60
    last = clf.history_[-1]
    assert {"valid_loss", "valid_acc"} <= set(last)
    best = min(clf.history_[:, "valid_loss"])
    # load_best restored the weights of the best epoch.
    assert clf.history_[:, "valid_loss_best"].count(True) >= 1
    assert best <= last["valid_loss"]


def test_extra_callbacks_are_called(data, fast_params):
    from skorch.callbacks import Callback

    class CountEpochs(Callback):
        def initialize(self):
            self.n = 0
            return self

        def on_epoch_end(self, net, **kwargs):
            self.n += 1

    counter = CountEpochs()
    clf = DRSNClassifier(**fast_params, callbacks=[("count", counter)]).fit(*data)
    assert dict(clf.net_.callbacks_)["count"].n == fast_params["max_epochs"]
    assert not hasattr(counter, "n")  # the hyper-parameter itself is left untouched


def test_silent_when_verbose_is_zero(data, capfd, fast_params):
    DRSNClassifier(**fast_params).fit(*data)
    out, err = capfd.readouterr()
    assert out == "" and err == ""


def test_verbose_prints_epoch_table_and_progress_bar(data, capfd, fast_params):
    DRSNClassifier(**{**fast_params, "verbose": 1}).fit(*data)
    out, err = capfd.readouterr()
    assert "epoch" in out and "train_loss" in out
    assert "it/s" in out + err or "%|" in out + err


# ------------------------------------------------------------ persistence
def test_clone_of_fitted_is_unfitted(fitted):
    clone_ = clone(fitted)
    assert clone_.get_params() == fitted.get_params()
    with pytest.raises(NotFittedError):
        clone_.predict(np.zeros((2, 32)))


def test_pickle_round_trip_predicts_identically(fitted, data):
    X, _ = data
    restored = pickle.loads(pickle.dumps(fitted))
    np.testing.assert_array_equal(restored.predict_proba(X), fitted.predict_proba(X))


def test_device_auto_resolves_to_cpu_without_cuda(fitted):
    expected = "cuda" if torch.cuda.is_available() else "cpu"
    assert fitted.device_ == expected


# ------------------------------------------------------ input standardisation
# Up to float32 rounding of the rescaled input, which training amplifies a little.
@pytest.mark.parametrize("scale, offset", [(1e3, 50.0), (1e-3, 0.0)])
def test_fit_is_indifferent_to_the_unit_of_the_data(data, scale, offset, fast_params):
    X, y = data
    reference = DRSNClassifier(**fast_params).fit(X, y)
    rescaled = DRSNClassifier(**fast_params).fit(X * scale + offset, y)
    np.testing.assert_allclose(
        rescaled.predict_proba(X * scale + offset), reference.predict_proba(X), atol=1e-3
    )


def test_standardisation_statistics_are_per_channel_and_stored_in_the_network(
    make_signals, fast_params
):
    X, y = make_signals(channels=3)
    X = X * np.array([1.0, 100.0, 0.0])[None, :, None] + np.array([0.0, 7.0, 2.0])[None, :, None]
    clf = DRSNClassifier(**fast_params).fit(X, y)
    s = clf.net_.module_.standardize
    np.testing.assert_allclose(s.mean.numpy(), X.mean(axis=(0, 2)), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(s.scale.numpy()[:2], X.std(axis=(0, 2))[:2], rtol=1e-5)
    assert s.scale[2] == 1.0  # a constant channel is not divided by 0


def test_standardize_false_leaves_inputs_as_they_are(data, fast_params):
    clf = DRSNClassifier(**{**fast_params, "standardize": False}).fit(*data)
    s = clf.net_.module_.standardize
    assert (s.mean == 0).all() and (s.scale == 1).all()


# ------------------------------------------------------ BatchNorm statistics
def _first_batch_norm(clf, X):
    """The first unit's BatchNorm and its input on X (the stem's output, no BatchNorm before)."""
    module = clf.net_.module_
    with torch.no_grad():
        features = module.stem(module.standardize(torch.as_tensor(X[:, None, :]).float()))
    return module.stages[0][0].bn1, features


def _assert_statistics_of_batches(bn, features, size):
    """Running statistics = the average over batches of ``size`` of their statistics."""
    batches = features.split(size)
    expected_mean = torch.stack([b.mean(dim=(0, 2)) for b in batches]).mean(dim=0)
    expected_var = torch.stack([b.var(dim=(0, 2)) for b in batches]).mean(dim=0)
    torch.testing.assert_close(bn.running_mean, expected_mean, rtol=1e-4, atol=1e-5)
    torch.testing.assert_close(bn.running_var, expected_var, rtol=1e-4, atol=1e-5)


# 48 signals: one batch, the training set's own statistics; 256: two batches of 128.
@pytest.mark.parametrize("n_per_class", [24, 128])
def test_batch_norm_statistics_are_recomputed_on_the_training_set(
    n_per_class, make_signals, fast_params
):
    X, y = make_signals(n_per_class=n_per_class)
    clf = DRSNClassifier(**fast_params).fit(X, y)
    _assert_statistics_of_batches(*_first_batch_norm(clf, X), _INFERENCE_BATCH)


def test_without_recomputation_the_running_averages_of_training_are_kept(data, fast_params):
    X, y = data
    clf = DRSNClassifier(**fast_params, recompute_batch_norm=False).fit(X, y)
    bn, features = _first_batch_norm(clf, X)
    assert not torch.allclose(bn.running_mean, features.mean(dim=(0, 2)), rtol=1e-2)


def test_recomputation_changes_only_the_batch_norm_statistics(data, fast_params):
    X, y = data
    state = DRSNClassifier(**fast_params).fit(X, y).net_.module_.state_dict()
    kept = (
        DRSNClassifier(**fast_params, recompute_batch_norm=False)
        .fit(X, y)
        .net_.module_.state_dict()
    )
    buffers = ("running_mean", "running_var", "num_batches_tracked")
    statistics = {k for k in state if k.endswith(buffers)}
    assert statistics
    for key in state.keys() - statistics:
        torch.testing.assert_close(state[key], kept[key], rtol=0, atol=0, msg=key)
    assert any(not torch.equal(state[k], kept[k]) for k in statistics)


def test_recomputation_uses_training_batches_where_prediction_batches_are_smaller(
    data, monkeypatch, fast_params
):
    # Signals of over 2 M values make prediction batches of one signal, which the
    # threshold nets' BatchNorm1d cannot normalise in training mode.
    monkeypatch.setattr("sklearn_drsn._inference.INFERENCE_VALUES", 1)
    X, y = data
    clf = DRSNClassifier(**fast_params).fit(X, y)
    assert clf.net_.module_.stages[0][0].shrinkage is not None
    _assert_statistics_of_batches(*_first_batch_norm(clf, X), fast_params["batch_size"])


# ---------------------------------------------------------- n_init
def _plain_fits(X, y, params, seeds):
    return [DRSNClassifier(**{**params, "random_state": s}).fit(X, y) for s in seeds]


# "paper": milestones after epochs 2 and 3 of 4, at the end of the trial and after it.
# With a validation split the chosen candidate is trained again, not continued.
@pytest.mark.parametrize(
    ("seed", "extra"),
    [
        pytest.param(0, {"lr_schedule": "paper"}, id="paper-schedule"),
        pytest.param(7, {"lr_schedule": "cosine"}, id="cosine"),
        pytest.param(3, {"lr_schedule": "constant", "validation_fraction": 0.25}, id="validation"),
    ],
)
def test_n_init_fit_is_the_plain_fit_of_the_candidate_with_the_lowest_trial_loss(
    data, seed, extra, fast_params
):
    X, y = data
    params = {**fast_params, **extra, "random_state": seed}
    candidates = _candidate_seeds(seed, 4)
    plain = _plain_fits(X, y, params, candidates)
    # A trial of 2 epochs is the first 2 epochs of that candidate's plain fit.
    losses = [fit.history_[1, "train_loss"] for fit in plain]
    assert len(set(losses)) == 4  # distinct candidates, so the choice is a real one
    best = plain[int(np.argmin(losses))]
    chosen = DRSNClassifier(**params, n_init=4, init_epochs=2).fit(X, y)
    np.testing.assert_array_equal(chosen.predict_proba(X), best.predict_proba(X))
    assert chosen.history_[:, "train_loss"] == best.history_[:, "train_loss"]
    assert chosen.n_epochs_ == best.n_epochs_


def test_n_init_one_is_the_plain_fit_and_the_first_candidate_is_its_seed(data, fast_params):
    X, y = data
    assert _candidate_seeds(5, 3)[0] == 5
    assert len(set(_candidate_seeds(5, 50))) == 50
    plain = DRSNClassifier(**fast_params).fit(X, y)
    once = DRSNClassifier(**fast_params, n_init=1, init_epochs=3).fit(X, y)
    np.testing.assert_array_equal(plain.predict_proba(X), once.predict_proba(X))


def test_init_epochs_default_to_a_sixth_of_training(data, monkeypatch, fast_params):
    X, y = data
    starts = []
    original = sklearn_drsn._training._start

    def record(params, data, seed, epochs):
        net, rng_state = original(params, data, seed, epochs)
        starts.append(len(net.history))
        return net, rng_state

    monkeypatch.setattr(sklearn_drsn._training, "_start", record)
    long = DRSNClassifier(**{**fast_params, "max_epochs": 20}, n_init=3).fit(X, y)
    short = DRSNClassifier(**{**fast_params, "max_epochs": 3}, n_init=2, init_epochs=9).fit(X, y)
    # Three trials of 3 epochs (20 / 6, rounded), the best then trained on to 20;
    # two trials capped at max_epochs, the best already the whole fit.
    assert starts == [3, 3, 3, 3, 3]
    assert (long.n_epochs_, short.n_epochs_) == (20, 3)


@pytest.mark.parametrize(("param", "value"), [("n_init", 0), ("init_epochs", 0)])
def test_n_init_and_init_epochs_must_be_positive(data, param, value, fast_params):
    clf = DRSNClassifier(**fast_params, **{param: value})
    with pytest.raises(ValueError, match=param):
        clf.fit(*data)
    assert not hasattr(clf, "net_")


# ------------------------------------------------- what scikit-learn users reach for
def test_predict_takes_the_onnx_layout_after_a_fit_on_2d_signals(data, fast_params):
    X, y = data
    clf = DRSNClassifier(**fast_params).fit(X, y)
    np.testing.assert_array_equal(clf.predict_proba(X[:, None, :]), clf.predict_proba(X))
    with pytest.raises(ValueError, match="features"):
        clf.predict_proba(X[:, None, :-1])


def test_thresholds_of_a_model_without_shrinkage_warn(data, fast_params):
    X, y = data
    clf = DRSNClassifier(**{**fast_params, "shrinkage": None}).fit(X, y)
    with pytest.warns(UserWarning, match="shrinkage=None"):
        assert clf.thresholds(X) == {}


def test_verbose_output_has_no_colour_codes_when_it_is_not_a_terminal(data, capsys, fast_params):
    X, y = data
    DRSNClassifier(**{**fast_params, "max_epochs": 2}, verbose=1, validation_fraction=0.3).fit(
        X, y
    )
    out = capsys.readouterr().out
    assert "train_loss" in out and "valid_loss" in out
    assert "\x1b[" not in out


@pytest.mark.parametrize("widths", [(16, 8), (4, 8, 4)])
def test_decreasing_widths_are_refused_before_any_work(data, widths, fast_params):
    clf = DRSNClassifier(**{**fast_params, "widths": widths})
    with pytest.raises(ValueError, match="non-decreasing"):
        clf.fit(*data)
    assert not hasattr(clf, "n_features_in_")
