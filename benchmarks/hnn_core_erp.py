"""Time hnn-core 0.6.1 on the ERP scenario, stage by stage (one process).

Run with the validation environment's Python (hnn-core pins NEURON <= 8.2.7):
``../hnnval/bin/python benchmarks/hnn_core_erp.py OUT.json``. Uses hnn-core's
own single-process path (what its default JoblibBackend(n_jobs=1) runs),
never its MPIBackend.
"""

import json
import resource
import sys
import tempfile
import time

started = time.perf_counter()
import hnn_core  # noqa: E402
from hnn_core import jones_2009_model  # noqa: E402
from hnn_core.network_models import add_erp_drives_to_jones_model  # noqa: E402
from hnn_core.network_builder import NetworkBuilder  # noqa: E402

timings = {"import": time.perf_counter() - started}

t0 = time.perf_counter()
net = jones_2009_model()
add_erp_drives_to_jones_model(net)
net._instantiate_drives(tstop=170.0, n_trials=1)
net._tstop, net._dt = 170.0, 0.025
for key in ("record_vsec", "record_isec", "record_ca"):
    net._params[key] = False
net._verbose = False

from neuron import h  # noqa: E402

builder = NetworkBuilder(net, trial_idx=0)
timings["build"] = time.perf_counter() - t0

from hnn_core import network_builder as nb  # noqa: E402

t0 = time.perf_counter()
h.load_file("stdrun.hoc")
h.tstop, h.dt, h.celsius = 170.0, 0.025, net._params["celsius"]
times = h.Vector().record(h._ref_t)
nb._PC.set_maxstep(10)
h.finitialize()
h.fcurrent()
nb._PC.psolve(h.tstop)
timings["solve"] = time.perf_counter() - t0

t0 = time.perf_counter()
builder.aggregate_data(n_samples=times.size())
dpl = hnn_core.dipole.Dipole(times.to_python(),
                             __import__("numpy").column_stack([
                                 builder._nrn_dipoles["L2_pyramidal"].as_numpy()
                                 + builder._nrn_dipoles["L5_pyramidal"].as_numpy(),
                                 builder._nrn_dipoles["L2_pyramidal"].as_numpy(),
                                 builder._nrn_dipoles["L5_pyramidal"].as_numpy()]))
dpl._baseline_renormalize(10, 10)
dpl._convert_fAm_to_nAm()
with tempfile.TemporaryDirectory() as folder:
    dpl.write(f"{folder}/dipole.txt")
timings["gather_write"] = time.perf_counter() - t0
timings["total"] = time.perf_counter() - started
timings["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
# Spikes of the 270 cells (gids 0-269), as hnn_netpyne_erp.py counts them.
timings["n_spikes"] = int((builder._all_spike_gids.as_numpy() < 270).sum())
with open(sys.argv[-1], "w") as fid:
    json.dump(timings, fid)
