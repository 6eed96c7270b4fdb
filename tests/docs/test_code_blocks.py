"""Every code block of README.md and docs/*.md runs as written, in order, in a temporary folder.

The blocks of one file share a namespace and run top to bottom, as a reader pasting them would.
A block that cannot run alone says so on its first line, ``# fragment: <what it needs>``: it is
compiled (so its syntax stays valid) but not run. ``bash`` blocks are commands: every file they
name must exist. ``text`` (output) and ``math`` (equations) blocks are not run. A block without a language fails.
Two pages have tests of their own that run every block and check what it prints (OWN_TESTS); they
are not run twice.
"""

from __future__ import annotations

import pathlib
import re
import shlex

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
FILES = ["README.md", *sorted(str(p.relative_to(ROOT)) for p in (ROOT / "docs").glob("*.md"))]
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.S | re.M)
FRAGMENT = "# fragment:"
LANGUAGES = {"python", "bash", "text", "math"}  # math: equations (docs/models.md), not run
OWN_TESTS = {"docs/sweeps.md": "tests/sweeps/test_sweep_docs.py",          # from the root, on Dask
             "docs/equations.md": "tests/behaviours/test_equations_docs.py"}  # with a kernel cache
RUN_HERE = [name for name in FILES if name not in OWN_TESTS]


def blocks(name: str) -> list[tuple[str, str, int]]:
    """(language, code, line number) of every fenced block of a file."""
    text = (ROOT / name).read_text()
    return [(m.group(1), m.group(2), text.count("\n", 0, m.start()) + 1) for m in FENCE.finditer(text)]


@pytest.fixture
def in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.setenv("PYMONN_CACHE_DIR", str(tmp_path / ".cache"))
    return tmp_path


def test_every_file_has_blocks_and_every_block_a_language():
    assert len(FILES) >= 7  # README and the pages under docs/
    found = [(name, lang, line) for name in FILES for lang, _, line in blocks(name)]
    assert len(found) > 30
    assert [(n, lang, line) for n, lang, line in found if lang not in LANGUAGES] == []


def run_blocks(name: str) -> int:
    """Run the python blocks of one file in order in one namespace; returns how many ran."""
    namespace: dict = {"__name__": "__main__"}
    ran = 0
    for lang, code, line in blocks(name):
        if lang != "python":
            continue
        source = compile("\n" * (line) + code, f"{name}", "exec")  # tracebacks show the file's line
        if code.startswith(FRAGMENT):
            assert len(code.splitlines()[0]) > len(FRAGMENT) + 3, f"{name}:{line}: say what the fragment needs"
            continue
        exec(source, namespace)
        ran += 1
    return ran


@pytest.mark.parametrize("name", RUN_HERE)
def test_python_blocks_run_in_order(name, in_tmp):
    ran = run_blocks(name)
    # pymonnto_ui.md's one block needs PymoNNto's Basic.py network; models.md has equations only
    assert ran > 0 or name in ("docs/pymonnto_ui.md", "docs/models.md")


def test_the_readme_blocks_print_what_their_comments_say(in_tmp, capsys):
    assert run_blocks("README.md") >= 4
    out = capsys.readouterr().out.splitlines()
    shape, spikes = out[0].rsplit(" ", 1)
    assert shape == "(1000, 100)" and int(spikes) > 100          # the first example: recorded trace
    assert out[1] == "(100,)"                                    # and the state now
    assert "True" in out                                         # the loaded copy continues bit for bit
    rate = next(line for line in out if " Hz, CV " in line)
    assert 5 < float(rate.split()[0]) < 60                       # the analysis block's mean rate
    for written in ("run.png", "state.npz", "ck.npz", "mean_v.h5"):
        assert (in_tmp / written).stat().st_size > 1000, written


@pytest.mark.parametrize("name", sorted(OWN_TESTS))
def test_pages_with_their_own_test_are_run_there(name):
    own = (ROOT / OWN_TESTS[name]).read_text()
    assert pathlib.PurePath(name).name in own and "```" in own  # it reads the page and extracts blocks


@pytest.mark.parametrize("name", FILES)
def test_files_named_in_commands_exist(name):
    for lang, code, line in blocks(name):
        if lang != "bash":
            continue
        for command in code.splitlines():
            words = shlex.split(command.split("#")[0]) if command.strip() else []
            for word in words:
                if re.fullmatch(r"(examples|benchmarks|tests|docs)/[\w/.-]+\.(py|md|ipynb)", word):
                    assert (ROOT / word).exists(), f"{name}:{line}: {word} does not exist"
