"""PymoNNto's user interface API (``Network_UI``, ``get_default_UI_modules``, ``TabBase``) over pymonn's explorer.

A PymoNNto script ends with::

    my_UI_modules = get_default_UI_modules(['fired', 'v', 'u'], ['W'])
    Network_UI(My_Network, modules=my_UI_modules, label='My_Network_UI', group_display_count=2).show()

Here :class:`Network_UI` is a plain object: building it loads no Qt, and neither does anything
else in this module. ``show()`` (or the first use of :attr:`Network_UI.explorer`) imports
``pymonn.ui.pymonnto``, which opens pymonn's explorer with panels chosen from the modules.

The modules are plain descriptions (:class:`UIModule` subclasses named as PymoNNto's tabs: they
record which variables the user named and which pymonn panel shows them), or the user's own
:class:`TabBase` subclasses, each of which becomes a panel of its own. PymoNNto modules without a
pymonn counterpart stay in the list (so indexing and filtering work as in PymoNNto), say why in
:attr:`UIModule.unsupported`, and are listed in the explorer's log when the window opens.

See ``docs/pymonnto_ui.md`` for the whole mapping and what does not map.
"""

from __future__ import annotations

import importlib
import numbers
from typing import Any

from ..errors import ConfigurationError, ConfigurationTypeError
from ..network import Network

__all__ = [
    "Network_UI", "TabBase", "UIModule", "get_default_UI_modules", "get_modules_dict",
    "UI_sidebar_network_selector", "UI_sidebar_activity_module", "multi_group_plot_tab", "single_group_plot_tab",
    "spiketrain_tab", "isi_tab", "fourier_tab", "weight_tab", "hist_tab", "info_tab", "code_execution_tab",
    "event_tab", "sidebar_fast_forward_module", "sidebar_module_quick_access", "sidebar_save_load_module",
    "partition_tab", "PCA_tab", "stability_tab", "Analysis_Module_tab", "classifier_bar_tab",
    "individual_weight_tab",
]

#: The module that builds the window; imported by name only when a window is shown, so that this
#: core module never imports pymonn.ui (a test checks that by the source's syntax tree).
UI_MODULE = "pymonn.ui.pymonnto"


def _names(value: Any, who: str, parameter: str) -> list[str]:
    """A list of variable names from a list/tuple of str (a clear error otherwise)."""
    if isinstance(value, (list, tuple)) and all(isinstance(v, str) and v for v in value):
        return list(value)
    raise ConfigurationTypeError(
        f"{who}: {parameter} must be a list of variable names such as ['v', 'fired'], got {value!r}")


def _title(value: Any, who: str) -> str:
    if not isinstance(value, str):
        raise ConfigurationTypeError(f"{who}: title must be a str, got {value!r}")
    return value


class TabBase:
    """Base class of a PymoNNto user-interface tab (no Qt is imported here).

    Subclass it and pass an instance in ``Network_UI(net, modules=[MyTab()] + ...)``: it becomes a
    panel of pymonn's explorer. The methods receive the explorer's adapter as ``Network_UI``; it
    offers ``network``, ``add_recording_variable``, ``Next_Tab`` / ``add_tab``, ``Add_plot_curve``,
    ``Add_plot``, ``Add_element``, ``selected_neuron_group()`` / ``_id()`` / ``_ids()`` / ``_mask()``,
    ``group_display_count`` and ``pause`` (see ``docs/pymonnto_ui.md``).

    Parameters
    ----------
    title : str
        The tab's title (the dock title in pymonn's explorer).
    """

    def __init__(self, title: str = "Title") -> None:
        self.title = title

    def add_recorder_variables(self, neuron_group: Any, Network_UI: Any) -> None:  # noqa: N803 (PymoNNto's name)
        """Ask ``Network_UI.add_recording_variable(neuron_group, expression, timesteps)`` for what the tab reads."""
        return

    def initialize(self, Network_UI: Any) -> None:  # noqa: N803
        """Build the tab: ``Network_UI.Next_Tab(self.title)``, then plots and widgets."""
        return

    def update(self, Network_UI: Any) -> None:  # noqa: N803
        """Redraw (called for every frame the explorer draws while the tab is on screen)."""
        return

    def on_selected_neuron_changed(self, Network_UI: Any) -> None:  # noqa: N803
        """The selected neuron(s) changed."""
        return


