"""Dependency rules: the core is numpy-only and never imports the library or the UI."""

import ast
import pathlib
import subprocess
import sys

import pymonn

CORE = pathlib.Path(pymonn.__file__).parent


def test_import_pymonn_loads_no_heavy_module():
    code = (
        "import sys, pymonn\n"
        "from pymonn import *\n"
        "heavy = [m for m in ('matplotlib', 'PyQt5', 'pyqtgraph', 'scipy', 'numba', 'tqdm', 'h5py', 'pandas',"
        " 'dask', 'distributed', 'optuna', 'pyarrow', 'pymonn.behaviours', 'pymonn.ui') if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_core_sources_never_import_behaviours_or_ui():
    offenders = []
    for path in CORE.rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [("." * node.level) + (node.module or "")]
            for name in names:
                if name.startswith(("pymonn.behaviours", "pymonn.ui", ".behaviours", ".ui", "behaviours", "ui")):
                    offenders.append(f"{path.name}: {name}")
    assert offenders == []


def test_star_import_gives_a_script_what_it_needs():
    namespace = {}
    exec("from pymonn import *", namespace)
    for name in ("np", "Network", "NeuronGroup", "SynapseGroup", "Behaviour", "Behavior", "Recorder",
                 "EventRecorder", "NeuronDimension", "get_squared_dim", "afferent", "efferent"):
        assert name in namespace, name


def test_the_library_star_import_gives_the_equation_models():
    namespace = {}
    exec("from pymonn.behaviours import *", namespace)
    from pymonn.behaviours.equations import Equations, SynapticEquations

    assert namespace["Equations"] is Equations and namespace["SynapticEquations"] is SynapticEquations
    assert "LIF" in namespace and "STDP" in namespace
