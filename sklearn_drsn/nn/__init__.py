"""Pure PyTorch building blocks of deep residual shrinkage networks.

Nothing here imports scikit-learn or skorch: use these modules in any
PyTorch code.
"""

from .conv import Conv1d, conv1d_matmul
from .network import DRSN, Standardize, is_decayed_parameter, weight_decay_groups
from .reference import ReferenceDRSN
from .shrinkage import (
    ChannelSharedThreshold,
    ChannelwiseThreshold,
    Shrinkage,
    make_threshold,
    soft_threshold,
)
from .units import DecimatingShortcut, ResidualShrinkageUnit, conv_layers

__all__ = [
    "DRSN",
    "ChannelSharedThreshold",
    "ChannelwiseThreshold",
    "Conv1d",
    "DecimatingShortcut",
    "ReferenceDRSN",
    "ResidualShrinkageUnit",
    "Shrinkage",
    "Standardize",
    "conv1d_matmul",
    "conv_layers",
    "is_decayed_parameter",
    "make_threshold",
    "soft_threshold",
    "weight_decay_groups",
]
