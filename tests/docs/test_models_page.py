"""docs/models.md lists every class of the model library with the equations and units of its docstring."""

from __future__ import annotations

import importlib
import inspect
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "docs"))
import models_page  # noqa: E402

sys.path.remove(str(ROOT / "tests" / "docs"))
PAGE = (ROOT / "docs" / "models.md").read_text()


def test_the_page_is_what_the_docstrings_give():
    assert PAGE == models_page.render(), "docs/models.md is out of date: run python3 tests/docs/models_page.py"


def test_every_library_class_has_its_equations_and_parameters_on_the_page():
    import pymonn.behaviours as library

    seen = 0
    for kind, _ in models_page.KINDS:
        module = importlib.import_module(f"pymonn.behaviours.{kind}")
        for name in module.__all__:
            cls = getattr(module, name)
            if not inspect.isclass(cls):
                continue
            seen += 1
            assert getattr(library, name) is cls  # the star import gives it
            section = PAGE.split(f"### `{name}`\n", 1)[1].split("\n### ", 1)[0]
            doc = inspect.getdoc(cls)
            blocks = models_page.math_blocks(doc)
            assert len(blocks) == doc.count(".. math::") and all(blocks), f"{name}: an equation was not read"
            for body in blocks:
                assert f"```math\n{body}\n```" in section, f"{name}: an equation is missing"
            for names, spec, _ in models_page.parameters(models_page.sections(doc).get("Parameters", "")):
                assert f"| `{names}` | {models_page.cell(spec)} |" in section, f"{name}: parameter {names}"
    assert seen >= 20  # 7 neuron models and sources, 4 synapses, 4 plasticity rules, 6 inputs


def test_the_units_of_the_main_models_are_on_the_page():
    lif = PAGE.split("### `LIF`\n", 1)[1].split("\n### ", 1)[0]
    assert "| `tau_m` | float, ms |" in lif and "| `C_m` | float, pF |" in lif and "\\tau_m \\frac{dv}{dt}" in lif
    hh = PAGE.split("### `HodgkinHuxley`\n", 1)[1].split("\n### ", 1)[0]
    assert "mS/cm2" in hh and "uA/cm2" in hh
    assert "docs/models.md" in (ROOT / "README.md").read_text()
