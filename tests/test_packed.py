"""Packed ensembles: a DRSN with ``members=M`` computes exactly M independent DRSNs."""

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.base import clone
from torch import nn
from torch.nn import functional as F

from sklearn_drsn import DRSNClassifier
from sklearn_drsn._skorch import DRSNNet
from sklearn_drsn.nn import DRSN, ResidualShrinkageUnit, is_decayed_parameter
from sklearn_drsn.nn.packed import GroupedLinear, log_mean_softmax

M = 3
N_CLASSES = 3
#: Input shapes (channels, spatial...) by ndim; two channels so the stem reads both.
SHAPES = {1: (2, 24), 2: (2, 8, 8)}


def _is_shared(key):
    """State entries that the members share: the input standardisation, the batch counts."""
    return key.startswith("standardize.") or key.endswith("num_batches_tracked")


def pack(plain_tensors, packed_state):
    """The plain networks' tensors (keyed like ``packed_state``) laid out as the packed one's."""
    packed = {}
    for key, target in packed_state.items():
        tensors = [t[key] for t in plain_tensors]
        packed[key] = tensors[0] if _is_shared(key) else torch.cat(tensors)
        assert packed[key].shape == target.shape, key
    return packed


def build(members, seed=0, **kwargs):
    torch.manual_seed(seed)
    return DRSN(members=members, **kwargs)


def packed_and_plain(shrinkage, ndim, threshold_batch_norm, widths=(4, 8), members=M, **kw):
    """A packed DRSN holding the weights of ``members`` plain DRSNs, and those DRSNs."""
    kwargs = dict(
        in_channels=SHAPES[ndim][0], n_classes=N_CLASSES, widths=widths,
        blocks_per_stage=kw.pop("blocks_per_stage", 2), kernel_size=kw.pop("kernel_size", 3),
        shrinkage=shrinkage, ndim=ndim, threshold_batch_norm=threshold_batch_norm, **kw,
    )  # fmt: skip
    plain = [build(1, seed=m, **kwargs) for m in range(members)]
    mean, scale = torch.randn(kwargs["in_channels"]), torch.rand(kwargs["in_channels"]) + 0.5
    for net in plain:
        net.standardize.set_statistics(mean, scale)
        # Non-trivial BatchNorm affine parameters, so a mix-up between members shows.
        for m in net.modules():
            if isinstance(m, nn.modules.batchnorm._BatchNorm):
                nn.init.uniform_(m.weight, 0.5, 1.5)
                nn.init.normal_(m.bias, 0, 0.1)
    packed = build(members, seed=99, **kwargs)
    packed.load_state_dict(pack([net.state_dict() for net in plain], packed.state_dict()))
    return packed, plain


def batch(ndim, n=4, seed=1):
    generator = torch.Generator().manual_seed(seed)
    x = torch.randn((n, *SHAPES[ndim]), generator=generator)
    return x, torch.randint(0, N_CLASSES, (n,), generator=generator)


def assert_close(actual, expected):
    scale = max(1.0, expected.abs().max().item())
    torch.testing.assert_close(actual, expected, atol=1e-5 * scale, rtol=1e-4)


GRID = pytest.mark.parametrize(
    ("shrinkage", "ndim", "threshold_batch_norm"),
    [(s, d, b) for s in ("cw", "cs", None) for d in (1, 2) for b in (True, False)],
)


@GRID
def test_member_logits_in_training_are_the_plain_networks_logits(
    shrinkage, ndim, threshold_batch_norm
):
    packed, plain = packed_and_plain(shrinkage, ndim, threshold_batch_norm)
    x, _ = batch(ndim)
    out = packed.train()(x)
    assert out.shape == (len(x), M, N_CLASSES)
    for m, net in enumerate(plain):
        assert_close(out[:, m], net.train()(x))


@GRID
def test_gradients_are_the_plain_networks_gradients_in_their_blocks(
    shrinkage, ndim, threshold_batch_norm
):
    packed, plain = packed_and_plain(shrinkage, ndim, threshold_batch_norm)
    x, y = batch(ndim)
    out = packed.train()(x)
    sum(F.cross_entropy(out[:, m], y) for m in range(M)).backward()
    for net in plain:
        F.cross_entropy(net.train()(x), y).backward()
    grads = [{k: p.grad for k, p in net.named_parameters()} for net in plain]
    expected = pack(grads, {k: p for k, p in packed.named_parameters()})
    for name, param in packed.named_parameters():
        assert_close(param.grad, expected[name])