def _is_tab(module: Any) -> bool:
    """A TabBase subclass or anything shaped like one (PymoNNto's duck typing)."""
    return isinstance(module, TabBase) or (callable(getattr(module, "initialize", None))
                                           and callable(getattr(module, "update", None)))


class UIModule:
    """A PymoNNto UI module as a plain description: the variables it names and the pymonn panel showing them.

    Attributes
    ----------
    title : str
        PymoNNto's tab title.
    panel : str or None
        Class name of the pymonn panel that shows this module (None: no panel of its own).
    counterpart : str
        For ``panel=None``: what in pymonn's explorer does this module's job ("" if nothing).
    unsupported : str
        Why the module has no pymonn counterpart ("" when it has one).
    neuron_variables, synapse_variables : list of str
        The neuron and synapse variables the module names.
    needs_spikes : bool
        The panel shows spikes: it is opened only when one of the named neuron variables holds them.
    """

    panel: str | None = None
    counterpart: str = ""
    unsupported: str = ""
    needs_spikes: bool = False
    default_title: str = ""

    def __init__(self, title: str | None = None) -> None:
        self.title = _title(self.default_title if title is None else title, type(self).__name__)
        self.neuron_variables: list[str] = []
        self.synapse_variables: list[str] = []

    @property
    def supported(self) -> bool:
        """Whether pymonn's explorer has a counterpart (a panel or a built-in control)."""
        return not self.unsupported

    def describe(self) -> str:
        """One line: what shows this module in pymonn's explorer, or why nothing does."""
        name = type(self).__name__
        if self.unsupported:
            return f"{name}: not available in pymonn's explorer ({self.unsupported})"
        if self.panel is None:
            return f"{name}: {self.counterpart}"
        named = self.neuron_variables + self.synapse_variables
        return f"{name}: {self.panel}" + (f" ({', '.join(named)})" if named else "")

    def __repr__(self) -> str:
        named = self.neuron_variables + self.synapse_variables
        return f"{type(self).__name__}({', '.join(map(repr, named))})"


class _Unsupported(UIModule):
    """A PymoNNto module without a pymonn counterpart; accepts PymoNNto's arguments and keeps them."""

    def __init__(self, *args: Any, title: str | None = None, **kwargs: Any) -> None:
        super().__init__(title)
        self.args, self.kwargs = args, kwargs


# -- the PymoNNto modules pymonn's explorer shows --------------------------------------------------
def _colour_names(add_color_dict: Any, who: str) -> list[str]:
    if isinstance(add_color_dict, str):
        return [add_color_dict]
    if isinstance(add_color_dict, dict) and add_color_dict and all(isinstance(k, str) for k in add_color_dict):
        return list(add_color_dict)
    raise ConfigurationTypeError(f"{who}: add_color_dict must be a variable name or a dict name -> colour, "
                                 f"got {add_color_dict!r}")


class UI_sidebar_network_selector(UIModule):  # noqa: N801 (PymoNNto's class names)
    """PymoNNto's neuron-group grid with selection -> the explorer's neuron grids (coloured by the first variable)."""

    panel = "GridPanel"
    default_title = "Network"

    def __init__(self, add_color_dict: Any = "output") -> None:
        super().__init__()
        self.neuron_variables = _colour_names(add_color_dict, type(self).__name__)


class UI_sidebar_activity_module(UI_sidebar_network_selector):  # noqa: N801
    """PymoNNto's older grid sidebar -> the explorer's neuron grids (``group_display_count`` is Network_UI's)."""

    def __init__(self, group_display_count: int = 1, add_color_dict: Any = "output") -> None:
        super().__init__(add_color_dict)
        self.group_display_count = group_display_count


