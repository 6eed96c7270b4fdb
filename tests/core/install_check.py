"""Install pymonn three ways into fresh virtual environments and import it from two folders.

``python3 tests/core/install_check.py`` prints one row per combination and exits 1 when one fails;
``tests/core/test_packaging.py::test_six_install_combinations`` (``-m slow``) runs it.

The three installs: ``pip install .`` (plain), ``pip install -e .`` (editable) and a wheel built
with ``pip wheel``; each into its own ``venv --without-pip`` whose only link to this interpreter is
a ``.pth`` file naming its site-packages (so numpy, numba, setuptools and PyQt5 need no download,
and the ``.pth`` files there, such as an editable pymonn of the developer, are not run). Each is
imported from the root of a copy of the source tree (where ``pymonn/`` shadows the installed
package) and from an empty folder: ``pymonn.behaviours`` and ``pymonn.ui`` must import, from the
same tree as ``pymonn``, and ``python -m pymonn.ui --help`` must exit 0.
"""

from __future__ import annotations

import json
import os
import pathlib
import shutil
import subprocess
import sys
import sysconfig
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[2]
PROBE = ("import json, pathlib, pymonn, pymonn.behaviours, pymonn.ui, pymonn.behaviours.neurons\n"
         "print(json.dumps({m.__name__: str(pathlib.Path(m.__file__).resolve()) for m in "
         "(pymonn, pymonn.behaviours, pymonn.ui, pymonn.behaviours.neurons)}))\n")


def run(cmd: list[str], cwd: pathlib.Path, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


def copy_tree(dest: pathlib.Path) -> None:
    """Copy the files git knows (tracked and untracked, not ignored) into ``dest``."""
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT,
                            capture_output=True, text=True, check=True).stdout.split("\0")
    for name in filter(None, listed):
        src = ROOT / name
        if src.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / name)


def make_venv(where: pathlib.Path) -> pathlib.Path:
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(where)], check=True)
    python = where / "bin" / "python"
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    pathlib.Path(site, "_host_site_packages.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return python


def check(work: pathlib.Path) -> list[dict]:
    src, elsewhere, dist = work / "src", work / "elsewhere", work / "dist"
    for folder in (src, elsewhere, dist):
        folder.mkdir()
    copy_tree(src)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP")}
    env.update(PYTHONNOUSERSITE="1", PIP_DISABLE_PIP_VERSION_CHECK="1", QT_QPA_PLATFORM="offscreen")
    pip = [sys.executable, "-m", "pip"]
    out = run(pip + ["wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(dist), str(src)], work, env)
    if out.returncode:
        raise RuntimeError(f"pip wheel failed:\n{out.stderr}")
    wheel = next(dist.glob("pymonn-*.whl"))
    installs = {"plain": [str(src)], "editable": ["-e", str(src)], "wheel": [str(wheel)]}
    rows = []
    for kind, args in installs.items():
        python = make_venv(work / f"venv-{kind}")
        out = run(pip + ["--python", str(python), "install", "--no-deps", "--no-build-isolation", "-q", *args],
                  work, env)
        if out.returncode:
            raise RuntimeError(f"pip install ({kind}) failed:\n{out.stderr}")
        for place, cwd in (("root", src), ("elsewhere", elsewhere)):
            probe = run([str(python), "-c", PROBE], cwd, env)
            cli = run([str(python), "-m", "pymonn.ui", "--help"], cwd, env)
            files = json.loads(probe.stdout) if probe.returncode == 0 else {}
            core = pathlib.Path(files.get("pymonn", "/")).parent.parent
            same_tree = bool(files) and all(pathlib.Path(f).is_relative_to(core) for f in files.values())
            rows.append({"install": kind, "from": place, "imports": probe.returncode == 0,
                         "same_tree": same_tree, "ui_help": cli.returncode == 0 and "usage" in cli.stdout,
                         "pymonn": files.get("pymonn", probe.stderr.strip().splitlines()[-1:]),
                         "behaviours": files.get("pymonn.behaviours")})
    return rows


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="pymonn-install-") as tmp:
        rows = check(pathlib.Path(tmp))
    for row in rows:
        print(f"{row['install']:9s} from {row['from']:9s}  imports={row['imports']!s:5s} same_tree={row['same_tree']!s:5s}"
              f" ui_help={row['ui_help']!s:5s}  pymonn={row['pymonn']}  behaviours={row['behaviours']}")
    return 0 if all(r["imports"] and r["same_tree"] and r["ui_help"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