@GRID
def test_eval_output_is_the_log_of_the_members_mean_probability(
    shrinkage, ndim, threshold_batch_norm
):
    packed, plain = packed_and_plain(shrinkage, ndim, threshold_batch_norm)
    # Training-mode passes move every member's BatchNorm running statistics.
    for seed in range(3):
        x, _ = batch(ndim, seed=seed)
        packed.train()(x)
        for net in plain:
            net.train()(x)
    assert_close(
        packed.state_dict()["bn.running_mean"],
        torch.cat([net.state_dict()["bn.running_mean"] for net in plain]),
    )
    x, _ = batch(ndim, n=5, seed=10)
    with torch.no_grad():
        out = packed.eval()(x)
        probs = torch.stack([torch.softmax(net.eval()(x), dim=1) for net in plain]).mean(0)
    assert out.shape == (len(x), N_CLASSES)
    assert_close(out, probs.log())
    assert_close(torch.softmax(out, dim=1), probs)


@settings(max_examples=12, deadline=None)
@given(
    members=st.integers(2, 4),
    widths=st.lists(st.integers(1, 6), min_size=1, max_size=3).map(sorted),
    kernel_size=st.sampled_from([1, 3, 5]),
    shrinkage=st.sampled_from(["cw", "cs", None]),
    shortcut=st.booleans(),
)
def test_any_packed_architecture_computes_its_members(
    members, widths, kernel_size, shrinkage, shortcut
):
    packed, plain = packed_and_plain(
        shrinkage, 1, True, widths=widths, members=members, kernel_size=kernel_size,
        blocks_per_stage=1, shortcut=shortcut,
    )  # fmt: skip
    x, _ = batch(1, n=3)
    out = packed.train()(x)
    for m, net in enumerate(plain):
        assert_close(out[:, m], net.train()(x))


@pytest.mark.parametrize("shrinkage", ["cw", "cs", None])
def test_one_member_is_the_network_built_without_the_argument(shrinkage):
    torch.manual_seed(0)
    default = DRSN(widths=(4, 8), blocks_per_stage=1, shrinkage=shrinkage)
    single = build(1, widths=(4, 8), blocks_per_stage=1, shrinkage=shrinkage)
    assert repr(single) == repr(default)
    assert single.state_dict().keys() == default.state_dict().keys()
    for key, value in default.state_dict().items():
        assert torch.equal(single.state_dict()[key], value), key
    x = torch.randn(4, 1, 32)
    for train in (True, False):
        assert torch.equal(single.train(train)(x), default.train(train)(x))


def test_packed_network_has_the_plain_state_dict_keys_and_m_times_the_parameters():
    plain = DRSN(widths=(4, 8), blocks_per_stage=1)
    packed = DRSN(widths=(4, 8), blocks_per_stage=1, members=M)
    assert packed.state_dict().keys() == plain.state_dict().keys()
    count = lambda net: sum(p.numel() for p in net.parameters())  # noqa: E731
    assert count(packed) == M * count(plain)


def test_each_member_is_initialised_he_normal_with_its_own_fan_in():
    torch.manual_seed(0)
    net = DRSN(widths=(64, 64, 64), members=4)
    conv = net.stages[1][0].conv2
    assert conv.groups == 4 and conv.weight.shape == (256, 64, 3)
    assert conv.weight.std().item() == pytest.approx((2 / (64 * 3)) ** 0.5, rel=0.1)
    fc1 = net.stages[1][0].shrinkage.threshold.fc1
    assert isinstance(fc1, GroupedLinear) and fc1.weight.shape == (256, 64)
    assert fc1.weight.std().item() == pytest.approx((2 / 64) ** 0.5, rel=0.1)
    assert not fc1.bias.any()


def test_grouped_linear_weights_are_decayed():
    net = DRSN(widths=(4, 8), blocks_per_stage=1, members=2)
    assert is_decayed_parameter(net, "fc.weight")
    assert is_decayed_parameter(net, "stages.0.0.shrinkage.threshold.fc1.weight")
    assert not is_decayed_parameter(net, "fc.bias")


