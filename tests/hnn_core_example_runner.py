"""Run one of hnn-core's own example scripts on hnn-netpyne.

Usage: ``python hnn_core_example_runner.py EXAMPLE.py``. Only the import
lines change (``hnn_core`` -> ``hnn_netpyne``; ``import hnn_core`` becomes
``import hnn_netpyne as hnn_core``). If ``HNN_NETPYNE_EXAMPLE_TSTOP`` is
set, every ``simulate_dipole`` run and every fit's simulations stop there
(ms), and ``HNN_NETPYNE_EXAMPLE_MAX_ITER`` caps a fit's iterations, to keep
tests short.
The script runs in the current folder with Matplotlib's Agg backend.
"""

import os
import re
import runpy
import sys
import tempfile
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import hnn_netpyne  # noqa: E402
from hnn_netpyne import api  # noqa: E402

IMPORT = re.compile(r"^(\s*)(from|import)\s+hnn_core\b(\S*)(.*)$")


def ported(source):
    """``source`` with hnn-core's import lines pointing at hnn-netpyne."""
    lines = []
    for line in source.splitlines():
        match = IMPORT.match(line)
        if match:
            indent, kind, submodule, rest = match.groups()
            alias = " as hnn_core" if kind == "import" and not submodule and " as " not in rest \
                else ""
            line = f"{indent}{kind} hnn_netpyne{submodule}{alias}{rest}"
        lines.append(line)
    return "\n".join(lines) + "\n"


def shorten_simulations(tstop_ms):
    """Make every simulate_dipole run stop at ``tstop_ms``."""
    original = api.simulate_dipole

    def shortened(net, tstop=None, *args, **kwargs):
        return original(net, min(tstop, tstop_ms) if tstop else tstop_ms, *args, **kwargs)

    from hnn_netpyne import dipole

    hnn_netpyne.simulate_dipole = api.simulate_dipole = dipole.simulate_dipole = shortened


def shorten_fits(tstop_ms, max_iter):
    """Make every Optimizer simulate at most ``tstop_ms`` and ``max_iter`` times."""
    from hnn_netpyne.batch.optimize import Optimizer

    original = Optimizer.__init__

    def shortened(self, initial_net, tstop, *args, **kwargs):
        if max_iter is not None:
            kwargs["max_iter"] = min(kwargs.get("max_iter", max_iter), max_iter)
        original(self, initial_net, min(tstop, tstop_ms), *args, **kwargs)

    Optimizer.__init__ = shortened


def keep_downloaded_files():
    """Downloads (``urlretrieve``) of files already in the folder keep them: the
    examples' data are put there beforehand on machines without internet access."""
    import urllib.request

    original = urllib.request.urlretrieve

    def offline(url, filename=None, *args, **kwargs):
        if filename and os.path.exists(filename):
            return filename, None
        return original(url, filename, *args, **kwargs)

    urllib.request.urlretrieve = offline


def main(example):
    keep_downloaded_files()
    if os.environ.get("HNN_NETPYNE_EXAMPLE_TSTOP"):
        shorten_simulations(float(os.environ["HNN_NETPYNE_EXAMPLE_TSTOP"]))
        max_iter = os.environ.get("HNN_NETPYNE_EXAMPLE_MAX_ITER")
        shorten_fits(float(os.environ["HNN_NETPYNE_EXAMPLE_TSTOP"]),
                     int(max_iter) if max_iter else None)
    source = ported(Path(example).read_text())
    with tempfile.NamedTemporaryFile("w", suffix=".py", dir=".", delete=False) as fid:
        fid.write(source)
    try:
        runpy.run_path(fid.name, run_name="__main__")
    finally:
        os.unlink(fid.name)


if __name__ == "__main__":
    main(sys.argv[1])