def _plot_variables(variables: Any, who: str) -> list[str]:
    """PymoNNto's plot-tab variables: a list (entries may group names as 'a|b' and hold numbers) or a dict."""
    if isinstance(variables, dict):
        variables = list(variables)
    if isinstance(variables, str):
        variables = [variables]
    names = _names(variables, who, "variables")
    out: list[str] = []
    for entry in names:
        for part in entry.split("|"):
            part = part.strip()
            try:
                float(part)  # a number plots a constant line in PymoNNto: nothing to record
                continue
            except ValueError:
                pass
            if part and part not in out:
                out.append(part)
    return out


class multi_group_plot_tab(UIModule):  # noqa: N801
    """Group means and the selected neuron over time -> the explorer's traces panel (its menu: these variables)."""

    panel = "TracesPanel"

    def __init__(self, variables: Any, title: str = "Multi Group", timesteps: int = 500) -> None:
        super().__init__(title)
        self.neuron_variables = _plot_variables(variables, type(self).__name__)
        self.timesteps = timesteps


class single_group_plot_tab(UIModule):  # noqa: N801
    """Several variables of one group over time -> the explorer's traces panel."""

    panel = "TracesPanel"

    def __init__(self, variables: Any = ("output", "excitation", "inhibition"), colors: Any = None,
                 net_lines: Any = (), neuron_lines: Any = (), title: str = "Single Group", timesteps: int = 500) -> None:
        super().__init__(title)
        self.neuron_variables = _plot_variables(list(variables) if isinstance(variables, tuple) else variables,
                                                type(self).__name__)
        self.timesteps = timesteps


class spiketrain_tab(UIModule):  # noqa: N801
    """All neurons' spikes over time -> the explorer's raster (with the population rate under it)."""

    panel = "RasterPanel"
    needs_spikes = True

    def __init__(self, parameter: str = "output", title: str = "Spiketrain", timesteps: int = 1000) -> None:
        super().__init__(title)
        self.neuron_variables = _names([parameter], type(self).__name__, "parameter")
        self.timesteps = timesteps


class isi_tab(UIModule):  # noqa: N801
    """Activity and inter-spike intervals -> the explorer's statistics panel (rates, ISI, CV, Fano, synchrony)."""

    panel = "StatisticsPanel"
    needs_spikes = True

    def __init__(self, title: str = "Activity/ISI", param: str = "output", mask_param: str = "Input_Mask",
                 timesteps: int = 1000, mask_color_add: Any = (-100, -100, -100)) -> None:
        super().__init__(title)
        self.neuron_variables = _names([param], type(self).__name__, "param")
        self.timesteps = timesteps


class fourier_tab(UIModule):  # noqa: N801
    """Fourier transform of the activity -> the explorer's spectrum panel (power of the population rate)."""

    panel = "SpectrumPanel"
    needs_spikes = True

    def __init__(self, parameter: str = "output", title: str = "Fourier", timesteps: int = 1000) -> None:
        super().__init__(title)
        self.neuron_variables = _names([parameter], type(self).__name__, "parameter")
        self.timesteps = timesteps


class weight_tab(UIModule):  # noqa: N801
    """Afferent weights of the selected neuron -> the explorer's weights panel (matrix, fields, histogram)."""

    panel = "WeightsPanel"

    def __init__(self, title: str = "Weights", weight_attrs: Any = ("W",)) -> None:
        super().__init__(title)
        attrs = list(weight_attrs) if isinstance(weight_attrs, tuple) else weight_attrs
        self.synapse_variables = _names(attrs, type(self).__name__, "weight_attrs")


class hist_tab(UIModule):  # noqa: N801
    """Weight histograms -> the histogram of the explorer's weights panel."""

    panel = "WeightsPanel"

    def __init__(self, weight_attr: str = "W", title: str = "Weight Dist.", timesteps: int = 1000,
                 mask_param: str = "Input_Mask", mask_color_add: Any = (-100, -100, -100)) -> None:
        super().__init__(title)
        self.synapse_variables = _names([weight_attr], type(self).__name__, "weight_attr")


