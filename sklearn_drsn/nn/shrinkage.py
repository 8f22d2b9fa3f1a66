"""Soft thresholding and the threshold sub-networks of the DRSN paper.

Zhao et al. (2019), Sec. II-C/D: a residual shrinkage building unit ends in
soft thresholding, ``y = sign(x) * max(|x| - tau, 0)`` (Eq. 9), whose
threshold ``tau`` a small attention sub-network predicts per sample:

* channel-shared (CS, Eq. 11-12): one ``alpha`` per sample and
  ``tau = alpha * mean_c(mean |x_c|)``;
* channel-wise (CW, Eq. 13-14): one ``alpha_c`` per sample and channel and
  ``tau_c = alpha_c * mean |x_c|``.

``alpha`` comes from a sigmoid, so ``0 < tau < mean|x|`` and a unit can never
zero out its whole input. This module is pure PyTorch.
"""

from __future__ import annotations

import torch
from torch import Tensor, nn

from .packed import linear

__all__ = [
    "THRESHOLDS",
    "ChannelSharedThreshold",
    "ChannelwiseThreshold",
    "Shrinkage",
    "make_threshold",
    "soft_threshold",
]


class _SoftThreshold(torch.autograd.Function):
    """Soft thresholding with a hand-written backward that needs only the output.

    Autograd's backward of ``clamp`` with tensor bounds builds several
    boolean masks and ``where`` calls per element; here the output ``y``
    alone gives both gradients: ``dy/dx = [y != 0]`` and
    ``dy/dtau = -sign(y)``.
    """

    @staticmethod
    def forward(ctx, x: Tensor, tau: Tensor) -> Tensor:
        y = x - _clip(x, tau)
        ctx.save_for_backward(y)
        ctx.tau_shape = tau.shape
        return y

    @staticmethod
    @torch.autograd.function.once_differentiable
    def backward(ctx, grad: Tensor) -> tuple[Tensor | None, Tensor | None]:
        (y,) = ctx.saved_tensors
        grad_x = grad_tau = None
        if ctx.needs_input_grad[0]:
            grad_x = grad * (y != 0)
        if ctx.needs_input_grad[1]:
            grad_tau = -(grad * torch.sign(y)).sum_to_size(ctx.tau_shape)
        return grad_x, grad_tau


def _clip(x: Tensor, tau: Tensor) -> Tensor:
    """``clamp(x, -tau, tau)`` for ``tau >= 0``.

    ``clamp`` with broadcast tensor bounds takes a slow generic kernel on the
    CPU; ``minimum`` then ``maximum`` are two fast binary kernels (about 2x
    faster together on a feature map of the paper's network).
    """
    return torch.maximum(torch.minimum(x, tau), -tau)


def soft_threshold(x: Tensor, tau: Tensor) -> Tensor:
    """Soft thresholding ``sign(x) * max(|x| - tau, 0)``, differentiable in ``x`` and ``tau``.

    Parameters
    ----------
    x : Tensor
        Input of any shape.
    tau : Tensor
        Non-negative thresholds broadcastable to ``x`` (e.g. ``(N, C, 1)`` for
        ``x`` of shape ``(N, C, L)``).

    Returns
    -------
    Tensor
        Same shape as ``x``.

    Notes
    -----
    Computed as ``x - clamp(x, -tau, tau)``, which equals the definition for
    ``tau >= 0`` with two elementwise kernels instead of four, and with a
    custom backward (derivative 1 outside ``[-tau, tau]`` and 0 inside;
    ``-sign(x)`` outside and 0 inside with respect to ``tau``) computed from
    the output alone. The gradient is once differentiable.

    Examples
    --------
    >>> import torch
    >>> soft_threshold(torch.tensor([-3.0, -0.5, 0.0, 0.5, 3.0]), torch.tensor(1.0)).tolist()
    [-2.0, 0.0, 0.0, 0.0, 2.0]
    """
    if tau.dim() > x.dim():
        raise ValueError(f"tau has more dimensions ({tau.dim()}) than x ({x.dim()})")
    return _SoftThreshold.apply(x, tau)


