"""Residual (shrinkage) building units: RSBU-CS, RSBU-CW, and the paper's RBU and CBU.

One class covers the four units of the paper's Table II, so that the
baselines differ from DRSN in exactly one switch:

==========  ===============  ==========
unit        ``shrinkage``    ``shortcut``
==========  ===============  ==========
RSBU-CW     ``"cw"``         ``True``
RSBU-CS     ``"cs"``         ``True``
RBU         ``None``         ``True``
CBU         ``None``         ``False``
==========  ===============  ==========
"""

from __future__ import annotations

import torch.nn.functional as F
from torch import Tensor, nn

from .conv import Conv1d
from .shrinkage import Shrinkage

__all__ = ["DecimatingShortcut", "ResidualShrinkageUnit", "conv_layers"]


def conv_layers(ndim: int) -> tuple[type[nn.Module], type[nn.Module]]:
    """The convolution and batch-norm classes for 1-D or 2-D signals.

    The 1-D convolution is :class:`~sklearn_drsn.nn.conv.Conv1d`, a
    :class:`torch.nn.Conv1d` that picks a faster kernel for small maps.

    Examples
    --------
    >>> conv_layers(2)[0].__name__
    'Conv2d'
    """
    layers = {1: (Conv1d, nn.BatchNorm1d), 2: (nn.Conv2d, nn.BatchNorm2d)}
    if ndim not in layers:
        raise ValueError(f"ndim must be 1 (signals) or 2 (images), got {ndim!r}")
    return layers[ndim]


class DecimatingShortcut(nn.Module):
    """Identity shortcut that keeps every ``stride``-th sample and zero-pads new channels.

    The author's code uses a kernel-1 average pool with stride 2 (pure
    decimation, ``x[..., ::2]``) and pads the extra channels with zeros, split
    evenly before and after (one more after when the difference is odd),
    instead of a 1x1 projection convolution.

    Parameters
    ----------
    in_channels, out_channels : int
        Channel counts (of each member); ``out_channels >= in_channels``.
    stride : int
        Decimation factor along every spatial axis.
    members : int, default=1
        Members of a packed ensemble: the input has ``members * in_channels``
        channels, and each member's block is padded on its own, so that its
        channels stay in its block of the output.

    Examples
    --------
    >>> import torch
    >>> s = DecimatingShortcut(4, 8, stride=2)
    >>> tuple(s(torch.ones(1, 4, 7)).shape)
    (1, 8, 4)
    >>> packed = DecimatingShortcut(1, 3, stride=1, members=2)
    >>> packed(torch.tensor([[[1.0], [2.0]]])).flatten().tolist()
    [0.0, 1.0, 0.0, 0.0, 2.0, 0.0]
    """

    def __init__(self, in_channels: int, out_channels: int, stride: int, members: int = 1) -> None:
        super().__init__()
        if out_channels < in_channels:
            raise ValueError(
                f"the zero-padding shortcut cannot reduce channels ({in_channels} -> "
                f"{out_channels}); use non-decreasing widths"
            )
        self.stride = stride
        self.members = members
        extra = out_channels - in_channels
        self.pad_before, self.pad_after = extra // 2, extra - extra // 2

    def forward(self, x: Tensor) -> Tensor:
        """Decimated, channel-padded ``x``."""
        if self.stride > 1:
            spatial = (slice(None, None, self.stride),) * (x.ndim - 2)
            x = x[(slice(None), slice(None), *spatial)]
        if self.pad_before or self.pad_after:
            # Members' blocks as an axis of their own, so each is padded on its own.
            packed = self.members > 1
            if packed:
                x = x.unflatten(1, (self.members, -1))
            # F.pad lists (last axis first) the spatial axes, then the channel axis.
            spatial = x.ndim - 3 if packed else x.ndim - 2
            x = F.pad(x, (0, 0) * spatial + (self.pad_before, self.pad_after))
            if packed:
                x = x.flatten(1, 2)
        return x


class ResidualShrinkageUnit(nn.Module):
    """Pre-activation residual unit, optionally ending in learned soft thresholding.

    ``BN -> ReLU -> Conv(k, stride) -> BN -> ReLU -> Conv(k) -> [shrinkage] -> + shortcut``,
    with nothing after the sum (He et al.'s identity-mapping order, as in the
    paper's Fig. 4 and the author's code).

    Parameters
    ----------
    in_channels, out_channels : int
        Channel counts of input and output.
    stride : int, default=1
        Stride of the first convolution (and decimation of the shortcut).
    kernel_size : int, default=3
        Odd kernel size; 'same' padding keeps both paths the same length.
    shrinkage : {"cw", "cs"} or None, default="cw"
        Threshold sub-network; None gives the plain residual unit (RBU).
    shortcut : bool, default=True
        False drops the identity path (the ConvNet baseline's CBU).
    ndim : {1, 2}, default=1
        1 for signals ``(N, C, L)``, 2 for images ``(N, C, H, W)``.
    threshold_batch_norm : bool, default=True
        BatchNorm inside the threshold sub-network (the paper's); False drops it.
    members : int, default=1
        Members of a packed ensemble: ``in_channels`` and ``out_channels`` are
        each member's, the unit maps ``members * in_channels`` channels to
        ``members * out_channels`` with convolutions of ``members`` groups, and
        member ``m`` reads and writes only block ``m``.

    Examples
    --------
    >>> import torch
    >>> unit = ResidualShrinkageUnit(4, 8, stride=2, shrinkage="cs")
    >>> tuple(unit(torch.randn(2, 4, 10)).shape)
    (2, 8, 5)
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        stride: int = 1,
        kernel_size: int = 3,
        shrinkage: str | None = "cw",
        shortcut: bool = True,
        ndim: int = 1,
        threshold_batch_norm: bool = True,
        members: int = 1,
    ) -> None:
        super().__init__()
        if kernel_size < 1 or kernel_size % 2 == 0:
            raise ValueError(f"kernel_size must be a positive odd integer, got {kernel_size!r}")
        conv, norm = conv_layers(ndim)
        pad = kernel_size // 2
        c_in, c_out, g = members * in_channels, members * out_channels, members
        self.bn1 = norm(c_in)
        self.conv1 = conv(c_in, c_out, kernel_size, stride=stride, padding=pad, groups=g)
        self.bn2 = norm(c_out)
        self.conv2 = conv(c_out, c_out, kernel_size, padding=pad, groups=g)
        self.relu = nn.ReLU(inplace=True)
        self.shrinkage = (
            Shrinkage(shrinkage, out_channels, threshold_batch_norm, members)
            if shrinkage is not None
            else None
        )
        self.shortcut = (
            DecimatingShortcut(in_channels, out_channels, stride, members) if shortcut else None
        )

    def forward(self, x: Tensor) -> Tensor:
        """Residual branch (optionally shrunk) plus shortcut."""
        # Not in-place on the first ReLU: x itself is still needed by the shortcut.
        out = self.conv1(F.relu(self.bn1(x)))
        out = self.conv2(self.relu(self.bn2(out)))
        if self.shrinkage is not None:
            out = self.shrinkage(out)
        if self.shortcut is not None:
            out = out + self.shortcut(x)
        return out
