"""PymoNNto's own scripts on PymoNNto 3.0.6 and on pymonn, side by side (issue 10); prints a table.

    python benchmarks/pymonnto_scripts.py --source benchmarks/.pymonnto-src
    python benchmarks/pymonnto_scripts.py --source /path/to/PymoNNto --peer-python /venv/bin/python --repeats 3
    python benchmarks/pymonnto_scripts.py --only Izhikevich --repeats 5 --json out.json --docs

Getting the scripts (a clone of trieschlab/PymoNNto, never committed; the default folder
``benchmarks/.pymonnto-src/`` is in .gitignore). The repository's code is the same as
``pymonnto==3.0.6`` on the package index:

    git clone --depth 1 https://github.com/trieschlab/PymoNNto benchmarks/.pymonnto-src

or, sparse (root files such as test_pymoNNto.py always come with a cone-mode sparse checkout;
NetworkBehavior/ and Exploration/ hold files that scripts and tests open by path):

    git clone --depth 1 --filter=blob:none --sparse https://github.com/trieschlab/PymoNNto benchmarks/.pymonnto-src
    git -C benchmarks/.pymonnto-src sparse-checkout set Examples_Classical Examples_Paper Examples_UI docs Data \\
        NetworkBehavior Exploration

What it does
------------
1. Copies the tree twice into a temporary folder. The PymoNNto copy is unchanged. In the pymonn
   copy every line that imports from PymoNNto (``from PymoNNto import *``, ``from PymoNNto.X.Y
   import ...``, ``import PymoNNto...``, indented ones too) is replaced by ``from pymonn import *``
   and nothing else is changed (issue 10's rule). Imports of PymoNNto's library folders by path
   (``sys.path.append('../../')`` then ``from NetworkBehavior.EulerEquationModules.Equation import *``,
   ``from Exploration... import ...``) are PymoNNto imports too and are replaced the same way
   (pymonn provides the equation modules, issue 11), and PymoNNto's own library folders
   (NetworkCore/, NetworkBehavior/, Exploration/, UI/ and the root __init__.py) are left out.
2. Runs every script under Examples_Classical/, Examples_Paper/ and Examples_UI/ (sorted), each
   from its own folder with MPLBACKEND=Agg and QT_QPA_PLATFORM=offscreen, ``--repeats`` times per
   engine: with PymoNNto 3.0.6 in the peer environment (``peer_env.peer_python`` or
   ``--peer-python``) and with pymonn (this interpreter). A script whose code calls
   ``Network_UI(...)`` and ``.show()`` is a UI script: on PymoNNto a sitecustomize hook replaces
   ``QApplication.exec_`` by one that saves the first visible top-level window as PNG after
   ``--ui-ms`` and quits; on pymonn it runs as ``python -m pymonn.ui SCRIPT --screenshot PNG
   --steps N``. UI scripts run once per engine: how long the window runs is not comparable, so
   only their group sizes are compared (and both must write their screenshot).
3. Key output: the same hook, in both engines, keeps the networks the script creates and, when
   the script ends, writes a JSON summary: the iteration count and, per neuron group, its size,
   the mean of every recorded variable over its whole recording (for 0/1 variables such as
   'fired' or 'spike' this is the spikes per neuron per step), the number of samples, and the
   event count of every EventRecorder variable.
4. Agreement, per number: PymoNNto draws from numpy's unseeded global generator, so its numbers
   vary from run to run; pymonn runs unseeded too. The question is whether both engines' runs
   come from the same distribution, so the test is Student's two-sample t test with the pooled
   sd: they agree on a number when
   ``|mean_a - mean_b| <= t(1 - ALPHA/2, R_a + R_b - 2) * s_pooled * sqrt(1/R_a + 1/R_b) + RTOL * max(|mean_a|, |mean_b|) + 1e-9``
   (ALPHA = ``--alpha``, default 0.001: the chance that a number of two identical engines is
   called different; with R = 3 per engine the t factor is 8.6, because three runs estimate an
   sd poorly; more ``--repeats`` make the test sharper). RTOL = ``--rtol``, default 1e-3, covers
   float32 (PymoNNto's default dtype) against float64 (pymonn's) in deterministic scripts, whose
   sd is 0. A script's numbers agree when every number agrees and both engines report the same
   set of numbers.
5. Runs test_pymoNNto.py with pytest in both copies (``--import-mode=importlib``) and reports
   the passed/failed counts and failing tests; with ``--docs`` also the ```python blocks of
   docs/**/*.md that are complete programs (they parse, import PymoNNto and contain no ``...``).
6. Prints a markdown table (script | PymoNNto | pymonn | agree) and the totals; ``--json OUT``
   writes everything measured. The exit status is 0 even when scripts fail: this is a measurement.
"""

from __future__ import annotations

