"""Soft thresholding and the threshold sub-networks (paper Eq. 9-14)."""

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from sklearn_drsn.nn import (
    ChannelSharedThreshold,
    ChannelwiseThreshold,
    Shrinkage,
    make_threshold,
    soft_threshold,
)

finite = st.floats(-1e3, 1e3, allow_nan=False, width=32)


def reference_soft_threshold(x, tau):
    return np.sign(x) * np.maximum(np.abs(x) - tau, 0.0)


@given(x=arrays(np.float32, st.integers(1, 64), elements=finite), tau=st.floats(0, 100))
def test_soft_threshold_matches_definition(x, tau):
    got = soft_threshold(torch.from_numpy(x), torch.tensor(tau, dtype=torch.float32))
    np.testing.assert_allclose(got.numpy(), reference_soft_threshold(x, np.float32(tau)), atol=0)


@given(x=arrays(np.float32, (3, 5), elements=finite))
def test_soft_threshold_never_grows_magnitude_or_flips_sign(x):
    y = soft_threshold(torch.from_numpy(x), torch.full((3, 1), 0.7)).numpy()
    assert np.all(np.abs(y) <= np.abs(x))
    assert np.all(y * x >= 0)


def test_soft_threshold_passes_gradcheck_in_float64():
    gen = torch.Generator().manual_seed(0)
    x = torch.randn(4, 3, 9, generator=gen, dtype=torch.float64)
    tau = torch.rand(4, 3, 1, generator=gen, dtype=torch.float64) * 0.5
    # Keep |x| away from tau: the function has kinks there, where finite differences lie.
    x = torch.where((x.abs() - tau).abs() < 1e-3, x + 1e-2, x)
    x.requires_grad_(True)
    tau.requires_grad_(True)
    assert torch.autograd.gradcheck(soft_threshold, (x, tau))


def test_soft_threshold_gradient_reaches_tau():
    x = torch.tensor([2.0, -3.0, 0.1])
    tau = torch.tensor(0.5, requires_grad=True)
    soft_threshold(x, tau).sum().backward()
    # d/dtau: -1 above tau, +1 below -tau, 0 inside.
    assert tau.grad.item() == pytest.approx(-1 + 1 + 0)


ADVERSARIAL = {
    "gaussian": lambda g: torch.randn(16, 8, 64, generator=g),
    "huge": lambda g: 1e6 * torch.randn(16, 8, 64, generator=g),
    "tiny": lambda g: 1e-6 * torch.randn(16, 8, 64, generator=g),
    "spikes": lambda g: torch.zeros(16, 8, 64).index_fill_(2, torch.tensor([5]), 1e4),
    "one_hot_channel": lambda g: torch.zeros(16, 8, 64).index_fill_(1, torch.tensor([3]), -7.0),
    "all_zero": lambda g: torch.zeros(16, 8, 64),
}


@pytest.mark.parametrize("kind", ["cs", "cw"])
@pytest.mark.parametrize("train", [True, False])
@pytest.mark.parametrize("case", sorted(ADVERSARIAL))
def test_threshold_is_between_zero_and_mean_abs(kind, train, case):
    torch.manual_seed(0)
    module = make_threshold(kind, 8).train(train)
    x = ADVERSARIAL[case](torch.Generator().manual_seed(1))
    with torch.no_grad():
        tau = module(x)
    mean_abs = x.abs().mean(dim=2, keepdim=True)
    bound = mean_abs.mean(dim=1, keepdim=True) if kind == "cs" else mean_abs
    assert tau.shape == bound.shape
    assert torch.isfinite(tau).all()
    assert (tau >= 0).all()
    assert (tau <= bound * (1 + 1e-6)).all()


@pytest.mark.parametrize("kind", ["cs", "cw"])
def test_threshold_is_per_sample_and_follows_noise_level(kind):
    torch.manual_seed(0)
    module = make_threshold(kind, 4).eval()
    gen = torch.Generator().manual_seed(2)
    signal = torch.sin(torch.linspace(0, 20, 128)).expand(4, 128)
    quiet = signal + 0.05 * torch.randn(4, 128, generator=gen)
    loud = signal + 2.0 * torch.randn(4, 128, generator=gen)
    with torch.no_grad():
        tau = module(torch.stack([quiet, loud]))
    assert not torch.allclose(tau[0], tau[1])