class individual_weight_tab(UIModule):  # noqa: N801
    """One neuron's afferent weights -> the afferent field of the explorer's weights panel."""

    panel = "WeightsPanel"

    def __init__(self, title: str = "Ind Weights", weight_attr: str = "W") -> None:
        super().__init__(title)
        self.synapse_variables = _names([weight_attr], type(self).__name__, "weight_attr")


class info_tab(UIModule):  # noqa: N801
    """Behaviour parameters, editable -> the explorer's inspector (double-click to edit, tick to switch off)."""

    panel = "InspectorPanel"

    def __init__(self, title: str = "Info") -> None:
        super().__init__(title)


class code_execution_tab(UIModule):  # noqa: N801
    """Run Python against the network -> the explorer's console (``net``, ``np``, each group by its tag)."""

    panel = "ConsolePanel"

    def __init__(self, title: str = "Code execution") -> None:
        super().__init__(title)


class event_tab(UIModule):  # noqa: N801
    """Events noted during the run -> the explorer's event log (every edit, step, reset and fast-forward)."""

    panel = "EventsPanel"

    def __init__(self, title: str = "Events") -> None:
        super().__init__(title)


class sidebar_fast_forward_module(UIModule):  # noqa: N801
    """Start/pause and fast-forward buttons -> the explorer's toolbar (always there)."""

    counterpart = "the toolbar: Run/Pause (Space), Step, Step N and a cancellable Fast-forward"

    def __init__(self, step_list: Any = (100, 1000, 5000, 15000, 30000, 50000, 70000, 100000),
                 title: str = "Fast forward") -> None:
        super().__init__(title)
        self.step_list = list(step_list)


class sidebar_module_quick_access(UIModule):  # noqa: N801
    """Check boxes switching behaviours on and off -> the tick boxes of the explorer's inspector."""

    counterpart = "the Inspector's tick box on each behaviour (enable / disable from the next step)"

    def __init__(self, module_tags: Any = ()) -> None:
        super().__init__("Quick access")
        self.module_tags = list(module_tags)


class sidebar_save_load_module(_Unsupported):  # noqa: N801
    """Named network states saved and loaded from the sidebar: no counterpart."""

    unsupported = ("the explorer saves no named network states (PymoNNto pickles them); Reset returns to the "
                   "state at opening, Export saves the recordings, pymonn.Checkpointer saves states from a script")
    default_title = "Save/Load"


class partition_tab(_Unsupported):  # noqa: N801
    """PymoNNto's partitioned synapse groups: no counterpart."""

    unsupported = "pymonn does not split neuron groups into partitions (its sparse synapses are CSR matrices)"
    default_title = "Partition"


class PCA_tab(_Unsupported):  # noqa: N801
    """Singular values of a recorded variable: no counterpart."""

    unsupported = "the explorer has no PCA view (record the variable and use numpy.linalg.svd)"
    default_title = "PCA"


class stability_tab(_Unsupported):  # noqa: N801
    """Return map (x_t against x_t+1) of a variable: no counterpart."""

    unsupported = "the explorer has no return-map view"
    default_title = "Autocorrelation"


class Analysis_Module_tab(_Unsupported):  # noqa: N801
    """PymoNNto's AnalysisModules: no counterpart."""

    unsupported = "pymonn has no AnalysisModules; pymonn.analysis holds the functions (rates, ISI, spectra)"
    default_title = "Modules"


class classifier_bar_tab(_Unsupported):  # noqa: N801
    """Neuron classes from AnalysisModules: no counterpart."""

    unsupported = "neuron classifications come from PymoNNto's AnalysisModules, which pymonn does not have"
    default_title = "Classes"


