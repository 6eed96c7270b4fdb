"""Suite-wide settings: optional dependencies are required in CI; hypothesis profiles.

With ``PYMONN_REQUIRE_EXTRAS=1`` (set by ``.ci/run``, which installs ``.[test,all]``) a test that
would be skipped because an optional dependency is missing fails instead, and a run with any
skipped test ends with a non-zero status: a broken extra can no longer leave CI green.
"""

from __future__ import annotations

import os

import pytest

REQUIRE_EXTRAS = os.environ.get("PYMONN_REQUIRE_EXTRAS", "") == "1"

if REQUIRE_EXTRAS:
    _importorskip = pytest.importorskip

    def _required(modname: str, *args, **kwargs):
        try:
            return _importorskip(modname, *args, **kwargs)
        except pytest.skip.Exception as exc:
            raise ImportError(f"{modname} is missing, but the suite runs with PYMONN_REQUIRE_EXTRAS=1 (CI installs "
                              f".[test,all]): {exc}") from None

    pytest.importorskip = _required

try:  # the fuzz tests' budgets: a few seconds in CI, more with -m slow (see tests/core/test_parsers_fuzz.py)
    from hypothesis import HealthCheck, settings

    settings.register_profile("ci", max_examples=300, deadline=None, derandomize=True,
                              suppress_health_check=[HealthCheck.too_slow])
    settings.register_profile("slow", max_examples=20_000, deadline=None,
                              suppress_health_check=[HealthCheck.too_slow])
    settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
except ImportError:  # pragma: no cover - hypothesis comes with the [test] extra
    pass


def pytest_sessionfinish(session, exitstatus):
    if not REQUIRE_EXTRAS:
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = len(reporter.stats.get("skipped", [])) if reporter is not None else 0
    if skipped and session.exitstatus == 0:
        if reporter is not None:
            reporter.write_line(f"PYMONN_REQUIRE_EXTRAS=1: {skipped} test(s) were skipped; every test must run in CI",
                                red=True)
        session.exitstatus = 1
