"""The DRSN builder, its units, shortcut and the paper's configurations (Table II)."""

import pytest
import torch
from torch import nn

import sklearn_drsn.nn.conv as conv_module
from sklearn_drsn.nn import (
    DRSN,
    Conv1d,
    DecimatingShortcut,
    ReferenceDRSN,
    ResidualShrinkageUnit,
    conv1d_matmul,
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


#: The paper's network (large maps: oneDNN convolutions) and the "small" recipe's on
#: GunPoint-size batches (small maps: the matrix-product convolutions in the last stages).
CONFIGS = {
    "paper": (dict(blocks_per_stage=2), (16, 1, 300)),
    "small": (dict(widths=(32, 64, 128), blocks_per_stage=1, kernel_size=7), (5, 1, 150)),
}


@pytest.mark.parametrize("config", sorted(CONFIGS))
@pytest.mark.parametrize("shrinkage", ["cw", "cs", None])
def test_network_matches_the_plain_reference_in_training(shrinkage, config, monkeypatch):
    # Same weights, same batch, train mode: same logits, same gradients for every
    # parameter (the fused shrinkage, soft threshold and convolution paths change
    # the arithmetic only).
    kwargs, shape = CONFIGS[config]
    matmul_calls = _count_matmul_convolutions(monkeypatch)
    torch.manual_seed(0)
    fast = DRSN(shrinkage=shrinkage, **kwargs)
    plain = ReferenceDRSN(shrinkage=shrinkage, **kwargs)
    plain.load_state_dict(fast.state_dict())
    x = torch.randn(shape)
    target = torch.randint(0, 8, shape[:1])
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
    # The small maps took the matrix-product path (last stage: 50 output positions).
    assert (len(matmul_calls) > 0) == (config == "small")


def _count_matmul_convolutions(monkeypatch):
    calls = []
    real = conv_module.conv1d_matmul

    def counting(*args):
        calls.append(args[0].shape)
        return real(*args)

    monkeypatch.setattr(conv_module, "conv1d_matmul", counting)
    return calls


@pytest.mark.parametrize(
    ("n", "c_in", "c_out", "length", "k", "stride", "bias"),
    [
        (5, 64, 128, 19, 7, 2, True),
        (5, 128, 128, 10, 7, 1, True),
        (3, 2, 3, 1, 3, 1, True),  # a single sample of signal
        (2, 3, 4, 8, 5, 2, False),  # even length, stride 2, no bias
        (4, 1, 2, 9, 1, 1, True),  # kernel 1, no padding
    ],
)
def test_matmul_convolution_matches_conv1d_and_its_gradients(
    n, c_in, c_out, length, k, stride, bias
):
    gen = torch.Generator().manual_seed(0)
    x = torch.randn(n, c_in, length, generator=gen, dtype=torch.float64, requires_grad=True)
    w = torch.randn(c_out, c_in, k, generator=gen, dtype=torch.float64, requires_grad=True)
    b = (
        torch.randn(c_out, generator=gen, dtype=torch.float64, requires_grad=True)
        if bias
        else None
    )
    inputs = [t for t in (x, w, b) if t is not None]
    outs, grads = [], []
    for fn in (conv1d_matmul, nn.functional.conv1d):
        out = fn(x, w, b, stride, k // 2)
        upstream = torch.linspace(-1, 1, out.numel(), dtype=torch.float64).view(out.shape)
        outs.append(out)
        grads.append(torch.autograd.grad((out * upstream).sum(), inputs))
    torch.testing.assert_close(outs[0], outs[1])
    for got, want in zip(*grads):
        torch.testing.assert_close(got, want)
    if sum(t.numel() for t in inputs) < 500:  # finite differences: one forward per element
        assert torch.autograd.gradcheck(
            lambda x, w, *b: conv1d_matmul(x, w, b[0] if b else None, stride, k // 2),
            tuple(inputs),
        )


def test_matmul_convolution_in_float32_is_within_rounding():
    torch.manual_seed(0)
    conv = Conv1d(128, 128, 7, padding=3)
    x = torch.randn(5, 128, 10)
    torch.testing.assert_close(conv(x), nn.functional.conv1d(x, conv.weight, conv.bias, 1, 3))


@pytest.mark.parametrize(
    ("shape", "expected"),
    [((5, 64, 19), True), ((128, 64, 19), False), ((1, 64, 400), False)],
)
def test_conv1d_takes_the_matmul_path_for_small_maps_only(shape, expected, monkeypatch):
    calls = _count_matmul_convolutions(monkeypatch)
    conv = Conv1d(64, 8, 7, stride=2, padding=3)
    x = torch.randn(shape)
    torch.testing.assert_close(conv(x), nn.functional.conv1d(x, conv.weight, conv.bias, 2, 3))
    assert bool(calls) == expected


def test_conv1d_keeps_the_parents_path_for_what_it_does_not_cover(monkeypatch):
    calls = _count_matmul_convolutions(monkeypatch)
    x = torch.randn(2, 4, 10)
    for conv in (
        Conv1d(4, 4, 3, padding=1, groups=2),
        Conv1d(4, 4, 3, padding=2, dilation=2),
        Conv1d(4, 4, 3, padding=1, padding_mode="circular"),
        Conv1d(4, 4, 3, padding="same"),
    ):
        assert conv(x).shape == (2, 4, 10)
    assert Conv1d(4, 4, 3).double()(x.double()).shape == (2, 4, 8)
    assert Conv1d(4, 4, 3).half()(torch.randn(2, 4, 10).half()).dtype == torch.float16
    assert [tuple(c) for c in calls] == [(2, 4, 10)]  # only the float64 one
    with torch.no_grad():
        traced = torch.jit.trace(Conv1d(4, 4, 3, padding=1), x, check_trace=False)
    assert len(calls) == 1  # the tracer saw the plain convolution
    torch.testing.assert_close(
        traced(x), nn.functional.conv1d(x, traced.weight, traced.bias, 1, 1)
    )


def test_conv1d_is_a_torch_conv1d_with_the_same_state_dict_keys():
    conv = Conv1d(2, 3, 5)
    assert isinstance(conv, nn.Conv1d)
    assert conv.state_dict().keys() == nn.Conv1d(2, 3, 5).state_dict().keys()
    net = DRSN(widths=(32, 64, 128), blocks_per_stage=1, kernel_size=7)
    assert isinstance(net.stages[2][0].conv2, Conv1d)
    assert set(net.state_dict()) == set(
        ReferenceDRSN(widths=(32, 64, 128), blocks_per_stage=1, kernel_size=7).state_dict()
    )


@pytest.mark.parametrize("shrinkage", ["cw", "cs"])
def test_small_network_trains_under_cpu_autocast(shrinkage, monkeypatch):
    # bfloat16 autocast mixes dtypes: the matrix-product convolution and the
    # hand-written shrinkage step aside for autograd's paths.
    calls = _count_matmul_convolutions(monkeypatch)
    torch.manual_seed(0)
    net = DRSN(1, 2, (32, 64, 128), 1, 7, shrinkage)
    with torch.autocast("cpu", dtype=torch.bfloat16):
        loss = nn.functional.cross_entropy(
            net(torch.randn(5, 1, 150)), torch.tensor([0, 1] * 2 + [0])
        )
    loss.backward()
    assert not calls
    assert all(torch.isfinite(p.grad).all() for p in net.parameters())
