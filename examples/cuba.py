"""The CUBA benchmark network (Vogels & Abbott 2005, as benchmark 2 of Brette et al. 2007).

    python examples/cuba.py                     # 4000 neurons, 1 s; writes cuba_raster.png
    python examples/cuba.py --size 20000 --duration 500

See vogels_abbott.py for the model, its parameters and the reference rates.
"""

from __future__ import annotations

import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

import vogels_abbott  # noqa: E402


def main(argv: list[str] | None = None) -> dict:
    return vogels_abbott.main("cuba", argv)


if __name__ == "__main__":
    main()