import argparse
import ast
import concurrent.futures
import datetime
import functools
import json
import math
import os
import pathlib
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = pathlib.Path(__file__).resolve().parent
DEFAULT_SOURCE = HERE / ".pymonnto-src"
SCRIPT_FOLDERS = ("Examples_Classical", "Examples_Paper", "Examples_UI")
LIBRARY = ("NetworkCore", "NetworkBehavior", "Exploration", "UI")
UNIT_TESTS = "test_pymoNNto.py"
PEER_PACKAGES = ("pymonnto==3.0.6", "matplotlib", "sympy", "scipy", "PyQt5", "pyqtgraph", "pytest")
REPLACEMENT = "from pymonn import *"
#: PymoNNto's package, and its library folders as scripts import them by path (sys.path.append('../../'))
_PYMONNTO_MODULES = r"(?:PymoNNto|NetworkCore|NetworkBehavior|Exploration|UI)"
IMPORT_LINE = re.compile(rf"^(?P<indent>[ \t]*)(?:from[ \t]+{_PYMONNTO_MODULES}(?:\.[\w.]+)?[ \t]+import\b"
                         rf"|import[ \t]+{_PYMONNTO_MODULES}\b)")
ENGINES = ("pymonnto", "pymonn")

# --------------------------------------------------------------------------------------------
# The hook both engines run (a sitecustomize on PYTHONPATH). It is this benchmark's own code.
# --------------------------------------------------------------------------------------------
HOOK = r'''"""benchmarks/pymonnto_scripts.py's hook: summarise the script's networks at exit; grab PymoNNto's UI."""
import atexit
import importlib.abc
import os
import sys

_SUMMARY = os.environ.get("PMSCRIPTS_SUMMARY")
_SHOT = os.environ.get("PMSCRIPTS_SHOT")
_MODULES = {"pymonn.network": "Network", "PymoNNto.NetworkCore.Network": "Network"}
_kept = []  # the newest networks, kept alive until the summary is written


def _track(cls):
    if cls is None or cls.__dict__.get("_pmscripts_tracked"):
        return
    original = cls.__init__

    def __init__(self, *args, **kwargs):
        original(self, *args, **kwargs)
        if not any(n is self for n in _kept):
            _kept.append(self)
            del _kept[:-16]

    cls.__init__ = __init__
    cls._pmscripts_tracked = True


class _Watch(importlib.abc.MetaPathFinder):
    """After the engine's network module is executed, track its Network class."""

    def find_spec(self, name, path=None, target=None):
        if name not in _MODULES:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(name, path, target)
            if spec is not None:
                break
        else:
            return None
        loader = spec.loader
        if loader is None or not hasattr(loader, "exec_module"):
            return spec
        execute = loader.exec_module

        def exec_module(module):
            execute(module)
            _track(getattr(module, _MODULES[name], None))

        loader.exec_module = exec_module
        return spec


sys.meta_path.insert(0, _Watch())


def _mean(data):
    import numpy as np
    try:
        arr = np.asarray(data, dtype=float)
    except (TypeError, ValueError):
        return None, 0
    if arr.size == 0:
        return None, 0
    return float(np.mean(arr)), int(len(arr))


def _group(ng):
    tags = list(getattr(ng, "tags", []) or [])
    out = {"tag": str(tags[0]) if tags else "?", "size": int(ng.size), "recorded": {}, "samples": {}, "events": {}}
    behaviours = getattr(ng, "behaviours", None)
    if not isinstance(behaviours, dict):
        behaviours = getattr(ng, "behavior", {})
    for key in sorted(behaviours, key=lambda k: float(k)):
        b = behaviours[key]
        classes = [c.__name__ for c in type(b).__mro__]
        if "Recorder" not in classes:
            continue
        variables = getattr(b, "variables", {})
        names = list(variables) if isinstance(variables, (dict, list, tuple)) else []
        for v in names:
            try:
                if "EventRecorder" in classes:
                    count = b.count(v) if hasattr(b, "count") and not isinstance(variables, dict) else len(variables[v])
                    out["events"][v] = int(count)
                else:
                    data = variables[v] if isinstance(variables, dict) else b[v]
                    m, n = _mean(data)
                    if m is not None:
                        out["recorded"][v] = m
                        out["samples"][v] = n
            except Exception as err:  # a summary must not fail the script
                out.setdefault("unreadable", {})[v] = repr(err)[:200]
    return out


def _networks():
    import gc
    found = list(_kept)
    for obj in gc.get_objects():
        try:
            if type(obj).__name__ == "Network" and hasattr(obj, "NeuronGroups") and not any(n is obj for n in found):
                found.append(obj)
        except ReferenceError:
            pass
    return found


def _write():
    if not _SUMMARY:
        return
    out = {"networks": []}
    try:
        for net in _networks():
            try:
                out["networks"].append({"iteration": int(net.iteration),
                                        "groups": [_group(ng) for ng in net.NeuronGroups]})
            except Exception as err:
                out["networks"].append({"error": repr(err)[:300]})
    except Exception as err:
        out["error"] = repr(err)[:300]
    with open(_SUMMARY, "w") as f:
        import json
        json.dump(out, f)


atexit.register(_write)

if _SHOT:
    try:
        from PyQt5 import QtCore, QtWidgets

        _real_exec = QtWidgets.QApplication.exec_
        _ms = int(os.environ.get("PMSCRIPTS_SHOT_MS", "3000"))

        def _exec(*_args):
            app = QtWidgets.QApplication.instance()

            def grab():
                for w in QtWidgets.QApplication.topLevelWidgets():
                    if w.isVisible():
                        w.grab().save(_SHOT)
                        break
                app.quit()

            QtCore.QTimer.singleShot(_ms, grab)
            return _real_exec()

        QtWidgets.QApplication.exec_ = _exec
        QtWidgets.QApplication.exec = _exec
    except Exception as err:
        print("pymonnto_scripts hook: cannot patch QApplication.exec_:", err, file=sys.stderr)
'''


