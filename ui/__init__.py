"""pymonn.ui: the Qt explorer (PyQt5 + pyqtgraph)."""