def test_channel_shared_gives_one_threshold_per_sample():
    tau = ChannelSharedThreshold(5)(torch.randn(3, 5, 11))
    assert tau.shape == (3, 1, 1)


def test_channelwise_gives_one_threshold_per_channel_and_2d_shapes():
    tau = ChannelwiseThreshold(5)(torch.randn(3, 5, 6, 7))
    assert tau.shape == (3, 5, 1, 1)


def test_threshold_sub_network_has_the_papers_widths():
    cs, cw = ChannelSharedThreshold(16), ChannelwiseThreshold(16)
    assert (cs.fc1.out_features, cs.fc2.out_features) == (16, 1)
    assert (cw.fc1.out_features, cw.fc2.out_features) == (16, 16)


def test_unknown_threshold_kind_names_the_valid_ones():
    with pytest.raises(ValueError, match=r"'cs', 'cw'"):
        make_threshold("channelwise", 4)


@settings(deadline=None, max_examples=25)
@given(scale=st.floats(1e-3, 1e3))
def test_shrinkage_shrinks_and_is_finite(scale):
    torch.manual_seed(0)
    x = scale * torch.randn(4, 6, 32)
    y = Shrinkage("cw", 6)(x)
    assert torch.isfinite(y).all()
    assert (y.abs() <= x.abs()).all()


@pytest.mark.parametrize("tau_shape", [(6, 4, 1), (6, 1, 1), ()])
def test_custom_backward_matches_autograd_of_the_definition(tau_shape):
    gen = torch.Generator().manual_seed(3)
    x = torch.randn(6, 4, 50, generator=gen, requires_grad=True)
    tau = torch.rand(tau_shape, generator=gen).requires_grad_(True)
    upstream = torch.randn(6, 4, 50, generator=gen)
    (soft_threshold(x, tau) * upstream).sum().backward()
    got = x.grad.clone(), tau.grad.clone()
    x.grad = tau.grad = None
    reference = torch.sign(x) * torch.relu(x.abs() - tau)
    (reference * upstream).sum().backward()
    torch.testing.assert_close(got[0], x.grad)
    torch.testing.assert_close(got[1], tau.grad)


def _unfused(shrink, x):
    """The shrinkage as a plain composition, differentiated by autograd."""
    tau = shrink.threshold(x)
    return torch.sign(x) * torch.relu(x.abs() - tau)


@pytest.mark.parametrize("kind", ["cw", "cs"])
@pytest.mark.parametrize("shape", [(6, 4, 33), (5, 3, 4, 7)])
def test_fused_training_shrinkage_matches_autograd_of_the_composition(kind, shape):
    gen = torch.Generator().manual_seed(1)
    fused = Shrinkage(kind, shape[1]).double().train()
    plain = Shrinkage(kind, shape[1]).double().train()
    plain.load_state_dict(fused.state_dict())
    x = torch.randn(shape, generator=gen, dtype=torch.float64)
    upstream = torch.randn(shape, generator=gen, dtype=torch.float64)
    grads = []
    for module in (fused, plain):
        xi = x.clone().requires_grad_()
        out = module(xi) if module is fused else _unfused(module, xi)
        (out * upstream).sum().backward()
        grads.append((out, xi.grad, [p.grad for p in module.parameters()]))
    torch.testing.assert_close(grads[0][0], grads[1][0])
    torch.testing.assert_close(grads[0][1], grads[1][1])
    for got, want in zip(grads[0][2], grads[1][2]):
        torch.testing.assert_close(got, want)
    # The sub-network's BatchNorm saw one batch in both.
    torch.testing.assert_close(fused.threshold.bn.running_var, plain.threshold.bn.running_var)
    assert int(fused.threshold.bn.num_batches_tracked) == 1