def get_default_UI_modules(neuron_parameters: Any = ("output",), synapse_parameters: Any = ("W",),  # noqa: N802
                           quick_access_tags: Any = ()) -> list[UIModule]:
    """PymoNNto's default UI modules for these variables, as plain descriptions (no Qt).

    Parameters
    ----------
    neuron_parameters : list of str
        Neuron variables to show (PymoNNto's spelling; ``['fired', 'v', 'u']``). The first one
        colours the neuron grids; the first that holds spikes (a bool array, or a float array of
        0 and 1 named like ``spike``, ``fired`` or ``output``) feeds the raster, statistics and
        spectrum; all of them are offered in the traces panel.
    synapse_parameters : list of str
        Synapse variables for the weights panel (``['W']``).
    quick_access_tags : list of str
        Behaviour tags of PymoNNto's quick-access check boxes (the explorer's inspector has a tick
        box on every behaviour).

    Returns
    -------
    list of UIModule
        The same 19 modules, in the same order, as PymoNNto's function returns; those without a
        pymonn counterpart report why in ``unsupported``.
    """
    neuron = _names(list(neuron_parameters) if isinstance(neuron_parameters, tuple) else neuron_parameters,
                    "get_default_UI_modules", "neuron_parameters")
    synapse = _names(list(synapse_parameters) if isinstance(synapse_parameters, tuple) else synapse_parameters,
                     "get_default_UI_modules", "synapse_parameters")
    if not neuron or not synapse:
        raise ConfigurationError("get_default_UI_modules: neuron_parameters and synapse_parameters need at least "
                                 f"one name each, got {neuron!r} and {synapse!r}")
    first = neuron[0]
    return [
        UI_sidebar_network_selector(first),
        multi_group_plot_tab(neuron),
        spiketrain_tab(parameter=first),
        weight_tab(weight_attrs=synapse),
        partition_tab(),
        PCA_tab(parameter=first),
        isi_tab(param=first),
        hist_tab(weight_attr=synapse[0]),
        single_group_plot_tab(neuron),
        stability_tab(parameter=first),
        fourier_tab(parameter=first),
        Analysis_Module_tab(),
        info_tab(),
        sidebar_fast_forward_module(),
        sidebar_save_load_module(),
        code_execution_tab(),
        classifier_bar_tab(),
        event_tab(),
        sidebar_module_quick_access(list(quick_access_tags)),
    ]


def get_modules_dict(*args: Any) -> dict:
    """PymoNNto's helper: modules (single, lists or dicts of them) keyed by their class, later ones winning."""
    result: dict = {}
    for arg in args:
        if arg is None:
            continue
        items = arg if isinstance(arg, list) else list(arg.values()) if isinstance(arg, dict) else [arg]
        for module in items:
            result[module.__class__] = module
    return result


