"""A 1-D convolution that picks its kernel by shape: one matrix product when the map is small.

On short series with small batches (the "small" recipe on UCR-size data)
the feature maps of the last stages have a few dozen output positions, and
PyTorch's default CPU convolution (oneDNN) costs several times its
arithmetic in fixed overhead per call, forward and backward. Written as
``im2col`` and one matrix product (forward), and two matrix products and a
``col2im`` (backward), the same convolution is faster there; on larger maps
oneDNN is faster, so this path is taken only below
:data:`MATMUL_MAX_POSITIONS` output positions (``batch * output length``).
The arithmetic is the same convolution summed in another order: outputs and
gradients match ``torch.nn.functional.conv1d`` within float32 rounding.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn

__all__ = ["MATMUL_MAX_POSITIONS", "Conv1d", "conv1d_matmul"]

#: Largest ``batch * output length`` for which :class:`Conv1d` on the CPU
#: uses :func:`conv1d_matmul` (see docs/performance.rst for the measurements).
MATMUL_MAX_POSITIONS = 128


class _Conv1dMatmul(torch.autograd.Function):
    """``conv1d`` (zero padding, no dilation, one group) as ``im2col`` and matrix products."""

    @staticmethod
    def forward(ctx, x: Tensor, weight: Tensor, bias: Tensor | None, stride: int, pad: int):
        n, c, length = x.shape
        out_channels, _, k = weight.shape
        padded = F.pad(x, (pad, pad)) if pad else x
        windows = padded.unfold(2, k, stride)  # (N, C, L_out, k), a view
        l_out = windows.shape[2]
        cols = windows.transpose(1, 2).reshape(n * l_out, c * k)  # the one copy
        w2d = weight.reshape(out_channels, c * k)
        out = torch.addmm(bias, cols, w2d.t()) if bias is not None else cols.mm(w2d.t())
        ctx.save_for_backward(cols, weight)
        ctx.geometry = (n, length, l_out, stride, pad)
        ctx.has_bias = bias is not None
        # (N * L_out, O) read as (N, O, L_out): a strided view, not a copy.
        return out.view(n, l_out, out_channels).transpose(1, 2)

    @staticmethod
    @torch.autograd.function.once_differentiable
    def backward(ctx, grad: Tensor) -> tuple[Tensor | None, ...]:
        cols, weight = ctx.saved_tensors
        n, length, l_out, stride, pad = ctx.geometry
        out_channels, c, k = weight.shape
        rows = grad.transpose(1, 2).reshape(n * l_out, out_channels)
        grad_x = grad_w = grad_b = None
        if ctx.needs_input_grad[1]:
            grad_w = rows.t().mm(cols).view(out_channels, c, k)
        if ctx.has_bias and ctx.needs_input_grad[2]:
            grad_b = rows.sum(0)
        if ctx.needs_input_grad[0]:
            grad_cols = rows.mm(weight.reshape(out_channels, c * k))
            grad_windows = grad_cols.view(n, l_out, c, k).transpose(1, 2)
            grad_x = torch.ops.aten.unfold_backward(
                grad_windows, (n, c, length + 2 * pad), 2, k, stride
            )
            if pad:
                grad_x = grad_x[:, :, pad : pad + length]
        return grad_x, grad_w, grad_b, None, None


def conv1d_matmul(x: Tensor, weight: Tensor, bias: Tensor | None, stride: int, padding: int):
    """``F.conv1d(x, weight, bias, stride, padding)`` computed as matrix products.

    Parameters
    ----------
    x : Tensor
        Input ``(N, C, L)``.
    weight : Tensor
        Kernel ``(O, C, k)``.
    bias : Tensor or None
        Bias ``(O,)``.
    stride, padding : int
        Stride and symmetric zero padding.

    Returns
    -------
    Tensor
        ``(N, O, L_out)``, a strided (channels-last) view.

    Examples
    --------
    >>> import torch
    >>> x, w = torch.randn(2, 3, 9), torch.randn(4, 3, 5)
    >>> y = conv1d_matmul(x, w, None, 2, 2)
    >>> bool(torch.allclose(y, torch.nn.functional.conv1d(x, w, None, 2, 2), atol=1e-5))
    True
    """
    return _Conv1dMatmul.apply(x, weight, bias, stride, padding)


class Conv1d(nn.Conv1d):
    """:class:`torch.nn.Conv1d` that uses :func:`conv1d_matmul` on small CPU maps.

    The same parameters, ``state_dict`` keys and results as its parent (it
    is one, for ``isinstance`` checks). The matrix-product path is taken on
    the CPU for float tensors of shape ``(N, C, L)`` whose output has at
    most :data:`MATMUL_MAX_POSITIONS` positions, with zero padding, no
    dilation and one group, outside autocast; everything else, and any
    compiler, tracer or exporter, gets the parent's ``forward``.

    Examples
    --------
    >>> import torch
    >>> conv = Conv1d(3, 4, 5, stride=2, padding=2)
    >>> tuple(conv(torch.randn(2, 3, 9)).shape)
    (2, 4, 5)
    """

    def forward(self, x: Tensor) -> Tensor:
        """Convolution of ``x`` by the kernel that suits its shape."""
        if self._use_matmul(x):
            return conv1d_matmul(x, self.weight, self.bias, self.stride[0], self.padding[0])
        return super().forward(x)

    def _use_matmul(self, x: Tensor) -> bool:
        # Compilers and exporters see the plain convolution: shapes may be symbolic there.
        if (
            torch.compiler.is_compiling()
            or torch.jit.is_tracing()
            or torch.jit.is_scripting()
            or torch.onnx.is_in_onnx_export()
            or torch.is_autocast_enabled(x.device.type)  # mixed dtypes: leave them to autograd
        ):
            return False
        if not (
            x.device.type == "cpu"
            and x.dim() == 3
            and x.dtype in (torch.float32, torch.float64)
            and self.weight.dtype == x.dtype
            and self.groups == 1
            and self.dilation[0] == 1
            and self.padding_mode == "zeros"
            and not isinstance(self.padding, str)
        ):
            return False
        k, (stride,), (pad,) = self.kernel_size[0], self.stride, self.padding
        l_out = (x.shape[2] + 2 * pad - k) // stride + 1
        return 0 < x.shape[0] * l_out <= MATMUL_MAX_POSITIONS
