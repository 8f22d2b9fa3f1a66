"""``python -m sklearn_drsn``: see :mod:`sklearn_drsn.cli`."""

from .cli import main

if __name__ == "__main__":
    raise SystemExit(main())
