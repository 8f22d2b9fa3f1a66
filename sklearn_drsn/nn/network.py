"""The DRSN builder: stem, stages of residual (shrinkage) units, head.

Table II of Zhao et al. (2019): ``Conv(4, 3, /2)`` -> three stages of four
units with widths 4, 8, 16 (the first unit of each stage halves the length)
-> BN -> ReLU -> global average pooling -> fully connected layer. The same
builder gives the paper's ResNet (``shrinkage=None``) and ConvNet
(``shrinkage=None, shortcut=False``) baselines.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from itertools import pairwise

import torch
from torch import Tensor, nn

from .packed import linear, log_mean_softmax
from .units import ResidualShrinkageUnit, conv_layers

__all__ = ["DRSN", "Standardize", "weight_decay_groups"]


class Standardize(nn.Module):
    """Per-channel ``(x - mean) / scale`` with fixed (non-trained) statistics.

    The network's identity shortcuts carry the input's scale from the stem
    to the head untouched by any BatchNorm, so raw amplitudes of 1e3 would
    drown every residual branch. The statistics are buffers: they travel
    with ``state_dict``, pickles and ONNX exports, and the optimiser never
    sees them. The identity (mean 0, scale 1) until :meth:`set_statistics`.

    Parameters
    ----------
    channels : int
        Input channels.

    Examples
    --------
    >>> import torch
    >>> s = Standardize(1)
    >>> s.set_statistics(torch.tensor([10.0]), torch.tensor([2.0]))
    >>> s(torch.full((1, 1, 3), 14.0)).tolist()
    [[[2.0, 2.0, 2.0]]]
    """

    def __init__(self, channels: int) -> None:
        super().__init__()
        self.register_buffer("mean", torch.zeros(channels))
        self.register_buffer("scale", torch.ones(channels))

    def set_statistics(self, mean: Tensor, scale: Tensor) -> None:
        """Use ``mean`` and ``scale`` (shape ``(channels,)``, ``scale > 0``)."""
        if (scale <= 0).any():
            raise ValueError("scale must be positive")
        self.mean.copy_(mean)
        self.scale.copy_(scale)

    def forward(self, x: Tensor) -> Tensor:
        """Standardised ``x`` of shape ``(N, C, ...)``."""
        shape = (1, -1) + (1,) * (x.ndim - 2)
        return (x - self.mean.view(shape)) / self.scale.view(shape)


def _make_stage(
    in_channels: int, out_channels: int, n_units: int, **unit_kwargs: object
) -> nn.Sequential:
    """``n_units`` units; only the first one strides (the paper's "/2") and widens."""
    units = [ResidualShrinkageUnit(in_channels, out_channels, stride=2, **unit_kwargs)]
    units += [
        ResidualShrinkageUnit(out_channels, out_channels, stride=1, **unit_kwargs)
        for _ in range(n_units - 1)
    ]
    return nn.Sequential(*units)


class DRSN(nn.Module):
    """Deep residual shrinkage network (DRSN-CS, DRSN-CW) and its ResNet/ConvNet baselines.

    Parameters
    ----------
    in_channels : int, default=1
        Channels of the input (sensors for signals, colours for images).
    n_classes : int, default=8
        Number of output logits.
    widths : sequence of int, default=(4, 8, 16)
        Channels of each stage; non-decreasing (the shortcut pads with zeros).
    blocks_per_stage : int, default=4
        Units per stage; the first of each stage has stride 2.
    kernel_size : int, default=3
        Odd kernel size of every convolution.
    shrinkage : {"cw", "cs"} or None, default="cw"
        Threshold sub-network of every unit; None gives the ResNet baseline.
    shortcut : bool, default=True
        False removes the identity shortcuts (the ConvNet baseline).
    ndim : {1, 2}, default=1
        1 for signals ``(N, C, L)``, 2 for images ``(N, C, H, W)``.
    threshold_batch_norm : bool, default=True
        BatchNorm inside every threshold sub-network (the paper's Fig. 4);
        False drops it (FC -> ReLU -> FC -> sigmoid).
    members : int, default=1
        Independent networks trained as one packed ensemble (Laurent et al.,
        2023, with full-width members: ``alpha = members``, ``gamma = 1``).
        Each member is this same architecture with its own weights and its
        own BatchNorm statistics; all see the same batches. Member ``m``
        holds block ``m`` of every layer's channels: the stem maps the input
        to ``members * widths[0]`` channels (every member reads all of the
        input), every later convolution and FC layer is grouped by member,
        and ``state_dict`` tensors are the members' tensors concatenated
        along their first axis (the input standardisation is shared). In
        training mode the network returns member logits
        ``(N, members, n_classes)``; in eval mode the log of the members'
        mean softmax probability, ``(N, n_classes)``.

    Notes
    -----
    Convolutions use symmetric 'same' padding, PyTorch's ``padding=k // 2``.
    TensorFlow's 'SAME' (the author's code) pads stride-2 convolutions on the
    right only; both give ``ceil(L / 2)`` outputs, and the symmetric choice
    centres each strided output on the sample that the decimating shortcut
    keeps. Weights are He-normal (fan-in, as the author's ``variance_scaling``),
    biases zero, BatchNorm at PyTorch's defaults (weight 1, bias 0).

    The network returns logits; train it with ``nn.CrossEntropyLoss`` (with
    ``members > 1``, on each member's logits; in eval mode its output is
    log-probabilities, which cross-entropy and softmax take as logits).

    References
    ----------
    .. [1] O. Laurent, A. Lafage, E. Tartaglione, G. Daniel, J.-M. Martinez,
       A. Bursuc and G. Franchi, "Packed-Ensembles for Efficient Uncertainty
       Estimation," ICLR 2023.

    Examples
    --------
    >>> import torch
    >>> net = DRSN(shrinkage="cw")
    >>> sum(p.numel() for p in net.parameters())
    11552
    >>> tuple(net(torch.randn(2, 1, 2048)).shape)
    (2, 8)
    >>> packed = DRSN(shrinkage="cw", members=3)
    >>> sum(p.numel() for p in packed.parameters())
    34656
    >>> tuple(packed(torch.randn(2, 1, 2048)).shape)  # training mode: member logits
    (2, 3, 8)
    >>> tuple(packed.eval()(torch.randn(2, 1, 2048)).shape)  # eval: the ensemble's
    (2, 8)
    """

    def __init__(
        self,
        in_channels: int = 1,
        n_classes: int = 8,
        widths: Sequence[int] = (4, 8, 16),
        blocks_per_stage: int = 4,
        kernel_size: int = 3,
        shrinkage: str | None = "cw",
        shortcut: bool = True,
        ndim: int = 1,
        threshold_batch_norm: bool = True,
        members: int = 1,
    ) -> None:
        super().__init__()
        widths = tuple(int(w) for w in widths)
        if not widths or min(widths) < 1:
            raise ValueError(f"widths must be a non-empty sequence of positive ints, got {widths}")
        if any(b < a for a, b in pairwise(widths)):
            raise ValueError(f"widths must be non-decreasing, got {widths}")
        if blocks_per_stage < 1:
            raise ValueError(f"blocks_per_stage must be >= 1, got {blocks_per_stage!r}")
        if kernel_size < 1 or kernel_size % 2 == 0:
            raise ValueError(f"kernel_size must be a positive odd integer, got {kernel_size!r}")
        if isinstance(members, bool) or not isinstance(members, numbers.Integral) or members < 1:
            raise ValueError(f"members must be a positive int, got {members!r}")
        members = int(members)
        conv, norm = conv_layers(ndim)
        self.ndim = ndim
        self.members = members
        self.standardize = Standardize(in_channels)
        # Not grouped: every member reads the whole input.
        self.stem = conv(
            in_channels, members * widths[0], kernel_size, stride=2, padding=kernel_size // 2
        )
        unit_kwargs = dict(
            kernel_size=kernel_size, shrinkage=shrinkage, shortcut=shortcut, ndim=ndim,
            threshold_batch_norm=threshold_batch_norm, members=members,
        )  # fmt: skip
        self.stages = nn.Sequential(
            *(
                _make_stage(c_in, c_out, blocks_per_stage, **unit_kwargs)
                for c_in, c_out in pairwise((widths[0], *widths))
            )
        )
        self.bn = norm(members * widths[-1])
        self.relu = nn.ReLU(inplace=True)
        self.fc = linear(widths[-1], n_classes, members)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """He-normal convolution and linear weights, zero biases, BatchNorm at (1, 0).

        Grouped layers' weights have the per-member fan-in as their second
        axis, so each member is initialised as a single network is.
        """
        for m in self.modules():
            if isinstance(m, (nn.Conv1d, nn.Conv2d, nn.Linear)):
                nn.init.kaiming_normal_(m.weight, mode="fan_in", nonlinearity="relu")
                nn.init.zeros_(m.bias)
            elif isinstance(m, nn.modules.batchnorm._BatchNorm):
                m.reset_parameters()

    def forward_features(self, x: Tensor) -> Tensor:
        """The globally pooled embedding before the classifier, ``(N, widths[-1])``.

        With ``members > 1``, the members' embeddings side by side,
        ``(N, members * widths[-1])`` (member ``m``'s in block ``m``).
        """
        out = self.relu(self.bn(self.stages(self.stem(self.standardize(x)))))
        return out.flatten(2).mean(dim=2)

    def forward(self, x: Tensor) -> Tensor:
        """Class logits ``(N, n_classes)``.

        With ``members > 1``: member logits ``(N, members, n_classes)`` in
        training mode, and the ensemble's log-probabilities (log of the mean
        of the members' softmax) ``(N, n_classes)`` in eval mode.
        """
        logits = self.fc(self.forward_features(x))
        if self.members == 1:
            return logits
        logits = logits.unflatten(1, (self.members, -1))
        return logits if self.training else log_mean_softmax(logits)


def weight_decay_groups(module: nn.Module, weight_decay: float) -> list[dict]:
    """Optimizer parameter groups that decay convolution and linear weights only.

    The paper's L2 term (TFLearn's ``regularizer='L2'``) is on every conv and
    FC weight tensor; biases and BatchNorm parameters are not regularised.

    Parameters
    ----------
    module : nn.Module
        The network.
    weight_decay : float
        Decay for the convolution and linear weights.

    Returns
    -------
    list of dict
        Two groups for ``torch.optim`` optimizers.

    Examples
    --------
    >>> groups = weight_decay_groups(DRSN(), 1e-4)
    >>> [g["weight_decay"] for g in groups]
    [0.0001, 0.0]
    """
    decay, no_decay = [], []
    for name, param in _named_trainable(module):
        (decay if is_decayed_parameter(module, name) else no_decay).append(param)
    return [
        {"params": decay, "weight_decay": weight_decay},
        {"params": no_decay, "weight_decay": 0.0},
    ]


def is_decayed_parameter(module: nn.Module, name: str) -> bool:
    """Whether the parameter ``name`` of ``module`` is a conv or linear weight."""
    owner_name, _, attr = name.rpartition(".")
    owner = module.get_submodule(owner_name)
    return attr == "weight" and isinstance(owner, (nn.Conv1d, nn.Conv2d, nn.Linear))


def _named_trainable(module: nn.Module):
    return ((n, p) for n, p in module.named_parameters() if p.requires_grad)
