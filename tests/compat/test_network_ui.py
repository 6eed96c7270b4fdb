"""PymoNNto's UI API (Network_UI, get_default_UI_modules, TabBase) over pymonn's explorer.

The scripts in ``ui_scripts/`` are written in PymoNNto's spelling and end with
``Network_UI(...).show()``. In-process tests run them with every ``Explorer.show()`` intercepted
(the window is taken before it shows or runs), then drive the window with QTest offscreen; the
command-line tests run ``python -m pymonn.ui SCRIPT`` in a subprocess.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import runpy  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from pymonn import Behaviour, Network, NeuronGroup, Recorder  # noqa: E402
from pymonn.compat.network_ui import (  # noqa: E402
    Network_UI,
    TabBase,
    UIModule,
    get_default_UI_modules,
    get_modules_dict,
    multi_group_plot_tab,
    weight_tab,
)
from pymonn.errors import ConfigurationError, ConfigurationTypeError  # noqa: E402

pytest.importorskip("PyQt5.QtWidgets", reason="the explorer needs PyQt5 (pip install 'pymonn[ui]')")
pytest.importorskip("pyqtgraph", reason="the explorer needs pyqtgraph (pip install 'pymonn[ui]')")
pytest.importorskip("pytestqt", reason="the explorer's tests need pytest-qt (pip install 'pymonn[test]')")

pytestmark = pytest.mark.gui
SCRIPTS = Path(__file__).with_name("ui_scripts")

# PymoNNto 3.0.6's get_default_UI_modules(), class by class (Exploration/Network_UI/Basic_Tabs/__init__.py)
PYMONNTO_DEFAULT_MODULES = [
    "UI_sidebar_network_selector", "multi_group_plot_tab", "spiketrain_tab", "weight_tab", "partition_tab", "PCA_tab",
    "isi_tab", "hist_tab", "single_group_plot_tab", "stability_tab", "fourier_tab", "Analysis_Module_tab", "info_tab",
    "sidebar_fast_forward_module", "sidebar_save_load_module", "code_execution_tab", "classifier_bar_tab",
    "event_tab", "sidebar_module_quick_access"]


class Ramp(Behaviour):
    """v rises by 1 per step; fired when v is a multiple of 5 (exact numbers for the tests)."""

    def initialize(self, n):
        n.v = n.vector(0.0) + np.arange(n.size)
        n.fired = n.vector(bool)

    def iteration(self, n):
        n.v += 1.0
        n.fired = (n.v % 5) == 0


def ramp_network(groups: int = 1) -> Network:
    net = Network(seed=0)
    for k in range(groups):
        NeuronGroup(net, 9, {1: Ramp(), 9: Recorder(["v"], tag="rec")}, tag=f"g{k}")
    net.initialize()
    return net


# -- no Qt, descriptions, arguments ---------------------------------------------------------------------
def test_building_a_network_ui_loads_no_qt():
    code = (
        "import sys\n"
        "from pymonn import *\n"
        "from pymonn.compat.network_ui import *\n"
        "class B(Behaviour):\n"
        "    def initialize(self, n): n.v = n.vector()\n"
        "    def iteration(self, n): n.v += 1\n"
        "net = Network(); NeuronGroup(net, 4, {1: B()}, tag='g'); net.initialize()\n"
        "ui = Network_UI(net, modules=get_default_UI_modules(['v'], ['W']), label='x', group_display_count=1)\n"
        "heavy = [m for m in ('PyQt5', 'pyqtgraph', 'pymonn.ui', 'matplotlib') if m in sys.modules]\n"
        "print(','.join(heavy) or 'none', net.iteration, len(ui.modules), ui.title)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert out.stdout.split() == ["none", "1", "19", "x"]


def test_default_modules_are_pymonntos_nineteen_described_in_plain_python():
    modules = get_default_UI_modules(["fired", "v", "u"], ["W", "W_stable"])
    assert [type(m).__name__ for m in modules] == PYMONNTO_DEFAULT_MODULES
    assert all(isinstance(m, UIModule) for m in modules)
    by_name = {type(m).__name__: m for m in modules}
    assert by_name["multi_group_plot_tab"].neuron_variables == ["fired", "v", "u"]
    assert by_name["UI_sidebar_network_selector"].neuron_variables == ["fired"]
    assert by_name["weight_tab"].synapse_variables == ["W", "W_stable"]
    assert by_name["hist_tab"].synapse_variables == ["W"]
    panels = {name: m.panel for name, m in by_name.items() if m.panel}
    assert panels == {"UI_sidebar_network_selector": "GridPanel", "multi_group_plot_tab": "TracesPanel",
                      "single_group_plot_tab": "TracesPanel", "spiketrain_tab": "RasterPanel",
                      "isi_tab": "StatisticsPanel", "fourier_tab": "SpectrumPanel", "weight_tab": "WeightsPanel",
                      "hist_tab": "WeightsPanel", "info_tab": "InspectorPanel", "code_execution_tab": "ConsolePanel",
                      "event_tab": "EventsPanel"}
    unsupported = sorted(name for name, m in by_name.items() if not m.supported)
    assert unsupported == ["Analysis_Module_tab", "PCA_tab", "classifier_bar_tab", "partition_tab",
                           "sidebar_save_load_module", "stability_tab"]
    assert all(by_name[n].unsupported for n in unsupported)  # each says why
    assert "toolbar" in by_name["sidebar_fast_forward_module"].describe()
    # PymoNNto's plot-tab spelling: 'a|b' groups two variables in one plot, numbers are constant lines
    assert multi_group_plot_tab(["v|0.5", "u"]).neuron_variables == ["v", "u"]
    assert weight_tab("Weights", ["W"]).title == "Weights"  # positional arguments in PymoNNto's order
    assert list(get_modules_dict(modules[:2], {1: modules[2]})) == [type(m) for m in modules[:3]]


@pytest.mark.parametrize("args, message", [
    (("v", ["W"]), "neuron_parameters must be a list of variable names"),
    (([], ["W"]), "at least one name"),
    ((["v"], [3]), "synapse_parameters must be a list of variable names"),
])
def test_default_modules_reject_bad_variable_lists(args, message):
    with pytest.raises((ConfigurationError, ConfigurationTypeError), match=message):
        get_default_UI_modules(*args)


@pytest.mark.parametrize("kwargs, error, message", [
    ({"network": "not a network"}, ConfigurationTypeError, "network must be a pymonn Network"),
    ({"group_display_count": 0}, ConfigurationError, "group_display_count must be a positive int"),
    ({"modules": [object()]}, ConfigurationTypeError, "is not a UI module"),
    ({"group_tags": ["nope"]}, ConfigurationError, "no neuron group has the tag 'nope'"),
    ({"group_tags": "g0"}, ConfigurationTypeError, "group_tags must be a list"),
    ({"title": 5}, ConfigurationTypeError, "title must be a str"),
])
def test_network_ui_rejects_bad_arguments_by_name(kwargs, error, message):
    args = {"network": ramp_network(), **kwargs}
    with pytest.raises(error, match=message):
        Network_UI(**args)


def test_building_steps_once_and_clears_the_recorders_as_pymonnto_does():
    net = ramp_network(groups=3)
    net.simulate_iterations(25, progress=False)
    assert len(net["rec", 0]["v"]) == 25
    ui = Network_UI(net, modules=get_default_UI_modules(["fired", "v"], ["W"]), title="T", label="L",
                    group_tags=["g1", "g2"], group_display_count=1)
    assert net.iteration == 26  # PymoNNto's network.simulate_iteration() when the UI is built ...
    assert [len(net["rec", k]["v"]) for k in range(3)] == [0, 0, 0]  # ... and clear_recorder()
    assert ui.title == "L"  # label wins, as in PymoNNto
    assert [g.tags[0] for g in ui.groups] == ["g1"]  # group_tags, then group_display_count
    assert ui.group_display_count == 1 and ui.tabs == []


# -- windows opened by the PymoNNto-style scripts ------------------------------------------------------
class _Stop(BaseException):
    pass


@pytest.fixture
def open_script(qtbot, tmp_path, monkeypatch):
    """Run a ui_scripts/ script up to its show(); returns the window it would have shown (now shown)."""
    monkeypatch.setenv("PYMONN_UI_SETTINGS", str(tmp_path / "explorer.ini"))
    from pymonn.ui.__main__ import windows_shown
    from PyQt5 import QtWidgets

    opened = []

    def take(window):
        opened.append(window)
        raise _Stop

    def run(name: str):
        with windows_shown(take):
            with pytest.raises(_Stop):
                runpy.run_path(str(SCRIPTS / name), run_name="__pymonn_ui__")
        window = opened[-1]
        qtbot.addWidget(window)
        window.resize(1400, 900)
        window.apply_default_layout()
        QtWidgets.QMainWindow.show(window)
        qtbot.waitExposed(window)
        return window

    yield run
    for window in opened:
        window.close()


def dock_tab(window, title: str):
    """The (tab bar, index) of the dock tab labelled ``title``."""
    from PyQt5 import QtWidgets

    for bar in window.findChildren(QtWidgets.QTabBar):
        if not bar.isVisible():  # Qt keeps the bars of earlier layouts, hidden
            continue
        for i in range(bar.count()):
            if bar.tabText(i) == title:
                return bar, i
    raise AssertionError(f"no dock tab {title!r}")


def click_dock_tab(qtbot, window, title: str) -> None:
    from PyQt5.QtCore import Qt

    bar, i = dock_tab(window, title)
    qtbot.mouseClick(bar, Qt.LeftButton, pos=bar.tabRect(i).center())
    qtbot.wait(20)


def test_basic_script_panels_variables_and_custom_tab(open_script, qtbot):
    from pymonn.ui.panels.grid import ACTIVITY

    window = open_script("basic_tab.py")
    net = window.net
    neurons = net["my_neurons", 0]
    rec = net["my_recorder", 0]
    assert window.windowTitle() == "My_Network_UI"
    assert [p.name for p in window.panels] == [
        "tab:MeanVoltageTab", "GridPanel", "TracesPanel", "RasterPanel", "WeightsPanel", "StatisticsPanel",
        "SpectrumPanel", "InspectorPanel", "ConsolePanel", "EventsPanel", "LogPanel"]
    assert window.spike_variable == "spike" and neurons.spike.dtype == np.float64  # a float 0/1 'spike'
    assert net.iteration == 31 and len(rec["voltage"]) == 0  # 30 steps, 1 when built, recorders cleared

    window.step_frame(120)
    tab = window.panel("tab:MeanVoltageTab")
    x, y = tab.module.curve.getData()
    np.testing.assert_array_equal(x, np.arange(32, 152))  # the UI's 'iteration' ring
    # the script's own recorder of np.mean(voltage) (found first, as in PymoNNto) matches the ring
    np.testing.assert_allclose(y, rec["voltage"].mean(axis=1), rtol=1e-12)
    assert y[-1] == pytest.approx(np.mean(neurons.voltage), rel=1e-12)  # the network's state now

    traces = window.panel("TracesPanel")
    assert [traces.combo.itemText(i) for i in range(traces.combo.count())] == ["voltage", "spike"]
    assert traces.variable == "voltage"
    tx, ty = traces.curves[0].getData()
    np.testing.assert_allclose(ty, rec["voltage"][:, 0])  # neuron 0, selected by default
    grid = window.panel("GridPanel")
    assert [grid.combo.itemText(i) for i in range(grid.combo.count())] == [ACTIVITY, "voltage", "spike"]
    assert grid.variable == "voltage"
    np.testing.assert_allclose(grid.last[id(neurons)], grid.image_of(neurons, neurons.voltage))
    raster = window.panel("RasterPanel")
    t, i = raster.spikes(neurons)
    steps, idx = np.nonzero(rec["spike"])
    assert len(i) == len(idx) > 50
    np.testing.assert_allclose(t, rec.t[steps])
    np.testing.assert_array_equal(i, idx)
    weights = window.panel("WeightsPanel")
    assert [(sg.tags[0], name) for sg, name in weights.choices] == [("GLUTAMATE", "W")]
    np.testing.assert_allclose(weights.last["weights.matrix"], net.SynapseGroups[0].W)

    # the tab is a dock the user raises by clicking; hidden, its update leaves the curve alone
    assert tab.module.page.isVisible()
    click_dock_tab(qtbot, window, "Raster")
    assert not tab.module.page.isVisible() and window.panel_shown(raster)
    updates = tab.module.updates
    window.step_frame(10)
    assert tab.module.updates == updates and len(tab.module.curve.getData()[0]) == 120
    click_dock_tab(qtbot, window, "mean voltage")
    assert tab.module.page.isVisible()
    window.step_frame(5)
    x, y = tab.module.curve.getData()
    assert x[-1] == net.iteration == 166 and len(x) == 135
    assert y[-1] == pytest.approx(np.mean(neurons.voltage), rel=1e-12)


def test_hopfield_script_traces_a_scalar_energy_and_has_no_raster(open_script, qtbot):
    window = open_script("hopfield_style.py")
    net = window.net
    group = net.NeuronGroups[0]
    rec = net["my_recorder", 0]
    assert window.windowTitle() == "Hopfield"
    assert [p.name for p in window.panels] == ["GridPanel", "TracesPanel", "WeightsPanel", "InspectorPanel",
                                               "ConsolePanel", "EventsPanel", "LogPanel"]
    assert any("none of ['v', 'energy'] holds spikes" in m for m in window.messages)
    traces = window.panel("TracesPanel")
    assert [traces.combo.itemText(i) for i in range(traces.combo.count())] == ["v", "energy"]
    assert traces.variable == "v"
    traces.combo.setFocus()
    qtbot.keyClicks(traces.combo, "energy")  # the user picks 'energy' in the menu
    assert traces.variable == "energy"
    window.step_frame(40)
    _, energy = traces.mean_curve.getData()
    np.testing.assert_allclose(energy, rec["energy"], rtol=1e-12)  # one value per step, the group's
    assert energy[-1] == pytest.approx(group.energy) and energy.min() < -5.0  # the patterns are found
    assert not any(c.isVisible() for c in traces.curves)  # no per-neuron lines for a scalar
    assert window.panel("GridPanel").variable == "v"


def test_izhikevich_script_shows_only_the_first_group_and_its_spikes(open_script):
    from pymonn.ui.panels.grid import ACTIVITY

    window = open_script("izhikevich_style.py")
    exc, inh = window.net.NeuronGroups
    assert window.groups == [exc] and window.spike_variable == "fired"
    window.step_frame(200)
    raster = window.panel("RasterPanel")
    assert list(raster.rasters) == [id(exc)]  # group_display_count=1
    rec = exc["spikes", 0]
    t, i = raster.spikes(exc)
    assert len(t) == len(rec["fired.t"]) > 100
    np.testing.assert_allclose(t, rec["fired.t"])
    np.testing.assert_array_equal(i, rec["fired.i"])
    grid = window.panel("GridPanel")
    assert grid.variable == ACTIVITY and list(grid.layouts) == [id(exc)]  # 'fired' first: spike counts
    traces = window.panel("TracesPanel")
    assert [traces.combo.itemText(k) for k in range(traces.combo.count())] == ["fired", "v", "u"]
    assert traces.variable == "v"
    assert len(window.panel("WeightsPanel").choices) == 4


# -- the TabBase adapter ------------------------------------------------------------------------------
class ProbeTab(TabBase):
    """Uses the adapter's API and records what it saw."""

    def __init__(self):
        super().__init__("probe")
        self.selected = []

    def add_recorder_variables(self, neuron_group, Network_UI):  # noqa: N803
        Network_UI.add_recording_variable(neuron_group, "v", timesteps=30)

    def initialize(self, Network_UI):  # noqa: N803
        from PyQt5 import QtWidgets

        self.page = Network_UI.Next_Tab(self.title)
        self.pair = Network_UI.Add_plot_curve(number_of_curves=2, names=["a", "b"], legend=True)
        self.curves, self.plot = Network_UI.Add_plot_curve(return_plot=True, title="plot")
        Network_UI.Next_H_Block()
        self.label = Network_UI.Add_element(QtWidgets.QLabel("hello"))
        self.second = Network_UI.Next_Tab("second page")
        self.count = Network_UI.group_display_count

    def update(self, Network_UI):  # noqa: N803
        v = Network_UI.network["v", 0, "np"]  # the script's own recorder 'rec' is found first
        self.curves.setData(Network_UI.network["iteration", 0, "np"][-len(v):], v[:, 3])
        self.pair[1].setData([0, 1], [2, 3])

    def on_selected_neuron_changed(self, Network_UI):  # noqa: N803
        self.selected.append((Network_UI.selected_neuron_group().tags[0], Network_UI.selected_neuron_id(),
                              list(Network_UI.selected_neuron_ids()), Network_UI.selected_neuron_mask().sum()))


