"""Many runs: parameter sweeps and searches (PymoNNto's evolution) on Dask and Optuna.

``from pymonn.sweeps import sweep, evolve``. Dask, Optuna and pandas (the extra ``[sweep]``) are
imported when a sweep or a search runs, never by ``import pymonn`` or ``import pymonn.sweeps``.

sweep
    One run per grid point and repetition: ``sweep(fn, {'g': [3, 4, 5]}, repeats=2)``.
evolve
    An Optuna study whose trials run on the Dask workers: ``evolve(fn, {'a': (1.0, 5.0)}, trials=50)``.
read_store
    The table a sweep's store file holds.

See docs/sweeps.md; ``python -m pymonn.sweeps --help`` for the command line.
"""

from .evolution import evolve
from .grid import read_store, sweep

__all__ = ["sweep", "evolve", "read_store"]
