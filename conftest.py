"""Settings for the whole test run (tests/ and the package's doctests)."""

import torch

# The test networks are tiny (a few channels, signals of 2 to 64 samples): with
# several intra-op threads, synchronisation costs more than the arithmetic
# (measured 5 ms vs 25+ ms per step on the 2-core CI machine).
torch.set_num_threads(1)