@pytest.mark.parametrize("kind", ["cw", "cs"])
def test_fused_training_shrinkage_passes_gradcheck(kind):
    shrink = Shrinkage(kind, 3).double().train()
    x = torch.randn(5, 3, 9, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(shrink, (x,))


def test_fused_shrinkage_exposes_parameter_gradients_to_autograd_grad():
    # The sub-network's parameters are inputs of the fused node, so the functional
    # API reaches them (not only .grad accumulation through loss.backward()).
    shrink = Shrinkage("cw", 4).train()
    x = torch.randn(8, 4, 20, requires_grad=True)
    params = list(shrink.parameters())
    grads = torch.autograd.grad(shrink(x).square().sum(), [x, *params])
    assert all(g is not None and torch.isfinite(g).all() for g in grads)
    assert grads[-1].abs().sum() > 0  # fc2's bias steers the thresholds


def _general_path(shrink):
    """Force the general fused path: a (no-op) hook makes the sub-network not plain."""
    shrink.threshold.fc1.register_forward_hook(lambda *args: None)
    return shrink


@pytest.mark.parametrize("kind", ["cw", "cs"])
@pytest.mark.parametrize("batch_norm", [True, False])
@pytest.mark.parametrize("momentum", [0.1, None])
def test_hand_written_shrinkage_matches_the_general_path_and_autograd(kind, batch_norm, momentum):
    # Three computations of the same training step: the hand-written backward (the
    # default), the general fused node, and autograd of the plain composition.
    gen = torch.Generator().manual_seed(4)
    modules = [Shrinkage(kind, 6, batch_norm).double().train() for _ in range(3)]
    for m in modules[1:]:
        m.load_state_dict(modules[0].state_dict())
    if batch_norm:
        for m in modules:
            m.threshold.bn.momentum = momentum
    hand, general, plain = modules
    _general_path(general)
    x = torch.randn(7, 6, 23, generator=gen, dtype=torch.float64)
    upstream = torch.randn(7, 6, 23, generator=gen, dtype=torch.float64)
    results = []
    for module in modules:
        for _ in range(2):  # twice: the BatchNorm's running statistics move alike
            xi = x.clone().requires_grad_()
            module.zero_grad()
            out = module(xi) if module is not plain else _unfused(module, xi)
            (out * upstream).sum().backward()
        results.append((out, xi.grad, {n: p.grad for n, p in module.named_parameters()}))
    for other in results[1:]:
        torch.testing.assert_close(results[0][0], other[0])
        torch.testing.assert_close(results[0][1], other[1])
        for name, grad in results[0][2].items():
            torch.testing.assert_close(grad, other[2][name], msg=name)
    buffers = [dict(m.named_buffers()) for m in modules]
    for name, buf in buffers[0].items():
        for other in buffers[1:]:
            torch.testing.assert_close(buf, other[name], msg=name)
    if batch_norm:
        assert int(hand.threshold.bn.num_batches_tracked) == 2


def test_hand_written_shrinkage_calls_no_layer_and_hooks_switch_it_off():
    shrink = Shrinkage("cw", 4).train()
    calls = []
    x = torch.randn(5, 4, 12, requires_grad=True)
    shrink(x).sum().backward()
    shrink.threshold.fc2.register_forward_hook(lambda *args: calls.append(1))
    shrink(x).sum().backward()
    assert calls == [1]  # the hook fired: the general path ran the layers
    with torch.no_grad():
        shrink(x)
    assert calls == [1, 1]


def test_hand_written_shrinkage_respects_frozen_parameters():
    shrink = Shrinkage("cs", 4).train()
    shrink.threshold.fc1.weight.requires_grad_(False)
    x = torch.randn(5, 4, 12)  # no gradient wanted for x either
    shrink(x).square().sum().backward()
    assert shrink.threshold.fc1.weight.grad is None
    assert shrink.threshold.fc2.weight.grad is not None


def test_shrinkage_of_a_single_signal_in_training_fails_as_batch_norm_does():
    with pytest.raises(ValueError, match="more than 1 value per channel"):
        Shrinkage("cw", 4).train()(torch.randn(1, 4, 12, requires_grad=True))