class Network_UI:  # noqa: N801 (PymoNNto's class name)
    """PymoNNto's ``Network_UI``: pymonn's explorer on ``network`` with panels chosen from ``modules``.

    Building it loads no Qt. As in PymoNNto, building it runs one step (``simulate_iteration``:
    variables a behaviour creates in its first iteration, such as a ``spike`` array, then exist)
    and empties every recorder of the network (``clear_recorder``: the user's recorders and the
    UI's then start at the same step, so that ``net['np.mean(v)', 0, 'np'][-1000:]`` and
    ``net['iteration', 0, 'np'][-1000:]`` match). An uninitialized network is initialized first.

    Parameters
    ----------
    network : Network
    modules : list, dict or None
        :class:`UIModule` descriptions (``get_default_UI_modules(...)``, the default) and/or
        :class:`TabBase` instances, in the order their panels are docked. A dict's values are used.
    title : str
        Window title (``label`` wins when given, as in PymoNNto).
    group_tags : list of str, optional
        Show only neuron groups carrying one of these tags (default: all).
    transmitters : list of str, optional
        Show only synapse groups whose first tag is listed (default: all).
    storage_manager : optional
        Kept as ``storage_manager`` for tabs that read it.
    group_display_count : int, optional
        Show at most this many of the selected neuron groups (default: all).
    reduced_layout : bool
        Leave axis labels off the plots of TabBase tabs.
    label : str, optional
        Window title (PymoNNto's older spelling).

    Notes
    -----
    ``show()`` opens the window and, when no Qt event loop runs yet, blocks until it is closed;
    then it returns and the script goes on (PymoNNto exits the process instead). The simulation
    starts running when the window opens, as in PymoNNto.
    """

    def __init__(self, network: Network, modules: Any = None, title: str = "Network UI", group_tags: Any = None,
                 transmitters: Any = None, storage_manager: Any = None, group_display_count: int | None = None,
                 reduced_layout: bool = False, label: str | None = None) -> None:
        if not isinstance(network, Network):
            raise ConfigurationTypeError(f"Network_UI: network must be a pymonn Network, got {type(network).__name__}")
        if label is not None:
            title = label
        self.title = _title(title, "Network_UI")
        self.network = network
        self.modules = self._check_modules(get_default_UI_modules() if modules is None else modules)
        self.group_tags = _names([] if group_tags is None else group_tags, "Network_UI", "group_tags")
        self.transmitters = _names([] if transmitters is None else transmitters, "Network_UI", "transmitters")
        if group_display_count is not None and (isinstance(group_display_count, bool) or not isinstance(
                group_display_count, numbers.Integral) or group_display_count < 1):
            raise ConfigurationError(f"Network_UI: group_display_count must be a positive int or None, "
                                     f"got {group_display_count!r}")
        self.storage_manager = storage_manager
        self.reduced_layout = bool(reduced_layout)
        if not network.NeuronGroups:
            raise ConfigurationError(f"Network_UI: {network.describe()} has no neuron group to show")
        shown = self._groups_with_tags()
        if group_display_count is None:
            group_display_count = len(shown)
        self.group_display_count = int(group_display_count)
        self.groups = shown[: self.group_display_count]
        for behaviour in network.all_behaviors():  # PymoNNto's Behavior.get_UI_Tabs() hook
            offer = getattr(behaviour, "get_UI_Tabs", None)
            if callable(offer):
                self.modules.extend(self._check_modules(list(offer() or [])))
        if not network.initialized:
            network.initialize()
        network.simulate_iteration()
        network.clear_recorder()
        self._explorer = None

    # -- checks -----------------------------------------------------------------------------------
    @staticmethod
    def _check_modules(modules: Any) -> list:
        if isinstance(modules, dict):
            modules = list(modules.values())
        if not isinstance(modules, (list, tuple)):
            raise ConfigurationTypeError(f"Network_UI: modules must be a list of UI modules, got {type(modules).__name__}")
        out = []
        for m in modules:
            if not isinstance(m, UIModule) and not _is_tab(m):
                raise ConfigurationTypeError(
                    f"Network_UI: {m!r} is not a UI module: expected what get_default_UI_modules() returns or a "
                    "TabBase subclass instance (with initialize(Network_UI) and update(Network_UI))")
            out.append(m)
        return out

    def _groups_with_tags(self) -> list:
        groups = list(self.network.NeuronGroups)
        if not self.group_tags:
            return groups
        out = []
        for tag in self.group_tags:
            hits = [g for g in groups if tag in g.tags]
            if not hits:
                raise ConfigurationError(f"Network_UI: no neuron group has the tag {tag!r} (group_tags); groups: "
                                         f"{[g.tags[0] for g in groups]}")
            out += [g for g in hits if not any(g is o for o in out)]
        return out

    # -- the window -------------------------------------------------------------------------------
    @property
    def tabs(self) -> list:
        """The user's TabBase modules (each becomes a panel)."""
        return [m for m in self.modules if not isinstance(m, UIModule)]

    @property
    def explorer(self) -> Any:
        """The explorer window (a ``pymonn.ui.Explorer``), built on first use; needs PyQt5 and pyqtgraph."""
        if self._explorer is None or getattr(self._explorer, "_closed", False):
            self._explorer = importlib.import_module(UI_MODULE).build_explorer(self)
        return self._explorer

    window = explorer

    def show(self) -> None:
        """Open the window and start the simulation; block until it is closed when no Qt event loop runs.

        Returns when the window is closed (PymoNNto calls ``sys.exit`` there; pymonn never exits
        the process). Inside a running Qt application (IPython's ``%gui qt``) it returns at once.
        """
        importlib.import_module(UI_MODULE).show(self)

    def describe_modules(self) -> list[str]:
        """One line per module: the pymonn panel that shows it, or why there is none."""
        return [m.describe() if isinstance(m, UIModule) else f"{type(m).__name__}: its own panel "
                f"'{getattr(m, 'title', type(m).__name__)}'" for m in self.modules]
