"""
===========================================
Use MPI for parallelization (hnn-core seed)
===========================================

hnn-core's gallery example "Use MPI backend for parallelization", line by
line, with hnn-core 0.6.1's argument names and values: HNN's default
network, one ~10 Hz distal bursty drive, simulated on 2 MPI ranks
(``mpiexec -n 2 nrniv -python -mpi``, started and cleaned up by
``simulate_dipole``).

Writes ``mpi_backend_dipole.png``, ``mpi_backend_dipole.txt`` (HNN's text
format) and the run folder ``mpi_backend_run/`` into the output folder.
"""

import os
from pathlib import Path

from hnn_netpyne import PARAM_DIR, MPIBackend, jones_2009_model, read_params, simulate_dipole

# Tests run a shorter simulation and write elsewhere; by default this is the
# full 310 ms example writing into ./hnn_netpyne_examples.
TSTOP = float(os.environ.get("HNN_NETPYNE_EXAMPLE_TSTOP", 310.0))
OUTPUT = Path(os.environ.get("HNN_NETPYNE_EXAMPLE_OUTPUT", "hnn_netpyne_examples"))
OUTPUT.mkdir(parents=True, exist_ok=True)

###############################################################################
# Read HNN's default parameters (hnn-core: ``hnn_core/param/default.json``).
params_fname = PARAM_DIR / "default.json"
params = read_params(params_fname)

###############################################################################
# Update the simulation length.
params.update({"tstop": TSTOP})

###############################################################################
# The default network (``default_network`` in old hnn-core) with a ~10 Hz
# bursty drive from 50 ms on: bursts of 2 spikes 10 ms apart, each burst
# jittered by 20 ms (standard deviation), from 10 drive cells.
net = jones_2009_model(params)

weights_ampa = {"L2_pyramidal": 5.4e-5, "L5_pyramidal": 5.4e-5}
net.add_bursty_drive(
    "bursty", tstart=50.0, burst_rate=10, burst_std=20.0, numspikes=2, spike_isi=10,
    n_drive_cells=10, location="distal", weights_ampa=weights_ampa, event_seed=278,
)

###############################################################################
# Simulate on 2 MPI ranks. ``output_dir`` keeps the run folder (results.npz,
# dipole and spike text files, the exact NetPyNE specs) for later analysis.
with MPIBackend(n_procs=2, mpi_cmd="mpiexec"):
    dpls = simulate_dipole(net, tstop=params["tstop"], n_trials=1, postproc=False,
                           output_dir=OUTPUT / "mpi_backend_run", overwrite=True)

trial_idx = 0
fig = dpls[trial_idx].plot()
fig.savefig(OUTPUT / "mpi_backend_dipole.png")
dpls[trial_idx].write(OUTPUT / "mpi_backend_dipole.txt")