# --------------------------------------------------------------------------------------------
# preparing the two trees
# --------------------------------------------------------------------------------------------
def rewrite_imports(text: str) -> tuple[str, int]:
    """Replace every statement importing from PymoNNto by ``from pymonn import *``; (text, count).

    Statements continued over several lines (parentheses, backslashes) are replaced whole; the
    indentation is kept; every other line stays as it was.
    """
    lines = text.splitlines(keepends=True)
    out, count, i = [], 0, 0
    while i < len(lines):
        match = IMPORT_LINE.match(lines[i])
        if match is None:
            out.append(lines[i])
            i += 1
            continue
        statement = lines[i]
        while i + 1 < len(lines) and (statement.count("(") > statement.count(")")
                                      or statement.rstrip("\r\n").endswith("\\")):
            i += 1
            statement += lines[i]
        ending = "\r\n" if lines[i].endswith("\r\n") else "\n" if lines[i].endswith("\n") else ""
        out.append(f"{match['indent']}{REPLACEMENT}{ending}")
        count += 1
        i += 1
    return "".join(out), count


def _ignore(_dir: str, names: list[str]) -> list[str]:
    return [n for n in names if n in (".git", "__pycache__", ".pytest_cache")]


def prepare_trees(source: pathlib.Path, work: pathlib.Path) -> dict:
    """Copy ``source`` to work/pymonnto_tree (unchanged) and work/pymonn_tree (rewritten, no library)."""
    peer = work / "pymonnto_tree"
    ours = work / "pymonn_tree"
    shutil.copytree(source, peer, ignore=_ignore)
    shutil.copytree(source, ours, ignore=_ignore)
    keep: set[pathlib.Path] = set()  # every import of PymoNNto's library is rewritten: none of it is kept
    for name in LIBRARY:
        folder = ours / name
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*"), reverse=True):
            if path.is_file() and path not in keep:
                path.unlink()
            elif path.is_dir() and not any(path.iterdir()):
                path.rmdir()
        if folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
    if (ours / "__init__.py").is_file():
        (ours / "__init__.py").unlink()
    rewritten = {}
    for path in sorted(ours.rglob("*.py")):
        text = path.read_text(errors="surrogateescape")
        new, count = rewrite_imports(text)
        if count:
            path.write_text(new, errors="surrogateescape")
            rewritten[str(path.relative_to(ours))] = count
    return {"pymonnto": peer, "pymonn": ours, "kept": sorted(str(p.relative_to(ours)) for p in keep),
            "rewritten": rewritten}


def code_lines(text: str) -> str:
    """The text without comment-only lines."""
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))


def is_ui_script(text: str) -> bool:
    """Does the script open PymoNNto's UI (``Network_UI(...)`` and ``.show()`` outside comments)?"""
    code = code_lines(text)
    return "Network_UI(" in code and ".show()" in code


def doc_blocks(tree: pathlib.Path) -> list[tuple[str, str]]:
    """(name, code) of the ```python blocks of docs/**/*.md that are complete programs."""
    out = []
    for md in sorted((tree / "docs").rglob("*.md")):
        for k, block in enumerate(re.findall(r"```python\n(.*?)```", md.read_text(errors="replace"), re.S)):
            if "..." in block or not re.search(r"^\s*(from\s+PymoNNto|import\s+PymoNNto)\b", block, re.M):
                continue
            try:
                ast.parse(block)
            except SyntaxError:
                continue
            out.append((f"{md.relative_to(tree).with_suffix('')}#{k}", block))
    return out


def add_doc_blocks(trees: dict, blocks: list[tuple[str, str]]) -> list[str]:
    """Write the doc blocks as scripts under _docs_blocks/ in both trees; their relative paths."""
    names = []
    for name, code in blocks:
        rel = pathlib.Path("_docs_blocks") / (re.sub(r"[^\w]+", "_", name).strip("_") + ".py")
        for engine in ENGINES:
            path = trees[engine] / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(code if engine == "pymonnto" else rewrite_imports(code)[0])
        names.append(str(rel))
    return names


