"""The whitelist (forbidden inputs refused, none executed), the errors' line/column/name, refused
methods, and the kernel cache: miss, hit, a corrupted entry rebuilt, foreign numba files distrusted."""

from __future__ import annotations

import ast
import json
import os
import pathlib
import subprocess
import sys

import numpy as np
import pytest
from equations_models import ADEX, ADEX_PARAMS, IZHIKEVICH, IZHIKEVICH_PARAMS
from pymonn.behaviours.equations import Equations, SynapticEquations
from pymonn.behaviours.equations.codegen import render
from pymonn.behaviours.equations.ir import Sym

from pymonn import EquationError, Network, NeuronGroup

CANARY = "pymonn_equations_canary"

#: (where the text goes, text): each must be refused before anything runs
FORBIDDEN = [
    ("equations", f"dv/dt = __import__('pathlib').Path('{CANARY}').touch()"),
    ("equations", "dv/dt = os.system('true')"),
    ("equations", "dv/dt = eval('1')"),
    ("equations", "dv/dt = exec('x = 1')"),
    ("equations", "dv/dt = open('/etc/passwd')"),
    ("equations", "dv/dt = getattr(v, 'real')"),
    ("equations", "dv/dt = v.__class__"),
    ("equations", "dv/dt = (lambda: 1)()"),
    ("equations", "dv/dt = [x for x in (1, 2)]"),
    ("equations", "dv/dt = 'text'"),
    ("equations", "dv/dt = f'{v}'"),
    ("equations", "dv/dt = v[0]"),
    ("equations", "dv/dt = v // 2"),
    ("equations", "dv/dt = v @ v"),
    ("equations", "dv/dt = (y := 1)"),
    ("equations", "dv/dt = exp(x=v)"),
    ("equations", "dv/dt = exp(*v)"),
    ("equations", "dv/dt = -_s0"),
    ("equations", "dv/dt = __builtins__"),
    ("equations", "dv/dt = True"),
    ("equations", "dv/dt = 1e999"),
    ("equations", "_x = v"),
    ("equations", "import os"),
    ("equations", "dv/dt = -v; import os"),
    ("threshold", "v > 0 or __import__('os').system('true')"),
    ("threshold", "v"),
    ("reset", "import os"),
    ("reset", "v = 1; import os"),
    ("reset", "del v"),
    ("reset", "v.x = 1"),
    ("reset", "v[0] = 1"),
    ("reset", "v, u = 1, 2"),
    ("reset", "v = u = 1"),
    ("reset", "v //= 2"),
    ("reset", "for i in range(3): v = i"),
    ("reset", "v = print('x')"),
    ("on_pre", "w = __import__('os')"),
    ("on_pre", "w = w if True else sys.exit()"),
]


@pytest.fixture(autouse=True, scope="module")
def _cache(tmp_path_factory):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PYMONN_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "equations-cache"))
        yield


def _attempt(where: str, text: str) -> None:
    net = Network(dt=0.1)
    if where == "on_pre":
        g = NeuronGroup(net, 2, {30: Equations("dv/dt = -v", v=1.0)}, tag="g")
        from pymonn import SynapseGroup

        SynapseGroup(net, g, g, behaviour={20: SynapticEquations(on_pre=text)})
    else:
        kwargs = {"threshold": "v > 1", "reset": None}
        equations = "dv/dt = -v\ndu/dt = -u"
        if where == "equations":
            equations = text
        else:
            kwargs[where] = text
        NeuronGroup(net, 2, {30: Equations(equations, v=1.0, u=1.0, **kwargs)}, tag="g")
    net.initialize()
    net.run(1, progress=False)


