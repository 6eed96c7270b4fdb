"""Every package folder of the source tree is listed in setup.cfg, so a wheel ships all of it.

An editable install finds a subpackage that setup.cfg forgets (it reads the folder); a wheel does
not, and ``import pymonn`` then fails after a plain ``pip install .``.
"""

import configparser
import pathlib

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
