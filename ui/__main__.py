"""``python -m pymonn.ui script.py [--screenshot out.png --steps 200]``: explore the network a script builds.

The script runs with ``__name__ == '__pymonn_ui__'`` (so its ``if __name__ == '__main__':`` block
does not), and the explorer opens on its global ``net``, or else the first ``Network`` among its
globals. With ``--screenshot`` nothing is shown: the network runs ``--steps`` steps on the worker
thread (a fast-forward, drawn as it goes), the window is saved as PNG (or SVG) and the command
returns; without a display Qt's offscreen platform is used.
"""

from __future__ import annotations

import argparse
import os
import runpy
import sys
from pathlib import Path


def find_network(namespace: dict):
    """``namespace['net']`` if it is a Network, else the first Network among the values, else None."""
    from pymonn import Network

    net = namespace.get("net")
    if isinstance(net, Network):
        return net
    return next((v for v in namespace.values() if isinstance(v, Network)), None)


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status (0 ok, 1 the simulation failed, 2 bad usage)."""
    parser = argparse.ArgumentParser(prog="python -m pymonn.ui", description="Open the pymonn explorer on the "
                                     "network a script builds (its global 'net' or its first Network).")
    parser.add_argument("script", help="a Python script that builds a pymonn Network")
    parser.add_argument("--screenshot", metavar="PATH", help="save the window to PATH (.png or .svg) and exit")
    parser.add_argument("--steps", type=int, default=200, help="steps to run before the screenshot (default 200)")
    parser.add_argument("--size", default="1600x1000", help="window size WIDTHxHEIGHT (default 1600x1000)")
    parser.add_argument("--window-ms", type=float, default=None,
                        help="visible time window in ms (default: 1000 steps; with --screenshot the whole run)")
    parser.add_argument("--run", action="store_true", help="start running as soon as the window opens")
    args = parser.parse_args(argv)

    script = Path(args.script)
    if not script.is_file():
        print(f"pymonn.ui: no such script: {script}", file=sys.stderr)
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
    sys.path.insert(0, str(script.resolve().parent))
    namespace = runpy.run_path(str(script), run_name="__pymonn_ui__")
    net = find_network(namespace)
    if net is None:
        print(f"pymonn.ui: {script} defines no pymonn Network (name it 'net')", file=sys.stderr)
        return 2

    from ._qt import QtWidgets, ensure_app
    from .explorer import Explorer

    app, _ = ensure_app()
    shot = args.screenshot is not None
    window_ms = args.window_ms
    if window_ms is None and shot and args.steps > 0:
        window_ms = args.steps * net.dt
    window = Explorer(net, window_ms=window_ms, restore_layout=not shot, save_layout=not shot)
    window.resize(width, height)
    if shot:
        window.apply_default_layout()
    window.show()
    app.processEvents()
    if shot:
        start = net.iteration
        if args.steps > 0:  # run on the worker, so that the status bar shows the real speed
            window.fast_forward(args.steps)
            window.wait_idle(timeout=600)
        done = net.iteration - start
        if window.worker.last_error:
            print(f"pymonn.ui: the simulation failed after {done} steps:\n{window.worker.last_error}", file=sys.stderr)
        window.draw_frame(all_panels=True)
        app.processEvents()
        QtWidgets.QApplication.processEvents()
        path = window.export_window(args.screenshot)
        window.close()
        print(f"pymonn.ui: {done} steps, screenshot written to {path}")
        return 1 if window.worker.last_error else 0
    if args.run:
        window.run()
    app.exec_()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
