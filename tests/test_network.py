"""The DRSN builder, its units, shortcut and the paper's configurations (Table II)."""

import pytest
import torch
from torch import nn

from sklearn_drsn.nn import (
    DRSN,
    DecimatingShortcut,
    ReferenceDRSN,
    ResidualShrinkageUnit,
    is_decayed_parameter,
    weight_decay_groups,
)


def n_trainable(module):
    return sum(p.numel() for p in module.parameters() if p.requires_grad)


@pytest.mark.parametrize(
    ("shrinkage", "shortcut", "expected"),
    [("cw", True, 11_552), ("cs", True, 10_220), (None, True, 8_416), (None, False, 8_416)],
)
def test_parameter_counts_match_the_papers_configuration(shrinkage, shortcut, expected):
    assert n_trainable(DRSN(n_classes=8, shrinkage=shrinkage, shortcut=shortcut)) == expected


@pytest.mark.parametrize(("shrinkage", "out"), [("cw", "channels"), ("cs", 1)])
def test_threshold_nets_without_batch_norm(shrinkage, out):
    net = DRSN(shrinkage=shrinkage, threshold_batch_norm=False)
    thresholds = [m.threshold for m in net.modules() if hasattr(m, "threshold")]
    assert len(thresholds) == 12
    assert not any(isinstance(m, nn.BatchNorm1d) for t in thresholds for m in t.modules())
    # Exactly the BatchNorm's weight and bias (2 per channel) are gone from each unit.
    channels = [t.channels for t in thresholds]
    assert n_trainable(DRSN(shrinkage=shrinkage)) - n_trainable(net) == 2 * sum(channels)
    x = torch.randn(3, 16, 40)
    for train in (True, False):
        unit = ResidualShrinkageUnit(16, 16, shrinkage=shrinkage, threshold_batch_norm=False)
        tau = unit.train(train).shrinkage.threshold(x)
        assert tau.shape == (3, 16 if out == "channels" else 1, 1)
        mean_abs = x.abs().mean(dim=2, keepdim=True)
        bound = mean_abs if out == "channels" else mean_abs.mean(dim=1, keepdim=True)
        assert bool(((tau > 0) & (tau < bound)).all())


def test_paper_configuration_has_table_ii_layout():
    net = DRSN()
    x = torch.randn(2, 1, 2048)
    out = net.stem(x)
    assert out.shape == (2, 4, 1024)
    sizes = []
    for stage in net.stages:
        out = stage(out)
        sizes.append(tuple(out.shape[1:]))
    assert sizes == [(4, 512), (8, 256), (16, 128)]
    assert [len(stage) for stage in net.stages] == [4, 4, 4]


@pytest.mark.parametrize("shrinkage", ["cw", "cs", None])
@pytest.mark.parametrize("length", [1, 2, 3, 7, 2048])
def test_output_shape_for_any_signal_length(shrinkage, length):
    net = DRSN(n_classes=3, shrinkage=shrinkage)
    assert net(torch.randn(2, 1, length)).shape == (2, 3)


@pytest.mark.parametrize("size", [(8, 8), (28, 28), (5, 9)])
def test_output_shape_for_images(size):
    net = DRSN(in_channels=3, n_classes=10, ndim=2)
    assert net(torch.randn(2, 3, *size)).shape == (2, 10)


def test_multichannel_signals():
    assert DRSN(in_channels=5, n_classes=4)(torch.randn(3, 5, 100)).shape == (3, 4)


@pytest.mark.parametrize("shrinkage", ["cw", "cs"])
@pytest.mark.parametrize("train", [True, False])
def test_all_zero_input_gives_no_nan(shrinkage, train):
    net = DRSN(shrinkage=shrinkage).train(train)
    out = net(torch.zeros(4, 1, 256))
    out.sum().backward()
    assert torch.isfinite(out).all()
    assert all(torch.isfinite(p.grad).all() for p in net.parameters() if p.grad is not None)


def test_shortcut_decimates_and_pads_channels_evenly():
    x = torch.arange(1 * 4 * 6, dtype=torch.float32).reshape(1, 4, 6)
    out = DecimatingShortcut(4, 8, stride=2)(x)
    assert out.shape == (1, 8, 3)
    assert torch.equal(out[:, 2:6], x[..., ::2])
    assert not out[:, :2].any() and not out[:, 6:].any()


def test_shortcut_puts_the_odd_extra_channel_after():
    out = DecimatingShortcut(2, 5, stride=1)(torch.ones(1, 2, 4))
    assert out[0, :, 0].tolist() == [0, 1, 1, 0, 0]


