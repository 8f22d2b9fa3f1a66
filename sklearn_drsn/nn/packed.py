"""Layers of packed ensembles: several independent networks computed as one.

Laurent et al. (2023), "Packed-Ensembles for Efficient Uncertainty
Estimation" (ICLR): ``M`` networks become one whose channels are ``M``
blocks, member ``m``'s in block ``m``, and whose layers are grouped so that
no block reads another's. With full-width members (the paper's
``alpha = M``, ``gamma = 1``) the packed network computes exactly the ``M``
networks, in one call per layer instead of ``M``; on small data, where a
step costs its per-operation overhead rather than its arithmetic, that is
most of the saving.

Convolutions are grouped by PyTorch's own ``groups``; this module adds the
grouped fully connected layer and the ensemble's averaging.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import Tensor, nn

__all__ = ["GroupedLinear", "linear", "log_mean_softmax"]


class GroupedLinear(nn.Linear):
    """Fully connected layer of ``groups`` independent blocks, ``(N, in) -> (N, out)``.

    Block ``g`` of the output depends only on block ``g`` of the input, as in
    a grouped convolution, and the weight is laid out like a grouped
    convolution's: shape ``(out_features, in_features // groups)``, the rows
    of block ``g`` being ``g * out_features // groups`` onwards. So the
    weights of ``groups`` plain :class:`torch.nn.Linear` layers concatenated
    along the first axis are this layer's, and PyTorch's initialisers see the
    per-block fan-in (``weight.shape[1]``).

    It is a :class:`torch.nn.Linear` for ``isinstance`` checks (weight decay,
    initialisation); ``in_features`` is the whole input width.

    Parameters
    ----------
    in_features, out_features : int
        Widths of the whole input and output, both multiples of ``groups``.
    groups : int, default=1
        Independent blocks.
    bias : bool, default=True
        Whether the layer has a bias of shape ``(out_features,)``.

    Examples
    --------
    >>> import torch
    >>> layer = GroupedLinear(6, 4, groups=2)
    >>> tuple(layer.weight.shape)
    (4, 3)
    >>> x = torch.randn(5, 6)
    >>> first = torch.nn.functional.linear(x[:, :3], layer.weight[:2], layer.bias[:2])
    >>> bool(torch.allclose(layer(x)[:, :2], first))
    True
    """

    def __init__(
        self, in_features: int, out_features: int, groups: int = 1, bias: bool = True
    ) -> None:
        if groups < 1 or in_features % groups or out_features % groups:
            raise ValueError(
                f"in_features ({in_features}) and out_features ({out_features}) must be "
                f"multiples of groups ({groups})"
            )
        super().__init__(in_features // groups, out_features, bias=bias)
        self.in_features = in_features
        self.groups = groups

    def forward(self, x: Tensor) -> Tensor:
        """``(N, in_features) -> (N, out_features)``, block by block."""
        if self.groups == 1:
            return F.linear(x, self.weight, self.bias)
        n, g = x.shape[0], self.groups
        weight = self.weight.view(g, -1, self.weight.shape[1])  # (G, out/G, in/G)
        out = torch.einsum("ngi,goi->ngo", x.reshape(n, g, -1), weight)
        if self.bias is not None:
            out = out + self.bias.view(g, -1)
        return out.reshape(n, -1)

    def extra_repr(self) -> str:
        return f"{super().extra_repr()}, groups={self.groups}"


def linear(in_features: int, out_features: int, members: int = 1) -> nn.Linear:
    """``members`` blocks of ``in_features -> out_features`` (widths per member).

    A plain :class:`torch.nn.Linear` for one member, so that single networks
    keep their modules; a :class:`GroupedLinear` for more.

    Examples
    --------
    >>> type(linear(4, 2)).__name__, type(linear(4, 2, members=3)).__name__
    ('Linear', 'GroupedLinear')
    """
    if members == 1:
        return nn.Linear(in_features, out_features)
    return GroupedLinear(members * in_features, members * out_features, groups=members)


def log_mean_softmax(logits: Tensor) -> Tensor:
    """``log(mean_m softmax(logits[:, m]))``: the ensemble's log-probabilities.

    Parameters
    ----------
    logits : Tensor
        Member logits ``(N, M, n_classes)``.

    Returns
    -------
    Tensor
        ``(N, n_classes)``; its softmax (and its exp) is the members' mean
        probability, and cross-entropy on it is the ensemble's negative
        log-likelihood. Computed with ``logsumexp``, so it stays finite where
        a member's probability underflows.

    Examples
    --------
    >>> import torch
    >>> logits = torch.tensor([[[0.0, 0.0], [0.0, 2.0]]])
    >>> probs = torch.softmax(logits, dim=2).mean(dim=1)
    >>> bool(torch.allclose(log_mean_softmax(logits).exp(), probs))
    True
    """
    return torch.logsumexp(torch.log_softmax(logits, dim=2), dim=1) - math.log(logits.shape[1])
