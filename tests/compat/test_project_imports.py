"""PymoNNto project folders and project imports (issue 10, item 5).

A PymoNNto project is a folder holding ``Data/``; its scripts import the project's own modules by
their path from that folder (``from Examples_Paper.STDP_Hom_Norm.STDP import *``). pymonn resolves
such imports with a finder at the end of ``sys.meta_path`` instead of putting the root on
``sys.path``. Scripts run in subprocesses so that every case starts from a fresh interpreter.
"""

import importlib.abc
import importlib.machinery
import importlib.util
import os
import subprocess
import sys
import textwrap

import pytest

from pymonn.compat import project
from pymonn.compat.project import (
    ProjectRootFinder,
    add_project_root_path,
    get_data_folder,
    get_root_folder,
    install_project_finder,
)
from pymonn.errors import ConfigurationError

SCRIPT = """\
from pymonn import *
from Examples_X.pkg.mod import VALUE
from Examples_X.pkg import helper
print('VALUE', VALUE, helper.NAME)
"""


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text))
    return path


@pytest.fixture
def tree(tmp_path):
    """tmp_path/Project/{Data, Examples_X/pkg/mod.py, Examples_X/sub/run.py}; Examples_X has no __init__."""
    root = tmp_path / "Project"
    (root / "Data").mkdir(parents=True)
    write(root / "Examples_X" / "pkg" / "__init__.py", "")
    write(root / "Examples_X" / "pkg" / "mod.py", "VALUE = 4217\n")
    write(root / "Examples_X" / "pkg" / "helper.py", "NAME = 'helper-of-Project'\n")
    script = write(root / "Examples_X" / "sub" / "run.py", SCRIPT)
    return root, script


def run(args, cwd, code=None):
    cmd = [sys.executable, *([("-c"), code] if code is not None else []), *args]
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=120)


def test_script_imports_its_project_from_its_own_folder(tree):
    root, script = tree
    out = run([str(script)], cwd=script.parent)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["VALUE", "4217", "helper-of-Project"]


def test_script_imports_its_project_from_the_project_root(tree):
    root, script = tree
    out = run([os.path.relpath(script, root)], cwd=root)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["VALUE", "4217", "helper-of-Project"]


def test_script_imports_its_project_when_run_from_outside_it(tree, tmp_path):
    # the working directory is outside the project: the root above the script's folder is used
    root, script = tree
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out = run([str(script)], cwd=elsewhere)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["VALUE", "4217", "helper-of-Project"]


def test_without_pymonn_the_project_import_fails(tree):
    # the control: nothing but pymonn's finder makes Examples_X importable from the script's folder
    root, script = tree
    bare = write(script.parent / "bare.py", "from Examples_X.pkg.mod import VALUE\n")
    out = run([str(bare)], cwd=script.parent)
    assert out.returncode == 1
    assert "ModuleNotFoundError: No module named 'Examples_X'" in out.stderr


def test_import_pymonn_leaves_sys_path_and_sys_modules_alone(tree):
    root, script = tree
    code = ("import sys\n"
            "before = list(sys.path)\n"
            "import pymonn\n"
            "from pymonn import *\n"
            "print(sys.path == before, any(m.startswith('Examples_X') for m in sys.modules),\n"
            "      sum(type(f).__name__ == 'ProjectRootFinder' for f in sys.meta_path),\n"
            "      type(sys.meta_path[-1]).__name__)\n")
    out = run([], cwd=script.parent, code=code)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["True", "False", "1", "ProjectRootFinder"]


