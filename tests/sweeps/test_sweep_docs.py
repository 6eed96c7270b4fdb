"""docs/sweeps.md: every code block runs as written (from the repository root), but the ones it marks as
needing a cluster; the install line names the extra setup.cfg defines."""

import configparser
import pathlib
import re
import runpy
import subprocess
import sys

import pytest

pytest.importorskip("distributed")
pytest.importorskip("optuna")

ROOT = pathlib.Path(__file__).resolve().parents[2]
TEXT = (ROOT / "docs" / "sweeps.md").read_text()
BLOCKS = re.findall(r"```(python|bash)\n(.*?)```", TEXT, re.S)
CLUSTER = "(not run by the tests)"
RUNNABLE = [(kind, code) for kind, code in BLOCKS if CLUSTER not in code.splitlines()[0] and "pip install" not in code]


def test_the_page_marks_exactly_its_cluster_blocks():
    marked = [code for _, code in BLOCKS if CLUSTER in code.splitlines()[0]]
    assert len(marked) == 3 and all("scheduler-host" in c or "SLURMCluster" in c for c in marked)
    assert "the three marked \"not run by the tests\"" in TEXT


def test_the_install_line_names_the_sweep_extra():
    (install,) = [code for _, code in BLOCKS if "pip install" in code]
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg")
    extra = config["options.extras_require"]["sweep"]
    assert '".[sweep]"' in install and all(name in extra for name in ("dask[distributed]", "optuna", "pyarrow"))


@pytest.mark.parametrize("index", range(len(RUNNABLE)))
def test_a_block_runs_as_written(index, tmp_path, monkeypatch):
    kind, code = RUNNABLE[index]
    (tmp_path / "examples").symlink_to(ROOT / "examples")  # the blocks run from the repository root
    monkeypatch.chdir(tmp_path)
    if kind == "python":  # as the file `python3 block.py` runs (here, in this process: no second start-up)
        (tmp_path / "block.py").write_text(code)
        runpy.run_path(str(tmp_path / "block.py"), run_name="__main__")
        return
    out = subprocess.run(["bash", "-e", "-c", code.replace("python3 ", f"{sys.executable} ")], capture_output=True,
                         text=True, timeout=300)
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-3000:]