def _mean_abs(x: Tensor) -> Tensor:
    """Global average pooling of ``|x|`` over all spatial axes: ``(N, C, ...) -> (N, C)``."""
    return x.abs().flatten(2).mean(dim=2)


class _ThresholdNet(nn.Module):
    """FC(C->C) -> BN -> ReLU -> FC(C->out) -> sigmoid, the paper's Fig. 4 sub-network.

    The first FC keeps the width ``C`` (the paper and the author's 1-D code);
    the author's CIFAR demo used ``C // 4``, which the paper does not.
    ``batch_norm=False`` replaces the BatchNorm with the identity (FC -> ReLU
    -> FC): when the pooled ``|x|`` varies little between the signals of a
    batch (signals standardised one by one), the BatchNorm scales that small
    variation up to unit variance, which made DRSN-CW training fail on some
    data (docs: the main job's results).

    With ``members > 1`` (a packed ensemble, ``sklearn_drsn.nn.packed``)
    the input has ``members * C`` channels, member ``m``'s in block ``m``, and
    the sub-network is ``members`` independent copies: grouped FC layers, and
    a BatchNorm over ``members * C`` features (per member by construction).
    """

    def __init__(
        self, channels: int, out_features: int, batch_norm: bool = True, members: int = 1
    ) -> None:
        super().__init__()
        self.channels = channels
        self.members = members
        width = members * channels
        self.fc1 = linear(channels, channels, members)
        self.bn = nn.BatchNorm1d(width) if batch_norm else nn.Identity()
        self.relu = nn.ReLU(inplace=True)
        self.fc2 = linear(channels, out_features, members)

    def scale(self, mean_abs: Tensor) -> Tensor:
        """The sigmoid scaling ``alpha`` in (0, 1) for the pooled ``|x|``."""
        return torch.sigmoid(self.fc2(self.relu(self.bn(self.fc1(mean_abs)))))

    def tau_from_mean_abs(self, mean_abs: Tensor) -> Tensor:
        """Thresholds ``(N, C)`` or ``(N, 1)`` from the pooled ``|x|`` of shape ``(N, C)``.

        With ``members > 1``, ``(N, members * C)`` from ``(N, members * C)``.
        """
        raise NotImplementedError

    def forward(self, x: Tensor) -> Tensor:
        """Thresholds ``(N, C or 1, 1, ...)``, broadcastable to ``x`` of shape ``(N, C, ...)``."""
        return _expand(self.tau_from_mean_abs(_mean_abs(x)), x)


def _expand(tau: Tensor, x: Tensor) -> Tensor:
    """``(N, K)`` thresholds as ``(N, K, 1, ...)``, broadcastable to ``x``."""
    return tau.reshape(tau.shape + (1,) * (x.ndim - 2))


class ChannelSharedThreshold(_ThresholdNet):
    """DRSN-CS threshold: one ``tau = alpha * mean|x|`` per sample, shared by all channels.

    Parameters
    ----------
    channels : int
        Number of channels ``C`` of the feature map (of each member).
    batch_norm : bool, default=True
        The BatchNorm between the two FC layers (the paper's); False drops it.
    members : int, default=1
        Independent sub-networks of a packed ensemble, one per block of ``C``
        channels of a ``(N, members * C, ...)`` map.

    Examples
    --------
    >>> import torch
    >>> tau = ChannelSharedThreshold(4)(torch.randn(2, 4, 16))
    >>> tuple(tau.shape)
    (2, 1, 1)
    """

    def __init__(self, channels: int, batch_norm: bool = True, members: int = 1) -> None:
        super().__init__(channels, 1, batch_norm, members)

    def tau_from_mean_abs(self, mean_abs: Tensor) -> Tensor:
        """Thresholds ``(N, 1)`` from the pooled ``|x|`` of shape ``(N, C)``.

        With ``members > 1``: ``(N, members * C)``, each member's one
        threshold repeated over its own ``C`` channels.
        """
        # Eq. 12: the multiplier is the average over channels of the pooled |x|.
        if self.members == 1:
            return self.scale(mean_abs) * mean_abs.mean(dim=1, keepdim=True)
        per_member = mean_abs.unflatten(1, (self.members, self.channels)).mean(dim=2)
        return (self.scale(mean_abs) * per_member).repeat_interleave(self.channels, dim=1)


