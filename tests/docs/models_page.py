"""Write docs/models.md, the catalogue of the model library, from the classes' docstrings.

``python3 tests/docs/models_page.py`` rewrites the page; ``tests/docs/test_models_page.py`` fails
when the page and the docstrings disagree. For each class of ``pymonn.behaviours.neurons``,
``.synapses``, ``.plasticity`` and ``.inputs`` (their ``__all__``): its first paragraph, its
equations (every ``.. math::`` block of the docstring), its parameters with types and units (the
numpy-style ``Parameters`` section: first sentence of each) and what it writes.
"""

from __future__ import annotations

import inspect
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "models.md"
KINDS = [("neurons", "Neuron models and spike sources"), ("synapses", "Synapses"),
         ("plasticity", "Plasticity"), ("inputs", "Inputs")]
HEADER = """# The model library

Every class of `pymonn.behaviours` (`from pymonn.behaviours import *` gives them all), with the
equations, parameters and units of its docstring (`help(LIF)` shows the whole of it). The key is
the class's `default_key`: the place in a step where it usually goes (inputs 10, synapses 20,
models 30, plasticity 40, recorders 90; see [writing_behaviours.md](writing_behaviours.md)).
Time is in ms, potentials in mV, currents in pA with capacitances in pF and conductances in nS,
unless a class says otherwise. Models that are not here can be written as equations
(`Equations`, `SynapticEquations`: [equations.md](equations.md)).

This page is generated from the docstrings by `python3 tests/docs/models_page.py`;
`tests/docs/test_models_page.py` fails when the two disagree.
"""
PARAM = re.compile(r"^\*{0,2}[A-Za-z_]\w*(, ?(\*{0,2}[A-Za-z_]\w*|\.\.\.))*$")
SECTION = re.compile(r"^(\S[^\n]*)\n(-{3,})$", re.M)


def rst_to_md(text: str) -> str:
    """Inline reST to Markdown: ``x`` -> `x`, :class:`~a.b.C` -> `C`."""
    text = re.sub(r":\w+:`~?([\w.]+)`", lambda m: f"`{m.group(1).rsplit('.', 1)[-1]}`", text)
    return text.replace("``", "`")


def sections(doc: str) -> dict[str, str]:
    """The docstring's numpy-style sections by title; '' is the text before the first."""
    out, last, title = {}, 0, ""
    for m in SECTION.finditer(doc):
        out[title] = doc[last:m.start()].strip("\n")
        title, last = m.group(1).strip(), m.end()
    out[title] = doc[last:].strip("\n")
    return out


def math_blocks(text: str) -> list[str]:
    """The bodies of the ``.. math::`` directives of a text (indented blocks or one-line forms)."""
    blocks = []
    for m in re.finditer(r"^\.\. math::(.*)\n((?:(?: {2,}\S.*)?\n)*)", text + "\n", re.M):
        lines = ([m.group(1).strip()] if m.group(1).strip() else []) + [
            line.strip() if m.group(1).strip() else line[4:] for line in m.group(2).rstrip().splitlines()]
        blocks.append("\n".join(lines).strip("\n"))
    return blocks


def parameters(text: str) -> list[tuple[str, str, str]]:
    """(names, type and unit, first sentence of the description) of a Parameters section."""
    rows: list[list[str] | None] = []
    lines = text.splitlines()
    k = 0
    while k < len(lines):
        line = lines[k]
        k += 1
        if not line.strip() or line.startswith(" "):
            if rows and rows[-1] is not None and line.strip():
                rows[-1][2] += " " + line.strip()
            continue
        names, _, spec = line.partition(" : ")
        if not PARAM.match(names):  # prose after the list (notes on all parameters): not a row
            rows.append(None)
            continue
        if " : " in spec:  # several 'name : unit' pairs on one line (AdEx)
            names, spec = line, ""
        while spec.count("(") > spec.count(")") and k < len(lines):  # a type spanning two lines
            spec += " " + lines[k].strip()
            k += 1
        rows.append([names.strip(), spec.strip(), ""])
    out = []
    for names, spec, desc in filter(None, rows):
        first = re.split(r"(?<=\.)\s+(?=[A-Z`(])", desc.strip(), maxsplit=1)[0] if desc else ""
        out.append((names, spec, first))
    return out


def cell(text: str) -> str:
    return rst_to_md(text).replace("|", "\\|")


def entry(name: str, cls: type) -> str:
    doc = inspect.getdoc(cls) or ""
    parts = sections(doc)
    intro = parts.get("", "")
    paragraphs = [p for p in re.split(r"\n\s*\n", intro) if p.strip() and not p.startswith(".. math::")]
    summary = rst_to_md(" ".join(paragraphs[0].split())) if paragraphs else ""
    out = [f"### `{name}`", "", f"Key {getattr(cls, 'default_key', '-')}. {summary}", ""]
    for body in math_blocks(doc):
        out += ["```math", body, "```", ""]
    params = parameters(parts.get("Parameters", ""))
    if params:
        out += ["| parameter | type, unit | meaning |", "|---|---|---|"]
        out += [f"| `{cell(n)}` | {cell(s)} | {cell(d)} |" for n, s, d in params]
        out.append("")
    for title in ("Variables written on the group", "Variables written on the synapse group"):
        if parts.get(title):
            out += [f"Writes: {rst_to_md(' '.join(parts[title].split()))}", ""]
    return "\n".join(out)


def classes(kind: str) -> list[tuple[str, type]]:
    import importlib

    module = importlib.import_module(f"pymonn.behaviours.{kind}")
    return [(n, getattr(module, n)) for n in module.__all__ if inspect.isclass(getattr(module, n))]


def render() -> str:
    out = [HEADER]
    for kind, title in KINDS:
        found = classes(kind)
        out.append(f"## {title}\n\n" + ", ".join(f"[`{n}`](#{n.lower()})" for n, _ in found) + "\n")
        out += [entry(n, c) for n, c in found]
    return "\n".join(out).rstrip() + "\n"


if __name__ == "__main__":
    PAGE.write_text(render())
    print(f"wrote {PAGE.relative_to(ROOT)}", file=sys.stderr)
