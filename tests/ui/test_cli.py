"""``python -m pymonn.ui script.py``: which network opens (rules 1-5 of pymonn.ui.__main__), the
examples open that way, and ``explore(net)`` blocks until its window closes every time it is called."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from pymonn.ui.__main__ import network_of
from PyQt5 import QtGui

ROOT = Path(__file__).resolve().parents[2]

NETWORK = """
from pymonn import Network, NeuronGroup
def make(size=3):
    net = Network(dt=0.5, seed=1)
    NeuronGroup(net, size, tag="g")
    return net
"""


def script(tmp_path, body: str) -> tuple[Path, dict]:
    path = tmp_path / "script.py"
    path.write_text(textwrap.dedent(NETWORK) + textwrap.dedent(body))
    import runpy

    return path, runpy.run_path(str(path), run_name="__pymonn_ui__")


def test_rule_build_option_names_the_function(tmp_path):
    path, ns = script(tmp_path, "def other():\n    return make(7)\n")
    net, problem = network_of(path, ns, "other", [])
    assert problem is None and net.NeuronGroups[0].size == 7
    net, problem = network_of(path, ns, "missing", [])
    assert net is None and "no function 'missing' (--build)" in problem
    net, problem = network_of(path, ns, "make", [])
    assert net.NeuronGroups[0].size == 3


def test_rule_global_net_then_build(tmp_path):
    path, ns = script(tmp_path, "net = make(4)\ndef build():\n    return make(5)\n")
    assert network_of(path, ns, None, [])[0] is ns["net"]
    path, ns = script(tmp_path, "def build(size=5):\n    return make(size)\n")
    assert network_of(path, ns, None, [])[0].NeuronGroups[0].size == 5


def test_rule_main_opens_the_first_network_it_simulates_before_its_first_step(tmp_path):
    marker = tmp_path / "ran_past_the_simulation"
    path, ns = script(tmp_path, f"""
        import sys
        def build(size):                     # needs an argument: not rule 4
            return make(size)
        def main(argv):
            net = build(int(argv[0]))
            net.initialize()
            net.simulate_iterations(100)
            open({str(marker)!r}, "w").write("the rest of main ran")
        if __name__ == "__main__":
            main(sys.argv[1:])
        """)
    net, problem = network_of(path, ns, None, ["6"])
    assert problem is None and net.NeuronGroups[0].size == 6
    assert net.iteration == 0 and not marker.exists()
    from pymonn import Network

    assert Network.simulate_iterations.__name__ == "simulate_iterations"  # the capture is undone


def test_no_network_says_what_to_do(tmp_path):
    path, ns = script(tmp_path, "x = 1\n")
    net, problem = network_of(path, ns, None, [])
    assert net is None and "name it 'net', give it a build() function or name one with --build" in problem


def run_cli(tmp_path, example: str, *args: str) -> tuple[subprocess.CompletedProcess, Path]:
    out = tmp_path / f"{example}.png"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYMONN_UI_SETTINGS=str(tmp_path / "s.ini"))
    cmd = [sys.executable, "-m", "pymonn.ui", str(ROOT / "examples" / f"{example}.py"), "--screenshot", str(out),
           "--steps", "10", "--size", "1280x720", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=300, cwd=tmp_path, env=env), out


@pytest.mark.parametrize(("example", "args", "title"), [
    ("cuba", ("--", "--size", "400"), "400 neurons"),  # rule 5: main() builds, with the arguments after --
    ("dynamic_random_network", (), "Network"),  # rule 5: build(rule) needs an argument
    ("stdp_song", (), "Network"),  # rule 4: build() with its defaults
    ("pymonnto_izhikevich", (), "Network"),  # rule 3: its global net; the README's screenshot at 1280 x 720
])
def test_examples_open_from_the_command_line(tmp_path, example, args, title):
    proc, out = run_cli(tmp_path, example, *args)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "10 steps, screenshot written" in proc.stdout
    image = QtGui.QImage(str(out))
    assert (image.width(), image.height()) == (1280, 720)
    assert not list(tmp_path.glob("*raster*.png")), "the example's own main did not go on to plot"


def test_cuba_opens_the_network_its_main_builds(tmp_path):
    code = textwrap.dedent(f"""
        import sys
        from pathlib import Path
        from pymonn.ui.__main__ import network_of
        script = Path({str(ROOT / 'examples' / 'cuba.py')!r})
        sys.path.insert(0, str(script.parent))
        net, problem = network_of(script, {{}}, None, ["--size", "400"])
        print(sum(g.size for g in net.NeuronGroups), net.iteration, net.dt)
        """)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.split() == ["400", "0", "0.1"]


def test_explore_blocks_until_its_window_closes_every_time(tmp_path):
    code = textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(ROOT / 'tests' / 'ui')!r})
        from ui_helpers import small_network
        from pymonn.ui import Explorer, explore
        from pymonn.ui._qt import QtCore, QtWidgets, ensure_app
        log = []
        def close_it(k):
            shown = [w for w in QtWidgets.QApplication.topLevelWidgets() if isinstance(w, Explorer) and w.isVisible()]
            log.append(f"close {{k}} ({{len(shown)}} open)")
            for w in shown:
                w.close()
        for k in range(3):
            ensure_app()
            QtCore.QTimer.singleShot(400, lambda k=k: close_it(k))
            win = explore(small_network(), restore_layout=False, save_layout=False)
            log.append(f"returned {{k}} closed={{win._closed}}")
        print(";".join(log))
        """)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=env)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.strip().split(";") == [
        "close 0 (1 open)", "returned 0 closed=True", "close 1 (1 open)", "returned 1 closed=True",
        "close 2 (1 open)", "returned 2 closed=True"]
