"""``python -m pymonn.ui script.py [--screenshot out.png --steps 200] [-- script args]``: explore the network a script builds.

Which network (the first rule that applies):

1. The script runs with ``__name__ == '__pymonn_ui__'`` (so its ``if __name__ == '__main__':``
   block does not). A script that opens a window itself (PymoNNto's ``Network_UI(...).show()``,
   ``pymonn.ui.explore(net)``, any ``Explorer.show()``) gets that window.
2. ``--build NAME``: the script's function ``NAME``, called without arguments, returns the network.
3. Its global ``net``, or else the first ``Network`` among its globals.
4. Its function ``build()``, if it can be called without arguments (every parameter has a default)
   and no script arguments were given.
5. Otherwise the script runs again as a program (``__name__ == '__main__'``, ``sys.argv`` =
   the script and the arguments after ``--``), and the explorer opens on the first network the
   script starts to simulate, before its first step (the rest of the script does not run). This
   is how ``examples/cuba.py`` (whose ``main()`` builds and runs the network) opens; a sweep or
   search script opens on its first run's network when it runs in this process (``-- --serial``).

With ``--screenshot`` nothing is shown: the network runs ``--steps`` steps on the worker thread
(a fast-forward, drawn as it goes), the window is saved as PNG (or SVG) and the command returns;
without a display Qt's offscreen platform is used. For a script that opens its own window, the
first window it opens is captured that way when it is shown, and the script stops there (the
rest of it does not run; exit status 0, or 1 when the simulation failed).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import runpy
import sys
from collections.abc import Callable, Iterator
from pathlib import Path


def find_network(namespace: dict):
    """``namespace['net']`` if it is a Network, else the first Network among the values, else None."""
    from pymonn import Network

    net = namespace.get("net")
    if isinstance(net, Network):
        return net
    return next((v for v in namespace.values() if isinstance(v, Network)), None)


class NetworkCaptured(BaseException):
    """Raised out of a script when it starts to simulate a network (rule 5): carries the network."""

    def __init__(self, net) -> None:
        super().__init__(net.describe())
        self.net = net


@contextlib.contextmanager
def first_simulated() -> Iterator[None]:
    """While inside, the first ``Network.simulate_iteration(s)`` or ``run`` raises :class:`NetworkCaptured`."""
    from pymonn import Network

    names = ("simulate_iteration", "simulate_iterations", "run")
    saved = {name: Network.__dict__[name] for name in names}

    def capture(self, *args, **kwargs):
        raise NetworkCaptured(self)

    for name in names:
        setattr(Network, name, capture)
    try:
        yield
    finally:
        for name, fn in saved.items():
            setattr(Network, name, fn)


def _callable_without_arguments(fn) -> bool:
    import inspect

    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        return False
    return all(p.default is not p.empty or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) for p in sig.parameters.values())


def network_of(script: Path, namespace: dict, build_name: str | None, script_args: list[str]):
    """The network of rules 2-5 (see the module docstring); (network, None) or (None, why not)."""
    from pymonn import Network

    if build_name is not None:
        fn = namespace.get(build_name)
        if not build_name.isidentifier() or not callable(fn):
            return None, f"{script} has no function {build_name!r} (--build)"
        net = fn()
        if not isinstance(net, Network):
            return None, f"{script}: {build_name}() returned {type(net).__name__}, not a pymonn Network (--build)"
        return net, None
    net = find_network(namespace)
    if net is not None:
        return net, None
    build = namespace.get("build")
    build_failed = ""
    if callable(build) and _callable_without_arguments(build) and not script_args:
        try:
            net = build()
        except Exception as exc:  # noqa: BLE001 - its defaults may not build a network: try rule 5
            net, build_failed = None, f"; build() raised {type(exc).__name__}: {exc}"
        if isinstance(net, Network):
            return net, None
    argv = sys.argv
    sys.argv = [str(script), *script_args]
    try:
        with first_simulated():
            runpy.run_path(str(script), run_name="__main__")
    except NetworkCaptured as captured:
        return captured.net, None
    except SystemExit as exc:
        if exc.code not in (None, 0):
            return None, f"{script} exited with {exc.code!r} before it simulated a network"
    finally:
        sys.argv = argv
    return None, (f"{script} defines no pymonn Network (name it 'net', give it a build() function or name one "
                  f"with --build) and neither opens a window nor simulates one when run{build_failed}")


class WindowCaptured(BaseException):
    """Raised through a script when its window has been captured: the script stops there.

    A ``BaseException`` (as ``SystemExit``), so that a script's ``except Exception`` does not
    swallow it. ``status`` is the command's exit status.
    """

    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


@contextlib.contextmanager
def windows_shown(on_show: Callable) -> Iterator[list]:
    """While inside, every ``Explorer.show()`` first calls ``on_show(window)``; yields the windows shown.

    ``on_show`` may raise (:class:`WindowCaptured`) to stop the script before the window shows.
    """
    from .explorer import Explorer

    shown: list = []
    had_own = "show" in Explorer.__dict__
    original = Explorer.__dict__.get("show")
    base_show = Explorer.show

    def show(window) -> None:
        shown.append(window)
        on_show(window)
        base_show(window)

    Explorer.show = show
    try:
        yield shown
    finally:
        if had_own:
            Explorer.show = original
        else:
            del Explorer.show


def screenshot(window, path: str, steps: int, size: tuple[int, int], window_ms: float | None) -> int:
    """Show ``window`` at ``size``, run ``steps`` steps, save it to ``path``, close it; returns the exit status."""
    from ._qt import QtWidgets

    app = QtWidgets.QApplication.instance()
    net = window.net
    window._save_layout = False  # a screenshot never replaces the user's saved layout
    window._fitted = True  # rendered at the size asked for, whatever the screen
    window.resize(*size)
    window.apply_default_layout()
    if window_ms is None and steps > 0:
        window_ms = steps * net.dt
    if window_ms is not None:  # within what the window's buffers hold
        window.window_spin.setValue(min(float(window_ms), window.time_axis.max_window_ms))
    QtWidgets.QMainWindow.show(window)
    app.processEvents()
    start = net.iteration
    if steps > 0:  # run on the worker, so that the status bar shows the real speed
        window.fast_forward(steps)
        window.wait_idle(timeout=600)
    done = net.iteration - start
    failed = window.worker.last_error
    if failed:
        print(f"pymonn.ui: the simulation failed after {done} steps:\n{failed}", file=sys.stderr)
    window.draw_frame(all_panels=True)
    app.processEvents()
    written = window.export_window(path)
    window.close()
    print(f"pymonn.ui: {done} steps, screenshot written to {written}")
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status (0 ok, 1 the simulation failed, 2 bad usage)."""
    parser = argparse.ArgumentParser(
        prog="python -m pymonn.ui", formatter_class=argparse.RawDescriptionHelpFormatter,
        usage="%(prog)s script.py [options] [-- script arguments]",
        description="Open the pymonn explorer on the network a script builds.",
        epilog="Which network, the first rule that applies:\n"
               "  1. the window the script opens itself (explore(net), Network_UI(...).show());\n"
               "  2. --build NAME: what the script's function NAME() returns;\n"
               "  3. the script's global 'net', else the first Network among its globals;\n"
               "  4. what its build() returns, if build() needs no arguments (and no '--' arguments);\n"
               "  5. else the script runs as a program (its __main__ block, with the arguments after\n"
               "     '--') and the explorer opens on the first network it starts to simulate.\n"
               "Examples: python -m pymonn.ui examples/cuba.py -- --size 2000\n"
               "          python -m pymonn.ui examples/sweep_brunel.py -- --quick --serial")
    parser.add_argument("script", help="a Python script that builds a pymonn Network")
    parser.add_argument("--build", metavar="NAME", help="the script's function that returns the network "
                        "(called without arguments)")
    parser.add_argument("--screenshot", metavar="PATH", help="save the window to PATH (.png or .svg) and exit")
    parser.add_argument("--steps", type=int, default=200, help="steps to run before the screenshot (default 200)")
    parser.add_argument("--size", default="1600x1000", help="window size WIDTHxHEIGHT (default 1600x1000)")
    parser.add_argument("--window-ms", type=float, default=None,
                        help="visible time window in ms (default: 1000 steps; with --screenshot the whole run)")
    parser.add_argument("--run", action="store_true", help="start running as soon as the window opens")
    argv = list(sys.argv[1:] if argv is None else argv)
    script_args: list[str] = []
    if "--" in argv:
        cut = argv.index("--")
        argv, script_args = argv[:cut], argv[cut + 1:]
    args = parser.parse_args(argv)

    script = Path(args.script)
    if not script.is_file():
        print(f"pymonn.ui: no such script: {script}", file=sys.stderr)
        return 2
    if args.steps < 0:
        print(f"pymonn.ui: --steps must be 0 or more, got {args.steps}", file=sys.stderr)
        return 2
    if args.screenshot and not os.environ.get("QT_QPA_PLATFORM") and not os.environ.get("DISPLAY") \
            and not os.environ.get("WAYLAND_DISPLAY") and sys.platform.startswith("linux"):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    try:
        width, height = (int(x) for x in args.size.lower().split("x"))
    except ValueError:
        print(f"pymonn.ui: --size must look like 1600x1000, got {args.size!r}", file=sys.stderr)
        return 2

    from ._qt import probe_platform

    problem = probe_platform()
    if problem:
        print(f"pymonn.ui: {problem}", file=sys.stderr)
        return 2
    shot = args.screenshot is not None

    def on_show(window) -> None:  # the script opens a window: capture it, or let it open
        if shot:
            raise WindowCaptured(screenshot(window, args.screenshot, args.steps, (width, height), args.window_ms))
        window.resize(width, height)
        if args.run:
            window.run()

    sys.path.insert(0, str(script.resolve().parent))
    try:
        with windows_shown(on_show) as shown:
            namespace = runpy.run_path(str(script), run_name="__pymonn_ui__")
    except WindowCaptured as captured:
        return captured.status
    if shown:  # the script opened (and, blocking, closed) its own window: no second one
        from ._qt import QtWidgets

        if any(w.isVisible() for w in shown):  # a window that did not block: keep it open
            QtWidgets.QApplication.instance().exec_()
        return 0
    try:
        with windows_shown(on_show) as shown:
            net, problem = network_of(script, namespace, args.build, script_args)
    except WindowCaptured as captured:
        return captured.status
    if shown:  # rule 5 ran the script's main block, which opened a window itself
        from ._qt import QtWidgets

        if any(w.isVisible() for w in shown):
            QtWidgets.QApplication.instance().exec_()
        return 0
    if net is None:
        print(f"pymonn.ui: {problem}", file=sys.stderr)
        return 2

    from ._qt import ensure_app
    from .explorer import Explorer

    app, _ = ensure_app()
    window_ms = args.window_ms
    if window_ms is None and shot and args.steps > 0:
        window_ms = args.steps * net.dt
    window = Explorer(net, window_ms=window_ms, restore_layout=not shot, save_layout=not shot)
    window.resize(width, height)
    if shot:
        return screenshot(window, args.screenshot, args.steps, (width, height), window_ms)
    window.show()
    app.processEvents()
    if args.run:
        window.run()
    app.exec_()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
