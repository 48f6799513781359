"""hnn-core 0.6.1's own example scripts run on hnn-netpyne with only their imports changed.

The scripts are hnn-core's (``examples/`` of its repository, tag v0.6.1),
not copied here: point ``HNN_CORE_EXAMPLES`` at that folder to run them
(otherwise those tests are skipped). ``tests/hnn_core_example_runner.py``
changes the import lines and stops every simulation at 60 ms.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from hnn_core_example_runner import ported

RUNNER = Path(__file__).parent / "hnn_core_example_runner.py"
SHORT_TSTOP_MS = 60.0
SHORT_EXAMPLES = ["plot_simulate_alpha.py", "plot_simulate_evoked.py",
                  "plot_simulate_mpi_backend.py", "plot_replaying_spike_data_as_input.py",
                  "plot_firing_pattern.py", "plot_connectivity.py",
                  "plot_record_extracellular_potentials.py", "plot_hnn_animation.py"]
"""Examples that run shortened; gamma and beta need their full length (their
Morlet wavelets are longer than a short run, for hnn-core too)."""


def test_only_import_lines_change():
    source = ("import os.path as op\nimport hnn_core\nfrom hnn_core import (read_params,\n"
              "    simulate_dipole)\nfrom hnn_core.viz import plot_dipole\n"
              "    from hnn_core.network import pick_connection\n"
              "root = op.dirname(hnn_core.__file__)\nprint('hnn_core')\n")
    assert ported(source).splitlines() == [
        "import os.path as op", "import hnn_netpyne as hnn_core",
        "from hnn_netpyne import (read_params,", "    simulate_dipole)",
        "from hnn_netpyne.viz import plot_dipole",
        "    from hnn_netpyne.network import pick_connection",
        "root = op.dirname(hnn_core.__file__)", "print('hnn_core')"]


def _example(name):
    folder = os.environ.get("HNN_CORE_EXAMPLES")
    if not folder:
        pytest.skip("HNN_CORE_EXAMPLES (hnn-core's examples folder) is not set")
    found = sorted(Path(folder).rglob(name))
    if not found:
        pytest.skip(f"{name} is not in {folder}")
    return found[0]


@pytest.mark.slow
@pytest.mark.parametrize("name", SHORT_EXAMPLES)
def test_hnn_core_example_runs(name, tmp_path):
    example = _example(name)
    env = dict(os.environ, HNN_NETPYNE_EXAMPLE_TSTOP=str(SHORT_TSTOP_MS), MPLBACKEND="Agg")
    proc = subprocess.run([sys.executable, str(RUNNER), str(example)], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=1800,
                          stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, proc.stderr[-4000:]