class ChannelwiseThreshold(_ThresholdNet):
    """DRSN-CW threshold: ``tau_c = alpha_c * mean|x_c|`` per sample and channel.

    Parameters
    ----------
    channels : int
        Number of channels ``C`` of the feature map (of each member).
    batch_norm : bool, default=True
        The BatchNorm between the two FC layers (the paper's); False drops it.
    members : int, default=1
        Independent sub-networks of a packed ensemble, one per block of ``C``
        channels of a ``(N, members * C, ...)`` map.

    Examples
    --------
    >>> import torch
    >>> tau = ChannelwiseThreshold(4)(torch.randn(2, 4, 16))
    >>> tuple(tau.shape)
    (2, 4, 1)
    """

    def __init__(self, channels: int, batch_norm: bool = True, members: int = 1) -> None:
        super().__init__(channels, channels, batch_norm, members)

    def tau_from_mean_abs(self, mean_abs: Tensor) -> Tensor:
        """Thresholds ``(N, C)`` from the pooled ``|x|`` of shape ``(N, C)``."""
        return self.scale(mean_abs) * mean_abs


THRESHOLDS: dict[str, type[_ThresholdNet]] = {
    "cs": ChannelSharedThreshold,
    "cw": ChannelwiseThreshold,
}


def make_threshold(
    kind: str, channels: int, batch_norm: bool = True, members: int = 1
) -> _ThresholdNet:
    """Build a threshold sub-network by name (``"cs"`` or ``"cw"``).

    ``members > 1`` builds the packed sub-networks of that many members.

    Examples
    --------
    >>> type(make_threshold("cw", 8)).__name__
    'ChannelwiseThreshold'
    """
    try:
        return THRESHOLDS[kind](channels, batch_norm, members)
    except KeyError:
        raise ValueError(
            f"unknown shrinkage {kind!r}; use one of {sorted(THRESHOLDS)} or None"
        ) from None


class Shrinkage(nn.Module):
    """Soft thresholding with thresholds learned per sample by a threshold sub-network.

    Parameters
    ----------
    kind : {"cs", "cw"}
        Channel-shared or channel-wise thresholds.
    channels : int
        Number of channels of the feature map (of each member).
    batch_norm : bool, default=True
        BatchNorm inside the threshold sub-network (the paper's); False drops it.
    members : int, default=1
        Members of a packed ensemble: the map has ``members * channels``
        channels, and each member's block gets its own thresholds.

    Examples
    --------
    >>> import torch
    >>> shrink = Shrinkage("cs", 4)
    >>> x = torch.randn(3, 4, 32)
    >>> y = shrink(x)
    >>> bool((y.abs() <= x.abs()).all())
    True
    """

    def __init__(
        self, kind: str, channels: int, batch_norm: bool = True, members: int = 1
    ) -> None:
        super().__init__()
        self.kind = kind
        self.threshold = make_threshold(kind, channels, batch_norm, members)

    def forward(self, x: Tensor) -> Tensor:
        """Soft-threshold ``x`` with the thresholds its own sub-network predicts for it."""
        if self.training and torch.is_grad_enabled() and not torch.compiler.is_compiling():
            # Autocast would mix dtypes in the hand-written backward: autograd handles that.
            if (
                _is_plain(self.threshold)
                and x.shape[0] > 1
                and not torch.is_autocast_enabled(x.device.type)
            ):
                t = self.threshold
                bn = t.bn if isinstance(t.bn, nn.BatchNorm1d) else None
                bn_params = (bn.weight, bn.bias) if bn is not None else (None, None)
                channelwise = isinstance(t, ChannelwiseThreshold)
                return _HandWrittenShrinkage.apply(
                    x, t.fc1.weight, t.fc1.bias, *bn_params, t.fc2.weight, t.fc2.bias, bn,
                    channelwise,
                )  # fmt: skip
            params = tuple(p for p in self.threshold.parameters() if p.requires_grad)
            return _FusedShrinkage.apply(x, self.threshold, *params)
        return soft_threshold(x, self.threshold(x))


