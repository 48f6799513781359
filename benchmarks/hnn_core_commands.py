"""hnn-core 0.6.1's own command for the scenarios of ``benchmarks/commands.py``.

Run with the validation environment's Python (hnn-core pins NEURON <= 8.2.7):
``../hnnval/bin/python benchmarks/hnn_core_commands.py SCENARIO`` with
SCENARIO ``erp`` (170 ms, one process), ``seed`` (the main job's seed
scenario, hnn-core's MPI example, 310 ms, one process) or ``erp4_joblib2``
(the ERP's 4 trials on ``JoblibBackend(n_jobs=2)``). Prints the cell spikes
of the first trial. Never uses hnn-core's MPIBackend (it kills every process
named nrniv on exit).
"""

import sys

from hnn_core import JoblibBackend, jones_2009_model, neymotin_2020_model, simulate_dipole
from hnn_core.network_models import add_erp_drives_to_jones_model

N_CELLS = 270
"""Cells of the default network (gids 0-269); the rest are drive cells."""


def erp_network():
    net = jones_2009_model()
    add_erp_drives_to_jones_model(net)
    return net


def seed_network():
    """The network and drive of hnn-core's ``plot_simulate_mpi_backend.py`` example."""
    net = neymotin_2020_model()
    weights = {"L2_pyramidal": 5.4e-5, "L5_pyramidal": 5.4e-5}
    net.add_bursty_drive("bursty", tstart=50.0, burst_rate=10.0, burst_std=20.0, numspikes=2,
                         spike_isi=10.0, n_drive_cells=10, location="distal",
                         weights_ampa=weights, event_seed=278)
    return net


def main(scenario):
    if scenario == "erp":
        net = erp_network()
        simulate_dipole(net, tstop=170.0, n_trials=1, verbose=False)
    elif scenario == "seed":
        net = seed_network()
        simulate_dipole(net, tstop=310.0, n_trials=1, verbose=False)
    elif scenario == "erp4_joblib2":
        net = erp_network()
        with JoblibBackend(n_jobs=2):
            simulate_dipole(net, tstop=170.0, n_trials=4, verbose=False)
    else:
        raise SystemExit(f"unknown scenario {scenario!r}")
    gids = net.cell_response.spike_gids[0]
    print(f"cell spikes (trial 1): {sum(1 for gid in gids if gid < N_CELLS)}")


if __name__ == "__main__":
    main(sys.argv[1])
