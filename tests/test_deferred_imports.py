"""NetPyNE's plotting and batch packages load only when used."""

import subprocess
import sys

PROBE = """
import sys
import hnn_netpyne
from netpyne import sim
heavy = [m for m in ("bokeh.models", "pandas", "scipy.signal", "matplotlib.pyplot") if m in sys.modules]
print("before", heavy)
assert callable(sim.analysis.plotRaster)
from netpyne.batch import Batch
print("after", "pandas" in sys.modules, Batch.__name__)
"""


def test_netpyne_extras_load_on_first_use():
    proc = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    lines = dict(line.split(" ", 1) for line in proc.stdout.splitlines()
                 if line.startswith(("before", "after")))
    assert lines["before"] == "[]"
    assert lines["after"] == "True Batch"