def _is_plain(threshold: _ThresholdNet) -> bool:
    """Whether ``threshold`` is this module's own sub-network, unmodified and without hooks.

    Only then may :class:`_HandWrittenShrinkage` compute it without calling
    its layers; anything else (a subclass, a swapped layer, a hook, a
    BatchNorm switched to eval or without running statistics, the grouped
    layers of a packed ensemble) takes the general fused path, which calls
    the layers.
    """
    if type(threshold) not in (ChannelSharedThreshold, ChannelwiseThreshold):
        return False
    bn = threshold.bn
    if type(bn) is nn.BatchNorm1d:
        if not (bn.training and bn.affine and bn.track_running_stats):
            return False
    elif type(bn) is not nn.Identity:
        return False
    layers = (threshold, threshold.fc1, bn, threshold.relu, threshold.fc2)
    return (
        type(threshold.fc1) is nn.Linear
        and type(threshold.fc2) is nn.Linear
        and threshold.fc1.bias is not None
        and threshold.fc2.bias is not None
        and not any(m._forward_hooks or m._forward_pre_hooks for m in layers)
    )


class _FusedShrinkage(torch.autograd.Function):
    """Training-time shrinkage ``soft_threshold(x, tau(mean|x|))`` as one autograd node.

    The feature map is large and the threshold sub-network tiny, so the cost
    is the number of passes over the feature map. Autograd of the composition
    makes about ten in the backward (the masks of the soft threshold, the
    gradients of ``mean|x|`` and of ``abs``, and the sum of the two gradient
    paths into ``x``); this node makes six, using that ``sign(x)`` equals
    ``sign(clamp(x, -tau, tau))`` for ``tau > 0``:

    ``dL/dx = g * [|x| > tau] + sign(x) * (dL/dmean|x|) / L``.

    The sub-network's small graph (from a detached copy of ``mean|x|`` and
    its parameters) is kept from the forward and differentiated in the
    backward, so its BatchNorm statistics update once, as without fusion.
    The parameters are inputs of the node, so ``torch.autograd.grad`` and
    hooks see their gradients as usual. Outside training (or without
    autograd) the plain composition runs, which is what forward hooks on the
    sub-network and exporters see.
    """

    @staticmethod
    def forward(ctx, x: Tensor, threshold: _ThresholdNet, *params: Tensor) -> Tensor:
        mean_abs = _mean_abs(x.detach()).requires_grad_()
        with torch.enable_grad():
            tau = threshold.tau_from_mean_abs(mean_abs)
        bound = _expand(tau.detach(), x)
        clipped = _clip(x, bound)
        y = x - clipped
        ctx.save_for_backward(y, clipped)
        ctx.graph = (tau, mean_abs, params)
        ctx.bound_shape = bound.shape
        return y

    @staticmethod
    @torch.autograd.function.once_differentiable
    def backward(ctx, grad: Tensor) -> tuple[Tensor | None, ...]:
        y, clipped = ctx.saved_tensors
        tau, mean_abs, params = ctx.graph
        outside = torch.sign(y)  # +-1 where |x| > tau, 0 inside
        grad_x = grad * outside
        grad_tau = -grad_x.sum_to_size(ctx.bound_shape).reshape(tau.shape)
        # retain_graph: the caller may backpropagate through this node again.
        grad_mean_abs, *grad_params = torch.autograd.grad(
            tau, (mean_abs, *params), grad_tau, retain_graph=True
        )
        if not ctx.needs_input_grad[0]:
            return (None, None, *grad_params)
        grad_x.mul_(outside)  # grad * [|x| > tau]
        per_element = _expand(grad_mean_abs / y[0, 0].numel(), y)
        grad_x.addcmul_(torch.sign(clipped), per_element)
        return (grad_x, None, *grad_params)


