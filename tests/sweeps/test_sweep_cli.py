"""The command line: python -m pymonn.sweeps grid|evolve SCRIPT --gene ..."""

import subprocess
import sys
import textwrap

import pandas as pd
import pytest

from pymonn.sweeps.__main__ import main

pytest.importorskip("distributed")
pytest.importorskip("optuna")

SCRIPT = """
from pymonn import *
set_score(get_gene('a', 0.0) * 10 + get_gene('g', 0.0), info={'seed_seen': get_gene('seed', 1)})
"""


@pytest.fixture
def script(tmp_path):
    path = tmp_path / "script.py"
    path.write_text(textwrap.dedent(SCRIPT))
    return str(path)


def test_the_issue_grid_command_on_the_embedded_cluster(script, tmp_path):
    store = tmp_path / "results.parquet"
    out = subprocess.run([sys.executable, "-m", "pymonn.sweeps", "grid", script, "--gene", "a=1,2", "--gene",
                          "g=3:6:2", "--repeats", "2", "--store", str(store), "--no-progress"], cwd=tmp_path,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "8 runs, 0 failed" in out.stdout
    table = pd.read_parquet(store)
    assert len(table) == 8 and sorted(set(table.g)) == [3, 6]
    assert (table.score == table.a * 10 + table.g).all() and (table.seed_seen == table.seed).all()
    assert table.worker.str.startswith("tcp://").all()


def test_grid_and_evolve_in_process(script, tmp_path, capsys):
    table = main(["grid", script, "--gene", "a=1,2", "--gene", "g=0.5", "--serial", "--no-progress",
                  "--table", str(tmp_path / "t.csv")])
    assert list(table.score) == [10.5, 20.5]
    assert "2 runs, 0 failed" in capsys.readouterr().out
    assert list(pd.read_csv(tmp_path / "t.csv").score) == [10.5, 20.5]
    study, trials = main(["evolve", script, "--gene", "a=0.0:1.0", "--gene", "g=1,2", "--trials", "3", "--sampler",
                          "tpe", "--serial", "--store", str(tmp_path / "study.db"), "--no-progress"])
    out = capsys.readouterr().out
    assert len(trials) == 3 and "3 trials, 0 failed; best: trial" in out
    assert study.best_value == trials.score.max() and (trials.score == trials.a * 10 + trials.g).all()
    study, trials = main(["evolve", script, "--gene", "a=0.0:1.0", "--gene", "g=1,2", "--trials", "4", "--sampler",
                          "tpe", "--serial", "--store", str(tmp_path / "study.db"), "--resume", "--no-progress"])
    assert len(trials) == 4


@pytest.mark.parametrize("argv, message", [
    (["grid", "SCRIPT", "--gene", "g=6:3:4"], "the range needs low < high"),
    (["grid", "SCRIPT", "--gene", "a"], "must be NAME=VALUES"),
    (["grid", "SCRIPT", "--gene", "a=1", "--gene", "a=2"], "a gene is given twice"),
    (["grid", "missing.py", "--gene", "a=1"], "the script 'missing.py' does not exist"),
    (["grid", "SCRIPT", "--gene", "a=1", "--store", "r.txt"], "must end in .csv or .parquet"),
    (["evolve", "SCRIPT", "--gene", "a=5.0:1.0"], "needs low < high"),
    (["evolve", "SCRIPT", "--gene", "a=1:2", "--sampler", "annealing"], "invalid choice: 'annealing'"),
    (["evolve", "SCRIPT", "--gene", "a=1:2", "--direction", "maximize", "--direction", "minimize"],
     "'cmaes' searches one objective"),
    (["evolve", "SCRIPT", "--gene", "a=1:2", "--trials", "0"], "trials must be an int >= 1"),
    (["evolve", "SCRIPT", "--gene", "a=1:2", "--serial", "--workers", "2"], "not allowed with argument"),
])
def test_bad_input_exits_with_status_2_and_names_it(argv, message, script, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as exit_:
        main([script if a == "SCRIPT" else a for a in argv])
    assert exit_.value.code == 2 and message in capsys.readouterr().err
    assert not (tmp_path / "study.db").exists()  # nothing ran, no store was made


def test_help_describes_both_commands_and_the_gene_syntax():
    out = subprocess.run([sys.executable, "-m", "pymonn.sweeps", "--help"], capture_output=True, text=True, check=True)
    assert "{grid,evolve}" in out.stdout and "g=3:6:4 (4 values from 3 to 6)" in out.stdout