# --------------------------------------------------------------------------------------------
# running
# --------------------------------------------------------------------------------------------
def first_error(stdout: str, stderr: str) -> str:
    """The first line of the exception that ended a run (last traceback), else the last stderr line."""
    lines = stderr.splitlines()
    starts = [i for i, line in enumerate(lines) if line.startswith("Traceback (most recent call last)")]
    if starts:
        for line in lines[starts[-1] + 1:]:
            if line.strip() and not line.startswith((" ", "\t")):
                return line.strip()
    hook = re.search(r"<class '([\w.]+)'> (.*?) <traceback object", stdout + stderr, re.S)
    if hook:  # PymoNNto's UI replaces sys.excepthook by a print of (type, value, traceback)
        return f"{hook[1].rsplit('.', 1)[-1]}: {hook[2].splitlines()[0] if hook[2] else ''}"
    for line in reversed(lines):
        if line.strip():
            return line.strip()
    return ""


def _tail(path: pathlib.Path, limit: int = 200_000) -> str:
    with open(path, "rb") as f:
        f.seek(0, os.SEEK_END)
        f.seek(max(0, f.tell() - limit))
        return f.read().decode(errors="replace")


def run_process(cmd: list[str], cwd: pathlib.Path, env: dict, timeout: float, log: pathlib.Path) -> dict:
    """Run ``cmd``; stdout/stderr to log.out/log.err; kill its whole process group on timeout."""
    out_path, err_path = log.with_suffix(".out"), log.with_suffix(".err")
    start = time.perf_counter()
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=err, stdin=subprocess.DEVNULL,
                                start_new_session=True)
        try:
            rc = proc.wait(timeout=timeout)
            timed_out = False
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            rc, timed_out = None, True
    seconds = time.perf_counter() - start
    stdout, stderr = _tail(out_path), _tail(err_path)
    error = f"timeout after {timeout:g} s" if timed_out else ("" if rc == 0 else first_error(stdout, stderr))
    if rc not in (0, None) and not error:
        error = f"exit status {rc} without output"
    return {"rc": rc, "seconds": round(seconds, 3), "error": error, "stdout_tail": stdout[-2000:],
            "stderr_tail": stderr[-3000:]}


class Runner:
    """Runs one script (or pytest) in one engine's tree with the hook and the right environment."""

    def __init__(self, trees: dict, pythons: dict, work: pathlib.Path, args: argparse.Namespace):
        self.trees, self.pythons, self.work, self.args = trees, pythons, work, args
        self.hook = work / "hook"
        self.hook.mkdir()
        (self.hook / "sitecustomize.py").write_text(HOOK)
        self.results = work / "results"
        self.results.mkdir()
        self.timed_out: set[tuple[str, str]] = set()  # (engine, script) runs that hit --timeout once
        runtime = work / "xdg-runtime"
        runtime.mkdir(mode=0o700)
        self.base_env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
        self.base_env.update(MPLBACKEND="Agg", QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(self.hook),
                             PYTHONDONTWRITEBYTECODE="1", XDG_RUNTIME_DIR=str(runtime),
                             PYTHONUNBUFFERED="1")

    def run_script(self, engine: str, script: str, ui: bool, repeat: int) -> dict:
        if (engine, script) in self.timed_out:  # a script that hung once is not run again
            return {"rc": None, "seconds": 0.0, "error": f"timeout after {self.args.timeout:g} s (earlier run; "
                    "not repeated)", "stdout_tail": "", "stderr_tail": "", "summary": None, "screenshot": None,
                    "passed": False}
        tree = self.trees[engine]
        path = tree / script
        slug = re.sub(r"[^\w.]+", "_", script) + f".{engine}.{repeat}"
        summary = self.results / (slug + ".json")
        shot = self.results / (slug + ".png")
        env = dict(self.base_env, PMSCRIPTS_SUMMARY=str(summary))
        python = self.pythons[engine]
        if ui and engine == "pymonnto":
            env.update(PMSCRIPTS_SHOT=str(shot), PMSCRIPTS_SHOT_MS=str(self.args.ui_ms))
        if ui and engine == "pymonn":
            cmd = [python, "-m", "pymonn.ui", path.name, "--screenshot", str(shot), "--steps", str(self.args.ui_steps)]
        else:
            cmd = [python, path.name]
        result = run_process(cmd, path.parent, env, self.args.timeout, self.results / slug)
        if result["rc"] is None:
            self.timed_out.add((engine, script))
        result["summary"] = _read_json(summary)
        result["screenshot"] = str(shot) if shot.is_file() and shot.stat().st_size > 0 else None
        result["passed"] = result["rc"] == 0 and (not ui or result["screenshot"] is not None)
        if result["rc"] == 0 and ui and not result["screenshot"]:
            result["error"] = "no screenshot written"
        return result

    def run_unit_tests(self, engine: str) -> dict:
        tree = self.trees[engine]
        if not (tree / UNIT_TESTS).is_file():
            return {"error": f"{UNIT_TESTS} not in the source tree"}
        python = self.pythons[engine]
        has_pytest = subprocess.run([python, "-c", "import pytest"], capture_output=True).returncode == 0
        if not has_pytest:
            return {"error": f"pytest is not installed for {python}"}
        cmd = [python, "-m", "pytest", UNIT_TESTS, "-q", "-rf", "--import-mode=importlib", "-p", "no:cacheprovider"]
        result = run_process(cmd, tree, dict(self.base_env), self.args.timeout * 2, self.results / f"pytest.{engine}")
        text = result["stdout_tail"] + result["stderr_tail"]
        counts = {k: int(n) for n, k in re.findall(r"(\d+) (passed|failed|error|errors|skipped)", text)}
        if "errors" in counts:
            counts["error"] = counts.pop("errors")
        result["counts"] = counts
        result["failed_tests"] = re.findall(r"^(?:FAILED|ERROR) \S+?::(\w+)", text, re.M)
        return result


