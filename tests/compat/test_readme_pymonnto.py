"""The README's "Coming from PymoNNto" example runs as written and shows what its comments say."""

import pathlib
import re
import warnings

import numpy as np

from pymonn import set_genome

README = (pathlib.Path(__file__).resolve().parents[2] / "README.md").read_text()
SECTION = README[README.index("## Coming from PymoNNto"):README.index("## Writing behaviours")]
CODE = re.findall(r"```python\n(.*?)```", SECTION, re.S)[0]


def run_block(capsys):
    namespace: dict = {}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        exec(compile(CODE, "README.md (Coming from PymoNNto)", "exec"), namespace)
    return namespace, capsys.readouterr().out


def test_the_pymonnto_style_example_runs_and_counts_in_steps(capsys):
    ns, out = run_block(capsys)
    net, neurons = ns["My_Network"], ns["My_Neurons"]
    t = net["spike.t", 0]
    assert len(t) > 50 and np.all(t == np.round(t)) and t.min() >= 1 and t.max() <= 1000
    np.testing.assert_array_equal(t, neurons.my_event_recorder["spike.iteration"])  # t is the step
    printed = [float(v) for v in out[out.index("[") + 1:out.index("]")].split()]
    np.testing.assert_array_equal(printed, t[:5])
    assert net["np.mean(voltage)", 0].dtype == np.float32 and out.strip().endswith("float32")
    assert neurons.voltage.dtype == np.float32 and net.synapse_mode == "SxD"
    assert neurons.Basic_Behavior.threshold == 0.5  # the gene's default


def test_the_gene_in_the_example_is_what_a_search_would_set(capsys):
    set_genome({"threshold": 5.0})
    try:
        ns, _ = run_block(capsys)
    finally:
        set_genome({})
    assert ns["My_Neurons"].Basic_Behavior.threshold == 5.0
    assert len(ns["My_Network"]["spike.t", 0]) == 0  # the voltage never reaches 5