def test_shortcut_refuses_to_drop_channels():
    with pytest.raises(ValueError, match="non-decreasing"):
        DecimatingShortcut(8, 4, stride=1)


def test_unit_without_shortcut_is_the_convnet_block():
    unit = ResidualShrinkageUnit(4, 4, shrinkage=None, shortcut=False).eval()
    x = torch.randn(2, 4, 16)
    expected = unit.conv2(torch.relu(unit.bn2(unit.conv1(torch.relu(unit.bn1(x))))))
    assert torch.allclose(unit(x), expected)


def test_unit_adds_nothing_after_the_sum():
    # Outputs can be negative: there is no ReLU after the addition.
    torch.manual_seed(0)
    out = ResidualShrinkageUnit(4, 4, shrinkage="cw")(torch.randn(8, 4, 32))
    assert (out < 0).any()


def test_unit_does_not_modify_its_input():
    x = torch.randn(2, 4, 16)
    before = x.clone()
    ResidualShrinkageUnit(4, 8, stride=2)(x)
    assert torch.equal(x, before)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"widths": (8, 4)}, "non-decreasing"),
        ({"widths": ()}, "non-empty"),
        ({"kernel_size": 4}, "odd"),
        ({"blocks_per_stage": 0}, "blocks_per_stage"),
        ({"ndim": 3}, "ndim"),
        ({"shrinkage": "xx"}, "unknown shrinkage"),
    ],
)
def test_invalid_configurations_raise_clear_errors(kwargs, match):
    with pytest.raises(ValueError, match=match):
        DRSN(**kwargs)


def test_init_is_he_normal_with_zero_biases():
    torch.manual_seed(0)
    net = DRSN(widths=(64, 64, 64))
    conv = net.stages[1][2].conv2
    fan_in = conv.in_channels * conv.kernel_size[0]
    assert conv.weight.std().item() == pytest.approx((2 / fan_in) ** 0.5, rel=0.1)
    assert not conv.bias.any()


def test_weight_decay_groups_split_weights_from_biases_and_batchnorm():
    net = DRSN(shrinkage="cw")
    decay, no_decay = weight_decay_groups(net, 1e-4)
    decay_ids = {id(p) for p in decay["params"]}
    for name, param in net.named_parameters():
        owner = net.get_submodule(name.rpartition(".")[0])
        expected = name.endswith("weight") and isinstance(owner, (nn.Conv1d, nn.Linear))
        assert (id(param) in decay_ids) == expected == is_decayed_parameter(net, name), name
    assert len(decay["params"]) + len(no_decay["params"]) == len(list(net.parameters()))
    assert no_decay["weight_decay"] == 0.0


def test_network_learns_a_trivial_problem():
    torch.manual_seed(0)
    x = torch.randn(64, 1, 32)
    y = (x.mean(dim=(1, 2)) > 0).long()
    net = DRSN(n_classes=2, widths=(8, 8, 8), blocks_per_stage=1)
    opt = torch.optim.Adam(net.parameters(), lr=1e-2)
    for _ in range(60):
        opt.zero_grad()
        loss = nn.functional.cross_entropy(net(x), y)
        loss.backward()
        opt.step()
    assert loss.item() < 0.3


@pytest.mark.parametrize("shrinkage", ["cw", "cs", None])
def test_network_matches_the_plain_reference_in_training(shrinkage):
    # Same weights, same batch, train mode: same logits, same gradients for every
    # parameter (the fused shrinkage and soft threshold change the arithmetic only).
    torch.manual_seed(0)
    fast = DRSN(shrinkage=shrinkage, blocks_per_stage=2)
    plain = ReferenceDRSN(shrinkage=shrinkage, blocks_per_stage=2)
    plain.load_state_dict(fast.state_dict())
    x = torch.randn(16, 1, 300)
    target = torch.randint(0, 8, (16,))
    outs = []
    for net in (fast, plain):
        logits = net(x)
        torch.nn.functional.cross_entropy(logits, target).backward()
        outs.append(logits)
    torch.testing.assert_close(outs[0], outs[1], rtol=1e-4, atol=1e-5)
    plain_params = dict(plain.named_parameters())
    for name, p in fast.named_parameters():
        torch.testing.assert_close(p.grad, plain_params[name].grad, rtol=1e-3, atol=1e-5)
    for name, buf in fast.named_buffers():  # BatchNorm statistics updated once, alike
        torch.testing.assert_close(buf, dict(plain.named_buffers())[name])