def test_import_pymonn_creates_no_data_folder(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    out = run([], cwd=empty, code="from pymonn import *\nprint(get_data_folder.__module__)")
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "pymonn.compat.project"
    assert os.listdir(empty) == []


def test_an_installed_module_is_never_shadowed_by_a_project_file(tree):
    root, script = tree
    write(root / "json.py", "raise RuntimeError('project json.py was imported')\n")
    write(root / "Examples_X" / "sub" / "use_json.py",
          "from pymonn import *\n"
          "import json\n"
          f"print(json.dumps({{'a': 1}}), json.__file__.startswith({str(root)!r}))\n")
    out = run([str(script.parent / "use_json.py")], cwd=script.parent)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ['{"a":', '1}', "False"]


def test_a_missing_module_inside_a_project_module_raises_module_not_found(tree):
    root, script = tree
    write(root / "Examples_X" / "broken.py", "import no_such_module_anywhere_42\n")
    write(script.parent / "use_broken.py", "from pymonn import *\nimport Examples_X.broken\n")
    out = run([str(script.parent / "use_broken.py")], cwd=script.parent)
    assert out.returncode == 1
    assert "No module named 'no_such_module_anywhere_42'" in out.stderr
    assert "RecursionError" not in out.stderr


def test_finder_follows_changes_of_the_working_directory(tmp_path, monkeypatch):
    install_project_finder()
    name = "pymonn_projtest_mod_7321"
    for project_name in ("A", "B"):
        (tmp_path / project_name / "Data").mkdir(parents=True)
        (tmp_path / project_name / "work").mkdir()
        write(tmp_path / project_name / f"{name}.py", f"WHO = {project_name!r}\n")
    seen = []
    try:
        for project_name in ("A", "B"):
            monkeypatch.chdir(tmp_path / project_name / "work")
            sys.modules.pop(name, None)
            module = __import__(name)
            seen.append(module.WHO)
    finally:
        sys.modules.pop(name, None)
    assert seen == ["A", "B"]


def test_finder_answers_none_outside_a_project_and_for_submodules(tmp_path, monkeypatch):
    finder = ProjectRootFinder()
    monkeypatch.chdir(tmp_path)
    assert finder.find_spec("no_such_module_anywhere_42") is None
    assert finder.find_spec("Examples_X.pkg", path=[str(tmp_path)]) is None  # submodules: the package's __path__


def test_install_is_idempotent_and_the_finder_comes_after_the_standard_ones():
    first = install_project_finder()
    assert install_project_finder() is first
    assert [f for f in sys.meta_path if isinstance(f, ProjectRootFinder)] == [first]
    assert sys.meta_path.index(first) > sys.meta_path.index(importlib.machinery.PathFinder)


class _LateFinder(importlib.abc.MetaPathFinder):
    """A finder appended after pymonn's (as six does) that provides one module."""

    def __init__(self, name):
        self.name = name

    def find_spec(self, fullname, path=None, target=None):
        if fullname != self.name:
            return None
        loader = _ValueLoader()
        return importlib.util.spec_from_loader(fullname, loader)


class _ValueLoader(importlib.abc.Loader):
    def create_module(self, spec):
        return None

    def exec_module(self, module):
        module.WHO = "late finder"


def test_a_finder_appended_later_keeps_its_modules(tmp_path, monkeypatch):
    install_project_finder()
    name = "pymonn_projtest_late_5813"
    (tmp_path / "Data").mkdir()
    write(tmp_path / f"{name}.py", "WHO = 'project file'\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "meta_path", [*sys.meta_path, _LateFinder(name)])
    try:
        assert __import__(name).WHO == "late finder"
    finally:
        sys.modules.pop(name, None)
    monkeypatch.setattr(sys, "meta_path", sys.meta_path[:-1])
    try:
        assert __import__(name).WHO == "project file"
    finally:
        sys.modules.pop(name, None)


def test_upward_search_stops_at_the_filesystem_root(tmp_path, monkeypatch):
    start = tmp_path / "a" / "b" / "c"
    start.mkdir(parents=True)
    asked = []
    monkeypatch.setattr(project.os.path, "isdir", lambda p: asked.append(p) or False)
    assert project._nearest_root(str(start)) is None
    depth = len([p for p in str(start).split(os.sep) if p])
    assert len(asked) == depth + 1  # every ancestor once, the filesystem root included, then stop
    assert asked[-1] == os.path.join(os.path.abspath(os.sep), "Data")


# -- get_data_folder / get_root_folder / add_project_root_path -------------------------------------
def test_get_data_folder_finds_the_nearest_data_above_the_cwd(tmp_path, monkeypatch):
    (tmp_path / "P" / "Data").mkdir(parents=True)
    (tmp_path / "P" / "inner" / "Data").mkdir(parents=True)
    (tmp_path / "P" / "x" / "y").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "P" / "x" / "y")
    assert get_data_folder() == (tmp_path / "P" / "Data").as_posix()
    assert get_root_folder() == (tmp_path / "P").as_posix()
    monkeypatch.chdir(tmp_path / "P" / "inner")
    assert get_data_folder() == (tmp_path / "P" / "inner" / "Data").as_posix()
    monkeypatch.chdir(tmp_path / "P")
    assert get_data_folder() == (tmp_path / "P" / "Data").as_posix()
    assert os.path.isabs(get_data_folder()) and "\\" not in get_data_folder()


@pytest.fixture
def no_project_above(tmp_path, monkeypatch):
    """Pretend nothing above tmp_path holds Data/ (a machine may have one, e.g. /tmp/Data)."""
    real = project._nearest_root

    def bounded(start):
        found = real(start)
        return found if found is not None and found.startswith(str(tmp_path)) else None

    monkeypatch.setattr(project, "_nearest_root", bounded)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_get_data_folder_creates_the_default_when_none_is_found(no_project_above):
    assert not (no_project_above / "Data").exists()
    assert get_data_folder() == (no_project_above / "Data").as_posix()
    assert (no_project_above / "Data").is_dir()
    assert get_root_folder() == no_project_above.as_posix()


def test_get_data_folder_without_creating(no_project_above):
    assert get_data_folder(create_when_not_found=False) == (no_project_above / "Data").as_posix()
    assert not (no_project_above / "Data").exists()
    assert get_root_folder() == no_project_above.as_posix()  # PymoNNto's './', written absolutely


def test_get_data_folder_custom_default_is_relative_to_the_cwd(no_project_above):
    assert get_data_folder(default="Results/runs") == (no_project_above / "Results" / "runs").as_posix()
    assert (no_project_above / "Results" / "runs").is_dir()


def test_get_data_folder_default_none_is_a_named_error(no_project_above):
    with pytest.raises(ConfigurationError, match="no 'Data' folder.*default=None"):
        get_data_folder(default=None)


def test_add_project_root_path_appends_the_root(tmp_path, monkeypatch):
    (tmp_path / "P" / "Data").mkdir(parents=True)
    (tmp_path / "P" / "s").mkdir()
    monkeypatch.chdir(tmp_path / "P" / "s")
    monkeypatch.setattr(sys, "path", list(sys.path))
    root = add_project_root_path()
    assert root == (tmp_path / "P").as_posix()
    assert sys.path[-1] == root
    add_project_root_path()
    assert sys.path.count(root) == 1


def test_add_project_root_path_drops_the_outer_project_of_a_clone(tmp_path, monkeypatch):
    outer = tmp_path / "Outer"
    clone = outer / "Data" / "Evolution_Project_Clones" / "run1"
    (clone / "Data").mkdir(parents=True)
    monkeypatch.chdir(clone)
    monkeypatch.setattr(sys, "path", [*sys.path, outer.as_posix()])
    root = add_project_root_path()
    assert root == clone.as_posix()
    assert root in sys.path and outer.as_posix() not in sys.path
