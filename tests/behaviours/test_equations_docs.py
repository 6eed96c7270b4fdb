"""docs/equations.md stays true: its code blocks run, in order, as written."""

from __future__ import annotations

import pathlib
import re

import pytest

DOC = pathlib.Path(__file__).resolve().parents[2] / "docs" / "equations.md"


@pytest.fixture(autouse=True, scope="module")
def _cache(tmp_path_factory):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PYMONN_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "equations-cache"))
        yield


def test_every_code_block_runs_and_says_what_it_prints(capsys):
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(), re.S)
    assert len(blocks) == 6
    namespace: dict = {}
    for k, code in enumerate(blocks):
        exec(compile(code, f"{DOC.name} block {k + 1}", "exec"), namespace)
    out = capsys.readouterr().out.splitlines()
    assert int(out[0].split()[0]) > 100 and out[0].endswith("['a', 'b', 'c', 'd']")
    assert 5 < float(out[1].split()[0]) < 200                    # the LIF network's rate, Hz
    first = [float(x) for x in out[2].strip("[]").split()]
    assert len(first) == 3 and first[2] - first[1] > first[1] - first[0]  # AdEx adapts
    assert "'I' has pA (current)" in out[3] and "line 1" in out[3]
    assert 0.2 < float(out[4]) < 0.8                             # the mean STDP weight
    assert float(out[5]) < 1.1e-3                                # PymoNNto's decay against exp(-t/tau)
