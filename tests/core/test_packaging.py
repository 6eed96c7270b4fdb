"""Packaging: a wheel ships every package folder, and the library imports from any install.

Every package folder of the source tree is listed in setup.cfg, so a wheel ships all of it.

An editable install finds a subpackage that setup.cfg forgets (it reads the folder); a wheel does
not, and ``import pymonn`` then fails after a plain ``pip install .``.

``pymonn.behaviours`` and ``pymonn.ui`` import from the source tree too (``pymonn/_source_tree.py``);
the slow test installs pymonn three ways and imports it from two folders (``install_check.py``).
"""

import configparser
import json
import pathlib
import subprocess
import sys
import tempfile

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


def test_every_package_folder_is_in_setup_cfg():
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg")
    listed = set(config["options"]["packages"].split())
    folders = {line.split("=")[0].strip(): line.split("=")[1].strip()
               for line in config["options"]["package_dir"].strip().splitlines()}
    found = set()
    for name, folder in folders.items():
        for init in (ROOT / folder).rglob("__init__.py"):
            rel = init.parent.relative_to(ROOT / folder)
            found.add(".".join([name, *rel.parts]))
    assert found - listed == set(), "package folders missing from setup.cfg [options] packages"
    assert listed - found == set(), "setup.cfg lists packages that have no folder"


def probe_from(cwd: pathlib.Path, extra: str = "") -> dict:
    """Import pymonn with only the source tree on sys.path (no editable mapping) and report files."""
    code = (
        "import json, sys\n"
        "sys.meta_path[:] = [f for f in sys.meta_path if 'editable' not in type(f).__name__.lower()]\n"
        f"sys.path.insert(0, {str(ROOT)!r})\n"
        "import pymonn, pymonn.behaviours, pymonn.ui, pymonn.behaviours.neurons\n"
        f"{extra}"
        "names = [getattr(f, '__name__', type(f).__name__) for f in sys.meta_path]\n"
        "print(json.dumps({'files': [m.__file__ for m in (pymonn, pymonn.behaviours, pymonn.ui,"
        " pymonn.behaviours.neurons)], 'names': names,"
        " 'finder': repr(next(f for f in sys.meta_path if type(f).__name__ == 'SourceTreeFinder'))}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_behaviours_and_ui_import_from_the_source_tree_without_an_install(tmp_path):
    # as after a plain `pip install .` run from the repository root: pymonn/ comes from the folder
    for cwd in (ROOT, tmp_path):
        result = probe_from(cwd)
        assert result["files"] == [str(ROOT / "pymonn" / "__init__.py"), str(ROOT / "behaviours" / "__init__.py"),
                                   str(ROOT / "ui" / "__init__.py"),
                                   str(ROOT / "behaviours" / "neurons" / "__init__.py")]
        assert result["finder"] == f"SourceTreeFinder({str(ROOT)!r})"
        # after the path finder (installed packages win), last but for the compat layer's project-root finder
        names = result["names"]
        assert names.index("PathFinder") < names.index("SourceTreeFinder") == len(names) - 2
        assert names[-1] == "ProjectRootFinder"


def test_importing_pymonn_again_installs_one_finder():
    result = probe_from(ROOT, "import importlib; importlib.reload(pymonn); importlib.reload(pymonn._source_tree)\n")
    assert result["names"].count("SourceTreeFinder") == 1


def test_the_finder_maps_exactly_two_names_and_only_in_a_source_tree(tmp_path):
    from pymonn import _source_tree

    finder = _source_tree.SourceTreeFinder(ROOT)
    spec = finder.find_spec("pymonn.behaviours")
    assert spec.origin == str(ROOT / "behaviours" / "__init__.py")
    assert spec.submodule_search_locations == [str(ROOT / "behaviours")]
    assert finder.find_spec("pymonn.ui").origin == str(ROOT / "ui" / "__init__.py")
    for name in ("behaviours", "ui", "pymonn", "pymonn.behavioursx", "pymonn.ui.panels", "pymonn.analysis"):
        assert finder.find_spec(name) is None, name
    # an installed pymonn sits in site-packages, where a folder named ui/ may be someone else's package
    (tmp_path / "ui").mkdir()
    (tmp_path / "ui" / "__init__.py").write_text("")
    assert not _source_tree.is_source_tree(tmp_path)
    assert _source_tree.is_source_tree(ROOT)
    assert _source_tree.SourceTreeFinder(tmp_path / "nothing").find_spec("pymonn.ui") is None


@pytest.mark.slow
def test_six_install_combinations():
    """Plain, editable and wheel installs, each from the tree's root and from another folder (~40 s)."""
    sys.path.insert(0, str(ROOT / "tests" / "core"))
    try:
        import install_check
    finally:
        sys.path.remove(str(ROOT / "tests" / "core"))
    with tempfile.TemporaryDirectory(prefix="pymonn-install-") as tmp:
        rows = install_check.check(pathlib.Path(tmp))
    assert [(r["install"], r["from"]) for r in rows] == [(k, p) for k in ("plain", "editable", "wheel")
                                                         for p in ("root", "elsewhere")]
    failed = [r for r in rows if not (r["imports"] and r["same_tree"] and r["ui_help"])]
    assert failed == []
    # from the root the tree's own pymonn/ wins; from elsewhere the installed package (or the editable tree)
    assert all("/src/" in r["pymonn"] for r in rows if r["from"] == "root")
    assert all("site-packages" in r["behaviours"] for r in rows if r["from"] == "elsewhere" and r["install"] != "editable")