class SidebarTab(TabBase):
    def initialize(self, Network_UI):  # noqa: N803
        Network_UI.sidebar.add_widget(None)


class OffersTab(Behaviour):
    """A behaviour offering a tab through PymoNNto's Behavior.get_UI_Tabs()."""

    def initialize(self, n):
        n.w = n.vector(1.0)

    def get_UI_Tabs(self):  # noqa: N802
        return [TabBase("offered by a behaviour")]


def test_tab_adapter_pages_curves_selection_and_errors(qtbot, tmp_path, monkeypatch):
    from PyQt5 import QtWidgets
    from PyQt5.QtCore import QPointF, Qt

    monkeypatch.setenv("PYMONN_UI_SETTINGS", str(tmp_path / "explorer.ini"))
    net = ramp_network(groups=2)
    net.NeuronGroups[0].add_behavior(5, OffersTab())
    probe = ProbeTab()
    ui = Network_UI(net, modules=[probe, SidebarTab("sidebar")] + get_default_UI_modules(["fired", "v"], ["W"]),
                    label="probe UI")
    window = ui.explorer
    qtbot.addWidget(window)
    window.resize(1400, 900)
    window.show()
    qtbot.waitExposed(window)
    try:
        names = [p.name for p in window.panels]
        assert names[:3] == ["tab:ProbeTab", "tab:SidebarTab", "GridPanel"]
        assert "tab:TabBase" in names  # the behaviour's tab
        assert window.dock_of(window.panel("tab:SidebarTab")).failed
        assert "sidebar has no counterpart" in window.dock_of(window.panel("tab:SidebarTab")).error_text()
        panel = window.panel("tab:ProbeTab")
        assert isinstance(panel.widget, QtWidgets.QTabWidget) and panel.widget.count() == 2  # two Next_Tab pages
        assert probe.count == 2 and probe.label.text() == "hello" and probe.label.isVisible()
        with pytest.raises(AttributeError, match="2 curves"):
            probe.pair.setData([0], [1])
        window.step_frame(12)
        x, y = probe.curves.getData()  # one curve: the list passes setData on to it
        np.testing.assert_array_equal(x, np.arange(2, 14))  # step 1 ran when the UI was built
        np.testing.assert_array_equal(y, 3.0 + x)  # v of neuron 3 is 3 + iteration
        np.testing.assert_array_equal(probe.pair[1].getData()[1], [2, 3])
        assert window.recordings.has_trace(net.NeuronGroups[1], "iteration")

        # a click on neuron 4 of the second group's grid: the tab hears of it
        grid = window.panel("GridPanel")
        g1 = net.NeuronGroups[1]
        rows, cols, *_ = grid.layouts[id(g1)]
        view = grid.views[id(g1)]
        scene = view.mapViewToScene(QPointF(cols[4] + 0.5, rows[4] + 0.5))
        pos = grid.glw.mapFromScene(scene)
        window.dock_of(grid).raise_()
        qtbot.mouseClick(grid.glw.viewport(), Qt.LeftButton, pos=pos)
        assert probe.selected[-1] == ("g1", 4, [4], 1)
        host = window.pymonnto_host
        host.select_neurons(g1, np.arange(9) % 2 == 0, add_to_select_group=False)
        assert probe.selected[-1] == ("g1", 0, [0, 2, 4, 6, 8], 5)
        assert host.pause is True
        host.pause = False
        assert window.running
        host.pause = True
        assert not window.running
    finally:
        window.close()