def _read_json(path: pathlib.Path):
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


# --------------------------------------------------------------------------------------------
# numbers, agreement and the table
# --------------------------------------------------------------------------------------------
def flatten(summary: dict | None, sizes_only: bool = False) -> dict:
    """{name: number} from one run's summary: it, group sizes, recorded means, sample and event counts."""
    out: dict[str, float] = {}
    if not summary:
        return out
    networks = [n for n in summary.get("networks", []) if "groups" in n]
    for k, net in enumerate(networks):
        prefix = f"net{k + 1}/" if len(networks) > 1 else ""
        if not sizes_only:
            out[prefix + "it"] = net["iteration"]
        seen: dict[str, int] = {}
        for index, group in enumerate(net["groups"]):
            tag = group["tag"]
            if re.fullmatch(r"NeuronGroup(_\d+)?", tag):  # a default name: PymoNNto numbers them, pymonn does not
                tag = f"group{index + 1}"
            seen[tag] = seen.get(tag, 0) + 1
            label = prefix + (tag if seen[tag] == 1 else f"{tag}#{seen[tag]}")
            out[f"{label}:size"] = group["size"]
            if sizes_only:
                continue
            for v, m in group["recorded"].items():
                out[f"{label}:{v}"] = m
                out[f"{label}:{v}#samples"] = group["samples"].get(v, 0)
            for v, c in group["events"].items():
                out[f"{label}:{v}#events"] = c
    return out


def mean_sd(values: list[float]) -> tuple[float, float]:
    mean = sum(values) / len(values)
    sd = math.sqrt(sum((v - mean) ** 2 for v in values) / (len(values) - 1)) if len(values) > 1 else 0.0
    return mean, sd


@functools.cache
def t_quantile(p: float, df: int) -> float:
    """The p-quantile (p > 0.5) of Student's t distribution with ``df`` degrees of freedom.

    The density is integrated with Simpson's rule and the quantile found by bisection (no scipy
    needed); accurate to about 1e-6 for the quantiles used here.
    """
    log_norm = math.lgamma((df + 1) / 2) - math.lgamma(df / 2) - 0.5 * math.log(df * math.pi)

    def pdf(x: float) -> float:
        return math.exp(log_norm - (df + 1) / 2 * math.log1p(x * x / df))

    def cdf(x: float, steps: int = 4000) -> float:  # 0.5 + integral from 0 to x (x >= 0)
        h = x / steps
        total = pdf(0.0) + pdf(x) + sum((4 if k % 2 else 2) * pdf(k * h) for k in range(1, steps))
        return 0.5 + total * h / 3

    lo, hi = 0.0, 1.0
    while cdf(hi) < p:
        lo, hi = hi, hi * 2
    for _ in range(60):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if cdf(mid) < p else (lo, mid)
    return (lo + hi) / 2


def allowed_difference(a: list[float], b: list[float], alpha: float, rtol: float) -> float:
    """Largest |mean(a) - mean(b)| that still counts as the same number (see the module docstring)."""
    (ma, sa), (mb, sb) = mean_sd(a), mean_sd(b)
    df = len(a) + len(b) - 2
    noise = 0.0
    if df > 0:
        pooled = math.sqrt(((len(a) - 1) * sa ** 2 + (len(b) - 1) * sb ** 2) / df)
        if pooled > 0:
            noise = t_quantile(1 - alpha / 2, df) * pooled * math.sqrt(1 / len(a) + 1 / len(b))
    return noise + rtol * max(abs(ma), abs(mb)) + 1e-9