def test_channel_shared_threshold_is_one_per_member():
    unit = ResidualShrinkageUnit(4, 4, shrinkage="cs", members=M)
    x = torch.randn(5, M * 4, 10)
    tau = unit.shrinkage.threshold(x).squeeze(2).unflatten(1, (M, 4))
    assert torch.equal(tau, tau[:, :, :1].expand_as(tau))
    assert not torch.equal(tau[:, 0], tau[:, 1])


def test_log_mean_softmax_stays_finite_where_a_member_underflows():
    logits = torch.tensor([[[0.0, 200.0], [0.0, 0.0]]])
    out = log_mean_softmax(logits)
    assert torch.isfinite(out).all()
    torch.testing.assert_close(out.exp(), torch.tensor([[0.25, 0.75]]))


@pytest.mark.parametrize("members", [0, -1, 1.5, True])
def test_members_must_be_a_positive_int(members):
    with pytest.raises(ValueError, match="members"):
        DRSN(members=members)


# ------------------------------------------------------ DRSNClassifier(n_members=...)
def test_the_loss_of_member_logits_is_the_sum_of_the_members_losses():
    # A sum, so that each member's gradient is the one it would get trained alone.
    net = DRSNNet(DRSN, criterion=nn.CrossEntropyLoss)
    net.initialize()
    logits, y = torch.randn(6, M, N_CLASSES), torch.randint(0, N_CLASSES, (6,))
    losses = torch.stack([F.cross_entropy(logits[:, m], y, reduction="none") for m in range(M)])
    assert_close(net.get_loss(logits, y), losses.mean(dim=1).sum())
    weights = torch.rand(6)
    assert_close(net.get_loss(logits, (y, weights)), (losses * weights).mean(dim=1).sum())
    # One network's (N, K) logits: unchanged.
    assert_close(net.get_loss(logits[:, 0], y), losses[0].mean())


@pytest.fixture(scope="module")
def packed_classifier(make_signals):
    X, y = make_signals(n_per_class=12, length=24)
    clf = DRSNClassifier(n_members=M, widths=(4, 8), max_epochs=2, random_state=0)
    return clf.fit(X, y), X


def test_a_packed_classifier_predicts_the_members_mean_probability(packed_classifier):
    clf, X = packed_classifier
    proba = clf.predict_proba(X)
    assert proba.shape == (len(X), 2) and clf.config_["n_members"] == M
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    module = clf.net_.module_
    with torch.no_grad():
        members = module.train(False).fc(
            module.forward_features(torch.as_tensor(X[:, None], dtype=torch.float32))
        )
    mean = torch.softmax(members.unflatten(1, (M, -1)).double(), dim=2).mean(dim=1)
    np.testing.assert_allclose(proba, mean.numpy(), atol=1e-6)
    np.testing.assert_allclose(np.exp(clf.predict_log_proba(X)), proba, atol=1e-12)
    assert clf.embed(X).shape == (len(X), M * 8)


def test_a_packed_classifier_round_trips_through_a_model_file(packed_classifier, tmp_path):
    clf, X = packed_classifier
    clf.save(tmp_path / "m.pt")
    restored = DRSNClassifier.load(tmp_path / "m.pt")
    assert restored.n_members == M and restored.config_ == clf.config_
    np.testing.assert_array_equal(restored.predict_proba(X), clf.predict_proba(X))


def test_n_members_is_a_plain_hyper_parameter():
    clf = DRSNClassifier(n_members=4)
    assert clf.get_params()["n_members"] == 4 and clone(clf).n_members == 4
    assert DRSNClassifier().n_members == 1
    with pytest.raises(ValueError, match="n_members"):
        DRSNClassifier(n_members=0).fit(np.zeros((4, 8)), [0, 1, 0, 1])


def test_a_sample_weighted_packed_fit_with_n_init_runs(make_signals):
    X, y = make_signals(n_per_class=8, length=16)
    weights = np.linspace(0.5, 2, len(X))
    clf = DRSNClassifier(n_members=2, n_init=2, widths=(4,), max_epochs=2, random_state=0)
    clf.fit(X, y, sample_weight=weights)
    assert np.isfinite(clf.history_[:, "train_loss"]).all()


def test_thresholds_of_a_packed_classifier_say_n_members(packed_classifier):
    clf, X = packed_classifier
    with pytest.raises(ValueError, match="n_members=3"):
        clf.thresholds(X)
