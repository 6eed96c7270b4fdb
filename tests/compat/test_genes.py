"""Genes and scores: the single-script side of PymoNNto's evolution (issue 10, item 7).

PymoNNto 3.0.6 (Exploration/Evolution/Interface_Functions.py, NetworkCore/Behavior.py): a keyword
``'[2.0#a]'`` is gene ``a`` with default 2.0, substituted when the network initializes; genes come
from ``set_genome`` or from ``key=value`` command-line arguments together with
``__evo_name__`` / ``__evo_id__``; ``set_score`` writes the score into
``Data/StorageManager/<name>/<name> id<id>/config.ini``. pymonn also writes it to the JSON file named
by ``PYMONN_SCORE_FILE`` (the runner's channel) and keeps it in ``get_scores()``.
"""

import json
import os
import subprocess
import sys
import textwrap

import pytest
from compat_helpers import Counter

from pymonn import *
from pymonn.compat import genes
from pymonn.errors import ConfigurationError, ConfigurationTypeError


@pytest.fixture(autouse=True)
def fresh_genome(monkeypatch):
    monkeypatch.setattr(sys, "argv", ["script.py"])
    for var in ("PYMONN_GENOME", "PYMONN_SCORE_FILE", "PYMONN_EVO_NAME", "PYMONN_EVO_ID"):
        monkeypatch.delenv(var, raising=False)
    genes._run.reset()
    yield
    genes._run.reset()


def counted(inc, steps=10):
    net = Network()
    ng = NeuronGroup(net=net, tag="my_neurons", size=10, behavior={1: Counter(inc=inc)})
    net.initialize()
    net.simulate_iterations(steps)
    return ng.count.mean(), ng.Counter


def test_a_gene_string_takes_the_genome_value_or_its_default():
    assert counted("[2#I]")[0] == 20  # no genome: the default
    set_genome({"I": 1})
    mean, behaviour = counted("[2#I]")
    assert mean == 10 and behaviour.inc == 1 and type(behaviour.inc) is int
    assert behaviour.init_kwargs["inc"] == 1  # substituted at initialize, as PymoNNto does


def test_genes_from_the_command_line_as_pymonntos_runner_passes_them(monkeypatch):
    monkeypatch.setattr(sys, "argv", ["slave.py", "a=3", "b=0.5", "name=fast", "__evo_name__=evo",
                                      "__evo_id__=7", "__evo_generation__=2", "--flag=1", "x=y=z"])
    assert get_gene("a", 1) == 3 and type(get_gene("a", 1)) is int
    assert get_gene("b", 1.0) == 0.5 and gene("name", "slow") == "fast"
    assert get_gene("c", 4.5) == 4.5
    assert get_genome() == {"a": "3", "b": "0.5", "name": "fast", "c": 4.5}  # '--flag' and 'x=y=z' are no genes
    assert (genes.get_evo_name(), genes.get_evo_id(), genes.get_evo_generation()) == ("evo", "7", "2")
    assert genes.is_evolution_mode()


def test_genes_from_the_environment(monkeypatch):
    monkeypatch.setenv("PYMONN_GENOME", json.dumps({"tau": 12.5, "n": 40}))
    assert get_gene("tau", 20.0) == 12.5 and get_gene("n", 10) == 40
    monkeypatch.setenv("PYMONN_GENOME", "[1, 2]")
    genes._run.reset()
    with pytest.raises(ConfigurationError, match="PYMONN_GENOME must be a JSON object"):
        get_genome()


@pytest.mark.parametrize("token, message", [
    ("[os.system('x')#a]", "must be a number or a quoted string"),
    ("[__import__('os')#a]", "must be a number or a quoted string"),
    ("[True#a]", "must be a number or a quoted string"),
])
def test_gene_defaults_are_parsed_never_evaluated(token, message):
    with pytest.raises(BehaviourError, match=message):
        counted(token)


def test_a_gene_without_default_or_value_is_named():
    with pytest.raises(BehaviourError, match="gene 'I' has no value and no default"):
        counted("[I]")


def test_genome_values_are_checked():
    with pytest.raises(ConfigurationError, match="Python identifiers"):
        set_genome({"a b": 1})
    with pytest.raises(ConfigurationTypeError, match="must be a number, bool or str"):
        set_genome({"a": [1, 2]})
    set_genome({"a": "x"})
    with pytest.raises(ConfigurationError, match="gene 'a': 'x' is not a number"):
        get_gene("a", 1.0)


def test_set_score_goes_where_runners_read_it(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "Data").mkdir()
    monkeypatch.setattr(sys, "argv", ["run.py", "a=2", "__evo_name__=search", "__evo_id__=4"])
    monkeypatch.setenv("PYMONN_SCORE_FILE", str(tmp_path / "score.json"))
    assert get_gene("a", 1.0) == 2.0
    record = set_score(0.75, info={"rate": np.float64(3.5)})
    assert "score set to: 0.75" in capsys.readouterr().out
    assert json.loads((tmp_path / "score.json").read_text()) == record == {
        "score": 0.75, "info": {"rate": 3.5}, "genome": {"a": "2"}, "evo_name": "search", "evo_id": "4",
        "generation": None}
    config = (tmp_path / "Data" / "StorageManager" / "search" / "search id4" / "config.ini").read_text()
    assert "score = 0.75" in config and "a = 2" in config and "rate = 3.5" in config
    assert get_scores()[-1]["score"] == 0.75
    assert genes._run.genome == {} and genes._run.loaded is False  # forgotten, as PymoNNto does


def test_several_objectives_and_bad_scores():
    assert set_score([1.0, 2])["score"] == [1.0, 2]
    for bad in ("high", None, [], [1.0, "x"], True):
        with pytest.raises(ConfigurationTypeError, match="set_score needs a number or a list of numbers"):
            set_score(bad)


def test_a_script_run_by_a_search_reports_its_score(tmp_path):
    script = tmp_path / "slave.py"
    script.write_text(textwrap.dedent("""
        from pymonn import *

        class Counter(Behavior):
            def initialize(self, n):
                self.inc = self.parameter('inc', 1)
                n.count = n.vector()

            def iteration(self, n):
                n.count += self.inc

        net = Network()
        ng = NeuronGroup(net=net, tag='n', size=10, behavior={1: Counter(inc='[1#inc]')})
        net.initialize()
        net.simulate_iterations(100)
        set_score(float(ng.count.mean()) + get_gene('bonus', 0.0))
    """))
    env = {**os.environ, "PYMONN_SCORE_FILE": str(tmp_path / "out.json"), "PYMONN_GENOME": '{"bonus": 0.5}'}
    subprocess.run([sys.executable, str(script), "inc=3"], cwd=tmp_path, env=env, check=True, capture_output=True)
    record = json.loads((tmp_path / "out.json").read_text())
    assert record["score"] == 300.5 and record["genome"] == {"bonus": 0.5, "inc": "3"}