def compare(runs_a: list[dict], runs_b: list[dict], alpha: float, rtol: float) -> dict:
    """Per number: both engines' mean, sd, allowed distance and verdict; plus numbers only one engine has."""
    keys_a = set().union(*(r.keys() for r in runs_a)) if runs_a else set()
    keys_b = set().union(*(r.keys() for r in runs_b)) if runs_b else set()
    ordered = list(dict.fromkeys(k for r in runs_a + runs_b for k in r))  # the summaries' own order
    numbers = {}
    for key in [k for k in ordered if k in keys_a and k in keys_b]:
        a = [r[key] for r in runs_a if key in r]
        b = [r[key] for r in runs_b if key in r]
        (ma, sa), (mb, sb) = mean_sd(a), mean_sd(b)
        allowed = allowed_difference(a, b, alpha, rtol)
        numbers[key] = {"pymonnto": [ma, sa], "pymonn": [mb, sb], "allowed": allowed, "agree": abs(ma - mb) <= allowed}
    return {"numbers": numbers, "only_pymonnto": sorted(keys_a - keys_b), "only_pymonn": sorted(keys_b - keys_a),
            "agree": all(n["agree"] for n in numbers.values()) and keys_a == keys_b}


def _fmt(x: float) -> str:
    return f"{x:.4g}" if isinstance(x, float) and not float(x).is_integer() else f"{int(x)}"


def short_tags(numbers: dict) -> dict:
    """{group label: display label}: the first three letters of each tag when that keeps them apart."""
    labels = list(dict.fromkeys(k.split(":")[0] for k in numbers if ":" in k))
    short = {}
    for label in labels:
        prefix, _, tag = label.rpartition("/")
        short[label] = (prefix + "/" if prefix else "") + tag[:3]
    return short if len(set(short.values())) == len(short) else {label: label for label in labels}


def compact(numbers: dict, limit: int = 5) -> str:
    """'it=1000 exc:fired=0.0137 ...' from {name: mean}: iteration, then spike-like means first.

    Group tags are shortened to three letters where that keeps them apart (the JSON has them whole).
    """
    short = short_tags(numbers)

    def show(key: str) -> str:
        label, sep, rest = key.partition(":")
        return f"{short.get(label, label)}{sep}{rest}" if sep else key

    keys = [k for k in numbers if not k.endswith("#samples") and not k.endswith(":size")]
    spiky = [k for k in keys if re.search(r"fired|spike", k.split(":")[-1])]
    rest = [k for k in keys if k not in spiky]
    iterations = [k for k in keys if k == "it" or k.endswith("/it")]
    order = iterations + [k for k in spiky + rest if k not in iterations]
    shown = order[:limit]
    text = " ".join(f"{show(k)}={_fmt(numbers[k])}" for k in shown)
    if len(order) > limit:
        text += f" (+{len(order) - limit})"
    if not order:
        sizes = [f"{show(k.split(':')[0] + ':')}{_fmt(v)}" for k, v in numbers.items() if k.endswith(":size")]
        text = ("sizes " + " ".join(sizes[:4])) if sizes else "no network"
    return text


def status(runs: list[dict]) -> str:
    passed = sum(r["passed"] for r in runs)
    if passed == len(runs):
        return "pass"
    error = next(r["error"] for r in runs if not r["passed"])
    error = (error[:110] + "...") if len(error) > 113 else error
    prefix = "fail" if passed == 0 else f"fail {len(runs) - passed}/{len(runs)}"
    return f"{prefix}: {error}".replace("|", "\\|")


def summarise_script(script: str, ui: bool, runs: dict, args: argparse.Namespace) -> dict:
    row = {"script": script, "ui": ui, "runs": runs}
    flat = {e: [flatten(r["summary"], sizes_only=ui) for r in runs.get(e, []) if r["passed"]] for e in ENGINES}
    row["passed"] = {e: bool(runs.get(e)) and all(r["passed"] for r in runs[e]) for e in ENGINES}
    row["means"] = {e: {k: mean_sd([r[k] for r in flat[e] if k in r])[0]
                        for k in dict.fromkeys(k for r in flat[e] for k in r)} for e in ENGINES}
    if all(row["passed"].values()):
        row["comparison"] = compare(flat["pymonnto"], flat["pymonn"], args.alpha, args.rtol)
        row["agree"] = row["comparison"]["agree"]
    else:
        row["comparison"], row["agree"] = None, None
    return row


def agree_cell(row: dict) -> str:
    c = row["comparison"]
    if c is None:
        return "n/a"
    n = len(c["numbers"])
    what = "sizes" if row["ui"] else "numbers"
    if row["agree"] and n == 0:
        return "yes (no network on either: nothing to compare)"
    if row["agree"]:
        return f"yes ({n} {what})"
    bad = [f"{k}: {_fmt(v['pymonnto'][0])} vs {_fmt(v['pymonn'][0])}" for k, v in c["numbers"].items() if not v["agree"]]
    if c["only_pymonnto"]:
        bad.append("only PymoNNto has " + ", ".join(c["only_pymonnto"][:3]))
    if c["only_pymonn"]:
        bad.append("only pymonn has " + ", ".join(c["only_pymonn"][:3]))
    text = f"no ({n - sum(not v['agree'] for v in c['numbers'].values())}/{n} {what} agree; " + "; ".join(bad[:2])
    if len(bad) > 2:
        text += f"; +{len(bad) - 2} more"
    return text + ")"