# -- the command line ---------------------------------------------------------------------------------
def run_cli(args: list[str], tmp_path: Path, timeout: float = 120) -> subprocess.CompletedProcess:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYMONN_UI_SETTINGS=str(tmp_path / "explorer.ini"),
               PYMONN_TEST_ITERATION_FILE=str(tmp_path / "iteration.txt"))
    return subprocess.run([sys.executable, "-m", "pymonn.ui", *args], capture_output=True, text=True,
                          timeout=timeout, env=env, cwd=str(tmp_path))


def png_pixels(path: Path) -> np.ndarray:
    from PyQt5 import QtGui

    image = QtGui.QImage(str(path)).convertToFormat(QtGui.QImage.Format_RGB32)
    assert not image.isNull()
    ptr = image.constBits()
    ptr.setsize(image.sizeInBytes())
    rows = np.frombuffer(ptr, np.uint32).reshape(image.height(), image.bytesPerLine() // 4)
    return rows[:, : image.width()].copy()  # a copy: the QImage's memory goes with it


@pytest.mark.parametrize("script, iterations", [
    ("basic_tab.py", 30 + 1 + 50),  # 30 in the script, 1 when Network_UI is built, 50 in the window
    ("explore_style.py", 50),
])
def test_cli_captures_the_window_a_script_opens(tmp_path, script, iterations):
    out = tmp_path / "shot.png"
    proc = run_cli([str(SCRIPTS / script), "--screenshot", str(out), "--steps", "50", "--size", "1200x800"],
                   tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "pymonn.ui: 50 steps, screenshot written to" in proc.stdout
    assert "the script went on" not in proc.stdout  # the script stopped at its window
    assert int((tmp_path / "iteration.txt").read_text()) == iterations  # written at exit
    pixels = png_pixels(out)
    assert pixels.shape == (800, 1200)
    assert len(np.unique(pixels)) > 50  # drawn panels, not a blank window


def test_cli_failing_simulation_exits_1(tmp_path):
    proc = run_cli([str(SCRIPTS / "failing.py"), "--screenshot", str(tmp_path / "f.png"), "--steps", "50"], tmp_path)
    assert proc.returncode == 1
    assert "broken on purpose" in proc.stderr and (tmp_path / "f.png").stat().st_size > 1000


def test_cli_without_screenshot_opens_the_scripts_window_once(tmp_path):
    proc = run_cli([str(SCRIPTS / "closes_itself.py")], tmp_path, timeout=60)
    assert proc.returncode == 0, proc.stderr
    last = proc.stdout.strip().splitlines()[-1]
    assert last.startswith("show() returned after the window closed, at iteration ")
    assert int(last.rsplit(" ", 1)[1]) > 1  # it ran while open, then the command ended (no second window)


def test_default_output_variable_missing_falls_back_to_what_the_groups_have(qtbot, tmp_path, monkeypatch):
    monkeypatch.setenv("PYMONN_UI_SETTINGS", str(tmp_path / "explorer.ini"))
    ui = Network_UI(ramp_network())  # PymoNNto's defaults name 'output', which this network lacks
    window = ui.explorer
    qtbot.addWidget(window)
    try:
        assert window.spike_variable == "fired"
        assert any("none of the named neuron variables exists" in m for m in window.messages)
        traces = window.panel("TracesPanel")
        assert traces.variable == "v" and [traces.combo.itemText(i) for i in range(traces.combo.count())] == ["v"]
        window.step_frame(10)
        t, i = window.panel("RasterPanel").spikes(ui.groups[0])
        v = ui.groups[0]["rec", 0]["v"]
        steps, idx = np.nonzero(v % 5 == 0)  # fired where v is a multiple of 5
        np.testing.assert_array_equal(i, idx)
        assert len(i) == 18
    finally:
        window.close()
