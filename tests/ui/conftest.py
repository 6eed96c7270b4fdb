"""Fixtures for the explorer's tests: offscreen Qt, a small seeded network, an explorer on it.

``QT_QPA_PLATFORM=offscreen`` is set before anything imports Qt, and the layout settings go to a
temporary file so that the tests never touch the user's saved layout. Without PyQt5, pyqtgraph or
pytest-qt every test here is skipped with the reason.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

pytest.importorskip("PyQt5.QtWidgets", reason="the explorer needs PyQt5 (pip install 'pymonn[ui]')")
pytest.importorskip("pyqtgraph", reason="the explorer needs pyqtgraph (pip install 'pymonn[ui]')")
pytest.importorskip("pytestqt", reason="the explorer's tests need pytest-qt (pip install 'pymonn[test]')")

from ui_helpers import small_network  # noqa: E402


def pytest_collection_modifyitems(items):
    here = os.path.dirname(__file__)
    for item in items:
        if str(item.fspath).startswith(here):
            item.add_marker(pytest.mark.gui)


@pytest.fixture(autouse=True)
def _settings_file(tmp_path, monkeypatch):
    monkeypatch.setenv("PYMONN_UI_SETTINGS", str(tmp_path / "explorer.ini"))


@pytest.fixture
def net():
    return small_network()


@pytest.fixture
def explorer(qtbot, net):
    from pymonn.ui import Explorer

    win = Explorer(net, window_ms=100.0, restore_layout=False, save_layout=False)
    qtbot.addWidget(win)
    win.resize(1400, 900)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.close()