@pytest.mark.parametrize("where, text", FORBIDDEN)
def test_forbidden_input_is_refused_and_never_executed(where, text, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(Exception) as info:
        _attempt(where, text)
    err = info.value.__cause__ or info.value
    assert isinstance(err, EquationError), repr(err)
    assert err.allowed  # says what is allowed
    assert not (tmp_path / CANARY).exists()


def test_generated_code_never_contains_a_user_name():
    with pytest.raises(ValueError):
        render(Sym("os"), False)  # only generated names (leading '_') reach the code generator
    eq = Equations(IZHIKEVICH, threshold="v >= 30", reset="v = c; u += d", **IZHIKEVICH_PARAMS)
    net = Network(dt=0.5)
    NeuronGroup(net, 1, {30: eq})
    net.initialize()
    tree = ast.parse(eq.source)
    names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    names |= {n.arg for n in ast.walk(tree) if isinstance(n, ast.arg)}
    assert not names & {"v", "u", "a", "b", "c", "d", "I"}
    assert {n for n in names if not n.startswith("_")} <= {"np", "njit", "range", "abs", "min", "max", "P", "C",
                                                          "ref", "fired", "nref", "dt", "dtl", "t0", "S0", "S1",
                                                          "X0"}


def _cause(fn) -> EquationError:
    with pytest.raises(Exception) as info:
        fn()
    err = info.value.__cause__ or info.value
    assert isinstance(err, EquationError), repr(err)
    return err


def test_a_syntax_error_names_line_and_column():
    err = _cause(lambda: Equations("dv/dt = -v\ndu/dt = (v - u"))
    assert err.line == 2 and err.column is not None and err.column >= 8 and "syntax error" in str(err)


def test_an_unknown_name_names_line_column_and_name():
    def go():
        net = Network(dt=0.1)
        NeuronGroup(net, 1, {30: Equations("dv/dt = -v\ndu/dt = (v - u)/tau_u")})
        net.initialize()
    err = _cause(go)
    assert err.name == "tau_u" and err.line == 2 and err.column == 16 and "tau_u=" in str(err)


def test_writing_a_sub_expression_in_the_reset_is_refused():
    def go():
        net = Network(dt=0.1)
        NeuronGroup(net, 1, {30: Equations("dv/dt = I_L\nI_L = -v", threshold="v > 1", reset="I_L = 0")})
        net.initialize()
    err = _cause(go)
    assert err.name == "I_L" and "sub-expression" in str(err) and err.line == 1


def test_writing_a_parameter_or_the_input_in_the_reset_is_refused():
    for reset, word in (("a = 1", "parameter"), ("I = 0", "read-only")):
        def go(reset=reset):
            net = Network(dt=0.1)
            NeuronGroup(net, 1, {30: Equations("dv/dt = -a*v + I", threshold="v > 1", reset=reset, a=1.0)})
            net.initialize()
        assert word in str(_cause(go))


@pytest.mark.parametrize("model, params, method, reason", [
    (IZHIKEVICH, IZHIKEVICH_PARAMS, "exact", "not linear"),
    (ADEX, ADEX_PARAMS, "exponential_euler", "not linear in v"),
    ("dv/dt = -v/tau + I", dict(tau=10.0), "exact", None),  # accepted
    ("dv/dt = -v*I", {}, "exact", "not constant"),
    ("dv/dt = -v + t", {}, "exact", "depends on ['t']"),
])
def test_an_unsuitable_method_is_refused_with_the_reason(model, params, method, reason):
    def go():
        net = Network(dt=0.1)
        NeuronGroup(net, 1, {30: Equations(model, method=method, **params)})
        net.initialize()
    if reason is None:
        go()
        return
    err = _cause(go)
    assert reason in str(err) and method in str(err)


def test_an_unknown_method_is_refused():
    assert "one of" in str(_cause(lambda: Equations("dv/dt = -v", method="heun")))


# -- the cache ------------------------------------------------------------------------------------
_PROBE = """
import json, sys
import numpy as np
from pymonn import Network, NeuronGroup
from pymonn.behaviours import ConstantCurrent
from pymonn.behaviours.equations import Equations, cache_stats
net = Network(dt=0.5, seed=1)
eq = Equations('''dv/dt = 0.04*v**2 + 5*v + 140 - u + I
du/dt = a*(b*v - u)''', threshold='v >= 30', reset='v = c; u += d', a=0.02, b=0.2, c=-65.0, d=8.0, v=-65.0,
               u=-13.0, cache_dir=sys.argv[1])
g = NeuronGroup(net, 3, {10: ConstantCurrent(amplitude=10.0), 30: eq})
net.initialize()
net.run(100, progress=False)
s = eq._kernel.stats
print(json.dumps({"hits": cache_stats.hits, "misses": cache_stats.misses, "rebuilt": cache_stats.rebuilt,
                  "untrusted": cache_stats.untrusted, "compiled": sum(s.cache_misses.values()),
                  "loaded": sum(s.cache_hits.values()), "v": float(g.v.sum())}))
"""


def _probe(folder: pathlib.Path) -> dict:
    env = dict(os.environ)
    env.pop("NUMBA_CACHE_DIR", None)
    out = subprocess.run([sys.executable, "-c", _PROBE, str(folder)], capture_output=True, text=True, env=env,
                         check=True, timeout=300)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_cache_miss_hit_corrupted_module_and_foreign_numba_files(tmp_path):
    first = _probe(tmp_path)
    assert (first["misses"], first["compiled"], first["loaded"]) == (1, 1, 0)
    second = _probe(tmp_path)
    assert (second["hits"], second["compiled"], second["loaded"]) == (1, 0, 1)
    assert second["v"] == first["v"]
    # a corrupted module file: rewritten, compiled again
    (module,) = tmp_path.glob("pymonn_eq_*.py")
    module.write_text(module.read_text().replace("_spike = ", "_spike = False and "))
    third = _probe(tmp_path)
    assert (third["rebuilt"], third["compiled"]) == (1, 1) and third["v"] == first["v"]
    # numba's files changed behind the cache's back: deleted unread, compiled again
    index = next((tmp_path / "__pycache__").glob("pymonn_eq_*.nbi"))
    index.write_bytes(b"not a pickle")
    fourth = _probe(tmp_path)
    assert (fourth["untrusted"], fourth["compiled"], fourth["loaded"]) == (1, 1, 0) and fourth["v"] == first["v"]
    fifth = _probe(tmp_path)
    assert (fifth["untrusted"], fifth["compiled"], fifth["loaded"]) == (0, 0, 1)
    assert np.isfinite(fifth["v"])
