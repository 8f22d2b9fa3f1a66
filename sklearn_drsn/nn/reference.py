"""A plain transcription of the author's DRSN code: the numerical and speed baseline.

This is how the paper's network reads when written straight from the
author's TFLearn code, one operation per line and autograd for every
gradient: ``sign(x) * max(|x| - tau, 0)`` for the soft threshold, ``abs``
then the mean for the pooled ``|x|``. It has the same parameter names and
shapes as :class:`~sklearn_drsn.nn.DRSN` (1-D signals), so the two load each
other's ``state_dict``.

It exists to check :class:`~sklearn_drsn.nn.DRSN` against (same outputs and
gradients given the same weights, within float32 tolerance) and as the
"straightforward PyTorch" baseline of ``benchmarks/bench_training.py``.
Use :class:`~sklearn_drsn.nn.DRSN` for real work.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
import torch.nn.functional as F
from torch import Tensor, nn

__all__ = ["ReferenceDRSN"]


class _ReferenceThreshold(nn.Module):
    def __init__(self, channels: int, channelwise: bool) -> None:
        super().__init__()
        self.channelwise = channelwise
        self.fc1 = nn.Linear(channels, channels)
        self.bn = nn.BatchNorm1d(channels)
        self.fc2 = nn.Linear(channels, channels if channelwise else 1)


class _ReferenceShrinkage(nn.Module):
    def __init__(self, channels: int, kind: str) -> None:
        super().__init__()
        self.threshold = _ReferenceThreshold(channels, kind == "cw")

    def forward(self, x: Tensor) -> Tensor:
        t = self.threshold
        x_abs = torch.abs(x)
        gap = torch.mean(x_abs, dim=2)
        alpha = torch.sigmoid(t.fc2(F.relu(t.bn(t.fc1(gap)))))
        if not t.channelwise:
            gap = torch.mean(gap, dim=1, keepdim=True)
        thres = (alpha * gap).unsqueeze(2)
        return torch.sign(x) * torch.maximum(x_abs - thres, torch.zeros_like(x))


class _ReferenceUnit(nn.Module):
    def __init__(self, c_in: int, c_out: int, stride: int, kernel: int, shrinkage) -> None:
        super().__init__()
        self.c_in, self.c_out, self.stride = c_in, c_out, stride
        self.bn1 = nn.BatchNorm1d(c_in)
        self.conv1 = nn.Conv1d(c_in, c_out, kernel, stride=stride, padding=kernel // 2)
        self.bn2 = nn.BatchNorm1d(c_out)
        self.conv2 = nn.Conv1d(c_out, c_out, kernel, padding=kernel // 2)
        self.shrinkage = _ReferenceShrinkage(c_out, shrinkage) if shrinkage else None

    def forward(self, x: Tensor) -> Tensor:
        out = self.conv1(F.relu(self.bn1(x)))
        out = self.conv2(F.relu(self.bn2(out)))
        if self.shrinkage is not None:
            out = self.shrinkage(out)
        identity = F.avg_pool1d(x, 1, self.stride) if self.stride > 1 else x
        extra = self.c_out - self.c_in
        identity = F.pad(identity, (0, 0, extra // 2, extra - extra // 2))
        return out + identity


class ReferenceDRSN(nn.Module):
    """The paper's 1-D network written plainly (see the module docstring).

    Parameters
    ----------
    in_channels, n_classes, widths, blocks_per_stage, kernel_size, shrinkage
        As for :class:`~sklearn_drsn.nn.DRSN` (residual units only, 1-D only).

    Examples
    --------
    >>> import torch
    >>> from sklearn_drsn.nn import DRSN
    >>> fast, plain = DRSN(shrinkage="cw").eval(), ReferenceDRSN(shrinkage="cw").eval()
    >>> _ = plain.load_state_dict(fast.state_dict())
    >>> x = torch.randn(4, 1, 2048)
    >>> bool(torch.allclose(fast(x), plain(x), atol=1e-5))
    True
    """

    def __init__(
        self,
        in_channels: int = 1,
        n_classes: int = 8,
        widths: Sequence[int] = (4, 8, 16),
        blocks_per_stage: int = 4,
        kernel_size: int = 3,
        shrinkage: str | None = "cw",
    ) -> None:
        super().__init__()
        self.standardize = nn.Module()  # same buffers as DRSN's Standardize
        self.standardize.register_buffer("mean", torch.zeros(in_channels))
        self.standardize.register_buffer("scale", torch.ones(in_channels))
        self.stem = nn.Conv1d(in_channels, widths[0], kernel_size, 2, kernel_size // 2)
        stages, c_in = [], widths[0]
        for c_out in widths:
            units = [_ReferenceUnit(c_in, c_out, 2, kernel_size, shrinkage)]
            units += [
                _ReferenceUnit(c_out, c_out, 1, kernel_size, shrinkage)
                for _ in range(blocks_per_stage - 1)
            ]
            stages.append(nn.Sequential(*units))
            c_in = c_out
        self.stages = nn.Sequential(*stages)
        self.bn = nn.BatchNorm1d(widths[-1])
        self.fc = nn.Linear(widths[-1], n_classes)

    def forward(self, x: Tensor) -> Tensor:
        """Class logits ``(N, n_classes)``."""
        s = self.standardize
        x = (x - s.mean[:, None]) / s.scale[:, None]
        out = F.relu(self.bn(self.stages(self.stem(x))))
        return self.fc(torch.mean(out, dim=2))
