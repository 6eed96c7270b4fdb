"""Explorer panels, one per view, and the plug-in contract they follow (:class:`Panel`)."""

from .base import FrameView, Need, Panel, register_panel, registered_panels
from .console import ConsolePanel, LogPanel
from .events import EventsPanel
from .grid import GridPanel
from .inspector import InspectorPanel
from .raster import RasterPanel
from .spectrum import SpectrumPanel
from .statistics import StatisticsPanel
from .stimulus import StimulusPanel
from .traces import TracesPanel
from .weights import WeightsPanel

#: The panels an explorer opens with by default, in this order.
DEFAULT_PANELS = [GridPanel, RasterPanel, StatisticsPanel, SpectrumPanel, TracesPanel, WeightsPanel,
                  InspectorPanel, StimulusPanel, EventsPanel, ConsolePanel, LogPanel]

__all__ = ["Panel", "FrameView", "Need", "register_panel", "registered_panels", "DEFAULT_PANELS", "GridPanel",
           "RasterPanel", "TracesPanel", "WeightsPanel", "StatisticsPanel", "SpectrumPanel", "InspectorPanel",
           "EventsPanel", "StimulusPanel", "ConsolePanel", "LogPanel"]
