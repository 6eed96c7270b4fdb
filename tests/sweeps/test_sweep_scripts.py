"""Scripts as work: PymoNNto-style scripts (gene strings, set_score) run in fresh processes on the workers."""

import configparser
import textwrap
import time

import numpy as np
import pandas as pd
import pytest
from sweep_processes import children

from pymonn import Behaviour, Network, NeuronGroup
from pymonn.errors import ConfigurationError
from pymonn.sweeps import evolve, sweep

pytest.importorskip("distributed")

SCRIPT = """
from pymonn import *

class Counter(Behavior):
    def initialize(self, n):
        self.inc = self.parameter('inc', 1.0)
        n.count = n.vector()
        n.noise = n.vector()

    def iteration(self, n):
        n.count += self.inc
        n.noise += n.vector('uniform')

net = Network(seed=get_gene('seed', 1))
ng = NeuronGroup(net=net, tag='n', size=10, behavior={1: Counter(inc='[1.0#inc]')})
net.initialize()
net.simulate_iterations(100)
print('mode', get_gene('mode', 'slow'))
set_score(float(ng.count.mean()), info={'noise': float(ng.noise.mean())})
"""


class Counter(Behaviour):
    def initialize(self, n):
        n.noise = n.vector()

    def iteration(self, n):
        n.noise += n.vector("uniform")


def noise_of(seed):
    """What the script's 'noise' is for a seed, computed here with the same network."""
    net = Network(seed=seed)
    ng = NeuronGroup(net=net, size=10, behaviour={1: Counter()})
    net.initialize()
    net.simulate_iterations(100)
    return float(ng.noise.mean())


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return path


def test_a_script_gets_its_genes_and_seed_and_reports_its_score(tmp_path, client):
    script = write(tmp_path, "run.py", SCRIPT)
    serial = sweep(str(script), genes={"inc": [1.0, 2.5], "mode": ["fast"]}, repeats=2, client="serial", progress=False)
    assert list(serial.score) == [100.0, 100.0, 250.0, 250.0]  # the gene string '[1.0#inc]' took the genome's value
    assert serial.error.isna().all() and (serial.returncode == 0).all()
    assert serial.stdout.str.contains("mode fast").all() and serial.stdout.str.contains("score set to").all()
    assert list(serial.noise) == [noise_of(s) for s in serial.seed]  # the run's seed reached the script's Network
    assert serial.noise.nunique() == 4
    users = sweep(str(script), genes={"inc": [1.0, 2.5], "mode": ["fast"]}, repeats=2, client=client, progress=False)
    columns = ["point", "repeat", "inc", "mode", "seed", "score", "noise", "returncode", "error"]
    pd.testing.assert_frame_equal(users[columns], serial[columns])


def test_a_failing_a_hanging_and_a_silent_script_give_error_rows(tmp_path, client):
    script = write(tmp_path, "odd.py", """
        import time
        from pymonn import *
        a = get_gene('a', 0)
        if a == 1:
            raise ValueError('a = 1 is not allowed')
        if a == 2:
            time.sleep(60)
        if a == 3:
            print('forgot the score')
        else:
            set_score(a)
    """)
    before = {p.pid for p in children()}
    start = time.perf_counter()
    table = sweep(str(script), genes={"a": [0, 1, 2, 3]}, client=client, timeout=2, progress=False)
    assert time.perf_counter() - start < 30
    assert table.score[0] == 0 and pd.isna(table.error[0])
    assert table.error[1] == "exit status 1: ValueError: a = 1 is not allowed" and table.returncode[1] == 1
    assert "Traceback" in table.stdout[1]
    assert table.error[2] == "timed out after 2 s (the script's processes were killed)" and table.returncode[2] == -9
    assert table.error[3] == "the script finished without calling set_score(...)" and "forgot" in table.stdout[3]
    assert {p.pid for p in children()} - before == set()  # the hanging script was killed, nothing is left


def test_a_missing_script_is_refused_before_anything_runs(tmp_path):
    with pytest.raises(ConfigurationError, match="the script 'nope.py' does not exist"):
        sweep("nope.py", genes={"a": [1]}, client="serial")
    (tmp_path / "notes.txt").write_text("x")
    with pytest.raises(ConfigurationError, match="must be a Python file"):
        sweep(str(tmp_path / "notes.txt"), genes={"a": [1]}, client="serial")
    with pytest.raises(ConfigurationError, match="timeout must be a positive number"):
        sweep(str(write(tmp_path, "s.py", SCRIPT)), genes={"a": [1]}, client="serial", timeout=0)
    with pytest.raises(ConfigurationError, match="cwd .* is not an existing folder"):
        sweep(str(write(tmp_path, "s.py", SCRIPT)), genes={"a": [1]}, client="serial", cwd=tmp_path / "none")


def test_a_pymonnto_search_writes_pymonntos_result_folders(tmp_path):
    (tmp_path / "Data").mkdir()
    script = write(tmp_path, "slave.py", """
        from pymonn import *
        set_score(get_gene('a', 0.0) + get_gene('b', 0.0), info={'evo': str(get_evo_name()), 'id': str(get_evo_id())})
    """)
    study, table = evolve(str(script), {"a": (0.0, 1.0), "b": [1, 2]}, trials=3, sampler="random", client="serial",
                          store=None, evo_name="my_evo", cwd=tmp_path, progress=False)
    np.testing.assert_allclose(table.score, table.a + table.b)
    assert list(table["evo"]) == ["my_evo"] * 3 and list(table["id"]) == ["0", "1", "2"]
    for trial in range(3):
        config = configparser.ConfigParser()
        config.read(tmp_path / "Data" / "StorageManager" / "my_evo" / f"my_evo id{trial}" / "config.ini")
        saved = config["Parameters"]
        assert float(saved["score"]) == table.score[trial] and saved["id"] == str(trial)
        assert int(saved["seed"]) == table.seed[trial] and saved["evo_name"] == "my_evo"
    with pytest.raises(ConfigurationError, match="evo_name= applies to scripts"):
        evolve(lambda p, s: 1.0, {"a": (0.0, 1.0)}, trials=1, client="serial", store=None, evo_name="x")
    with pytest.raises(ConfigurationError, match="evo_name must be a plain folder name"):
        evolve(str(script), {"a": (0.0, 1.0)}, trials=1, client="serial", store=None, evo_name="../x")