def engine_cell(row: dict, engine: str) -> str:
    runs = row["runs"].get(engine, [])
    if not runs:
        return "not run"
    text = status(runs)
    if row["passed"][engine]:
        text += " · " + compact(row["means"][engine]) + (" (UI)" if row["ui"] else "")
    return text


def print_table(rows: list[dict], title: str) -> None:
    print(f"\n{title}\n")
    print("| script | PymoNNto 3.0.6 | pymonn | agree? |\n|---|---|---|---|")
    for row in rows:
        print(f"| {row['script']} | {engine_cell(row, 'pymonnto')} | {engine_cell(row, 'pymonn')} | {agree_cell(row)} |")


def totals(rows: list[dict]) -> dict:
    on_peer = [r for r in rows if r["passed"]["pymonnto"]]
    on_both = [r for r in on_peer if r["passed"]["pymonn"]]
    agree = [r for r in on_both if r["agree"]]
    empty = [r for r in agree if not r["comparison"]["numbers"]]
    only_ours = [r["script"] for r in rows if r["passed"]["pymonn"] and not r["passed"]["pymonnto"]]
    return {"scripts": len(rows), "run_on_pymonnto": len(on_peer), "of_these_run_on_pymonn": len(on_both),
            "numbers_agree": len(agree), "agree_without_numbers": len(empty), "run_on_pymonn_only": only_ours,
            "fail_on_pymonn": [r["script"] for r in on_peer if not r["passed"]["pymonn"]],
            "disagree": [r["script"] for r in on_both if not r["agree"]]}


def print_totals(name: str, t: dict) -> None:
    print(f"\n{name}: {t['scripts']} scripts; runs on PymoNNto: {t['run_on_pymonnto']}; of these run on pymonn: "
          f"{t['of_these_run_on_pymonn']}; numbers agree: {t['numbers_agree']} (of these {t['agree_without_numbers']} "
          "build no network, so there is nothing to compare).")
    if t["fail_on_pymonn"]:
        print(f"  run on PymoNNto but fail on pymonn: {', '.join(t['fail_on_pymonn'])}")
    if t["disagree"]:
        print(f"  numbers differ: {', '.join(t['disagree'])}")
    if t["run_on_pymonn_only"]:
        print(f"  run on pymonn but not on PymoNNto: {', '.join(t['run_on_pymonn_only'])}")


def unit_test_line(results: dict) -> str:
    parts = []
    for engine, label in (("pymonnto", "PymoNNto 3.0.6"), ("pymonn", "pymonn")):
        r = results.get(engine, {})
        if "counts" not in r:
            parts.append(f"{label}: not run ({r.get('error', '?')})")
            continue
        counts = ", ".join(f"{n} {k}" for k, n in sorted(r["counts"].items())) or f"no result ({r.get('error')})"
        failed = f" [{', '.join(r['failed_tests'])}]" if r["failed_tests"] else ""
        parts.append(f"{label}: {counts}{failed}")
    return f"{UNIT_TESTS} with pytest: " + "; ".join(parts)


# --------------------------------------------------------------------------------------------
def pythons_for(args: argparse.Namespace) -> dict:
    if args.peer_python:
        peer = args.peer_python
    else:
        from peer_env import peer_python

        peer = str(peer_python(*PEER_PACKAGES))
    return {"pymonnto": peer, "pymonn": sys.executable}


