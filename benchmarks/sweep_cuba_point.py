"""One point of benchmarks/sweep.py as a script: the CUBA network (examples/cuba.py, 4,000 neurons) for
``duration`` ms, seeded from the gene ``seed``; its score is the rate (spikes/s per neuron)."""

import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "examples"))

import vogels_abbott  # noqa: E402

from pymonn import get_gene, set_score  # noqa: E402

net = vogels_abbott.build("cuba", int(get_gene("size", 4000)), seed=get_gene("seed", 1))
net.run(float(get_gene("duration", 1000.0)), progress=False)
set_score(vogels_abbott.statistics(net)["rate"])