class _HandWrittenShrinkage(torch.autograd.Function):
    """Training-time shrinkage with the threshold sub-network's backward written out.

    The same arithmetic as :class:`_FusedShrinkage` (the same ATen kernels for
    the linear layers, the BatchNorm and the sigmoid), but the sub-network's
    forward and backward are explicit calls instead of module calls and a
    nested ``torch.autograd.grad``: on short series, whose feature maps are
    small, a step's cost is the number of operations, and the nested autograd
    call with its graph was most of this node's. The BatchNorm's running
    statistics and ``num_batches_tracked`` are updated as
    :class:`torch.nn.BatchNorm1d` updates them.
    """

    @staticmethod
    def forward(
        ctx, x, w1, b1, bn_w, bn_b, w2, b2, bn: nn.BatchNorm1d | None, channelwise: bool
    ) -> Tensor:
        mean_abs = _mean_abs(x)
        h = torch.addmm(b1, mean_abs, w1.t())
        if bn is not None:
            momentum = _batch_norm_momentum(bn)
            h_norm, save_mean, save_invstd = torch.native_batch_norm(
                h, bn_w, bn_b, bn.running_mean, bn.running_var, True, momentum, bn.eps
            )
        else:
            h_norm, save_mean, save_invstd = h, None, None
        r = torch.relu(h_norm)
        alpha = torch.sigmoid(torch.addmm(b2, r, w2.t()))
        base = mean_abs if channelwise else mean_abs.mean(dim=1, keepdim=True)
        bound = _expand(alpha * base, x)
        clipped = _clip(x, bound)
        y = x - clipped
        ctx.save_for_backward(
            y, clipped, mean_abs, h, r, alpha, base, w1, bn_w, w2, save_mean, save_invstd
        )
        ctx.bn_eps = bn.eps if bn is not None else None
        ctx.bound_shape = bound.shape
        return y

    @staticmethod
    @torch.autograd.function.once_differentiable
    def backward(ctx, grad: Tensor) -> tuple[Tensor | None, ...]:
        y, clipped, mean_abs, h, r, alpha, base, w1, bn_w, w2, save_mean, save_invstd = (
            ctx.saved_tensors
        )
        need = ctx.needs_input_grad
        outside = torch.sign(y)  # +-1 where |x| > tau, 0 inside
        grad_x = grad * outside
        grad_tau = -grad_x.sum_to_size(ctx.bound_shape).reshape(base.shape)
        grad_z = torch.ops.aten.sigmoid_backward(grad_tau * base, alpha)
        grad_w2 = grad_z.t().mm(r) if need[5] else None
        grad_b2 = grad_z.sum(0) if need[6] else None
        grad_h = torch.ops.aten.threshold_backward(grad_z.mm(w2), r, 0)
        grad_bn_w = grad_bn_b = None
        if ctx.bn_eps is not None:
            grad_h, grad_bn_w, grad_bn_b = torch.ops.aten.native_batch_norm_backward(
                grad_h, h, bn_w, None, None, save_mean, save_invstd, True, ctx.bn_eps,
                [True, need[3], need[4]],
            )  # fmt: skip
        grad_w1 = grad_h.t().mm(mean_abs) if need[1] else None
        grad_b1 = grad_h.sum(0) if need[2] else None
        grads = (grad_w1, grad_b1, grad_bn_w, grad_bn_b, grad_w2, grad_b2, None, None)
        if not need[0]:
            return (None, *grads)
        # d tau / d mean|x|: alpha on its own channel (CW), or alpha / C on every channel (CS).
        grad_base = grad_tau * alpha
        if base.shape != mean_abs.shape:
            grad_base = (grad_base / mean_abs.shape[1]).expand_as(mean_abs)
        grad_mean_abs = torch.addmm(grad_base, grad_h, w1)
        grad_x.mul_(outside)  # grad * [|x| > tau]
        per_element = _expand(grad_mean_abs / y[0, 0].numel(), y)
        grad_x.addcmul_(torch.sign(clipped), per_element)
        return (grad_x, *grads)


def _batch_norm_momentum(bn: nn.BatchNorm1d) -> float:
    """Count the batch; the running-statistics factor, as ``BatchNorm1d.forward`` has it."""
    bn.num_batches_tracked.add_(1)
    if bn.momentum is None:  # cumulative moving average
        return 1.0 / float(bn.num_batches_tracked)
    return bn.momentum