def versions(pythons: dict) -> dict:
    code = ("import importlib.metadata as m\nfor p in ('pymonnto', 'pymonn', 'numpy'):\n    try: print(p, m.version(p))\n"
            "    except Exception: pass")
    out = {}
    for engine, python in pythons.items():
        text = subprocess.run([python, "-c", code], capture_output=True, text=True).stdout
        out[engine] = dict(line.split(" ", 1) for line in text.splitlines() if " " in line)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], epilog=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--source", type=pathlib.Path, default=DEFAULT_SOURCE,
                        help=f"a PymoNNto checkout (default {DEFAULT_SOURCE.relative_to(HERE.parent)}; see above)")
    parser.add_argument("--peer-python", help="python of an existing environment with PymoNNto 3.0.6 (and matplotlib, "
                        "sympy, PyQt5, pyqtgraph, pytest); default: benchmarks/.venv-peers, created on first use")
    parser.add_argument("--repeats", type=int, default=3, help="runs per script and engine (default 3; UI scripts: 1)")
    parser.add_argument("--timeout", type=float, default=120, help="seconds per script run (default 120)")
    parser.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1), help="runs in parallel (default 2)")
    parser.add_argument("--only", help="run only scripts whose path matches this regular expression")
    parser.add_argument("--alpha", type=float, default=0.001,
                        help="false-alarm probability per number of the agreement test (default 0.001)")
    parser.add_argument("--rtol", type=float, default=1e-3, help="relative floor in the agreement rule (default 1e-3)")
    parser.add_argument("--ui-ms", type=int, default=3000, help="PymoNNto UI: ms before the window is grabbed")
    parser.add_argument("--ui-steps", type=int, default=200, help="pymonn UI: --steps for python -m pymonn.ui")
    parser.add_argument("--docs", action="store_true", help="also run the complete ```python blocks of docs/**/*.md")
    parser.add_argument("--no-unit-tests", action="store_true", help=f"do not run {UNIT_TESTS}")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (its path is printed)")
    parser.add_argument("--json", metavar="OUT", type=pathlib.Path, help="write all results as JSON")
    args = parser.parse_args(argv)
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")
    source = args.source.resolve()
    if not all((source / f).is_dir() for f in SCRIPT_FOLDERS):
        parser.error(f"--source {source}: expected a PymoNNto checkout with {', '.join(SCRIPT_FOLDERS)} "
                     "(see --help for how to get one)")

    pythons = pythons_for(args)
    work = pathlib.Path(tempfile.mkdtemp(prefix="pymonnto-scripts-"))
    started = datetime.datetime.now()
    try:
        trees = prepare_trees(source, work)
        scripts = sorted(str(p.relative_to(trees["pymonnto"])) for p in trees["pymonnto"].rglob("*.py")
                         if p.relative_to(trees["pymonnto"]).parts[0] in SCRIPT_FOLDERS)
        docs = add_doc_blocks(trees, doc_blocks(trees["pymonnto"])) if args.docs else []
        if args.only:
            scripts = [s for s in scripts if re.search(args.only, s)]
            docs = [s for s in docs if re.search(args.only, s)]
        runner = Runner(trees, pythons, work, args)
        ui = {s: is_ui_script((trees["pymonnto"] / s).read_text(errors="replace")) for s in scripts + docs}
        # every script's first run before any repeat, so that a script that hangs is found before its repeats start
        jobs = [(e, s, k) for k in range(args.repeats) for s in scripts + docs for e in ENGINES if k == 0 or not ui[s]]
        print(f"{len(scripts)} scripts{f' and {len(docs)} doc blocks' if docs else ''}, {len(jobs)} runs, "
              f"{args.jobs} at a time, in {work}", file=sys.stderr)
        results: dict = {s: {e: [] for e in ENGINES} for s in scripts + docs}
        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            futures = {pool.submit(runner.run_script, e, s, ui[s], k): (e, s, k) for e, s, k in jobs}
            for done, future in enumerate(concurrent.futures.as_completed(futures), 1):
                e, s, k = futures[future]
                r = future.result()
                results[s][e].append(r)
                print(f"[{done}/{len(jobs)}] {e:8s} {s} #{k + 1}: {'pass' if r['passed'] else 'FAIL ' + r['error']} "
                      f"({r['seconds']:.1f} s)", file=sys.stderr, flush=True)
        unit = {} if args.no_unit_tests else {e: runner.run_unit_tests(e) for e in ENGINES}
        rows = [summarise_script(s, ui[s], results[s], args) for s in scripts]
        doc_rows = [summarise_script(s, ui[s], results[s], args) for s in docs]

        v = versions(pythons)
        print(f"\nRun {started:%Y-%m-%d %H:%M} on {platform.node() or '?'} ({os.cpu_count()} CPUs), Python "
              f"{platform.python_version()}; PymoNNto {v['pymonnto'].get('pymonnto', '?')} (numpy "
              f"{v['pymonnto'].get('numpy', '?')}), pymonn {v['pymonn'].get('pymonn', '?')} (numpy "
              f"{v['pymonn'].get('numpy', '?')}); {args.repeats} runs per script and engine (UI scripts 1); "
              f"agreement per number: |mean_a - mean_b| <= t(1 - {args.alpha:g}/2, R_a + R_b - 2) s_pooled "
              f"sqrt(1/R_a + 1/R_b) + {args.rtol:g} max|mean| + 1e-9.")
        print(f"Rewritten files (imports replaced): {len(trees['rewritten'])}; library files kept because "
              f"scripts import them by path: {', '.join(trees['kept']) or 'none'}.")
        print_table(rows, "PymoNNto's example scripts")
        t = totals(rows)
        print_totals("Scripts", t)
        if doc_rows:
            print_table(doc_rows, "Complete ```python blocks of docs/**/*.md")
            print_totals("Doc blocks", totals(doc_rows))
        if unit:
            print("\n" + unit_test_line(unit))
        if args.json:
            args.json.write_text(json.dumps({
                "started": started.isoformat(timespec="seconds"), "source": str(source), "pythons": pythons,
                "versions": v, "arguments": {k: str(val) for k, val in vars(args).items()},
                "kept_library_files": trees["kept"], "rewritten": trees["rewritten"],
                "scripts": rows, "docs": doc_rows, "totals": t, "unit_tests": unit}, indent=1, default=str))
    finally:
        if args.keep:
            print(f"\nkept {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
