"""
==========================================
Simulate event related potentials (ERPs)
==========================================

hnn-core's gallery example "Simulate Event Related Potentials": a
threshold-level tactile evoked response from one distal and two proximal
evoked drives (the drives of ``add_erp_drives_to_jones_model``), 2 trials,
smoothed and scaled, with the spike histogram and the layer dipoles.

hnn-core ran the trials in parallel with ``JoblibBackend(n_jobs=2)``; here
2 MPI ranks share the cells of each trial. The second half of hnn-core's
example (synchronous drives) is the same calls with ``n_drive_cells=1,
cell_specific=False``.

Writes ``evoked_dipole_spikes.png`` and ``evoked_layers.png``.
"""

import os
from pathlib import Path

import matplotlib.pyplot as plt

from hnn_netpyne.analysis.plots import plot_dipole
from hnn_netpyne import MPIBackend, jones_2009_model, simulate_dipole

# Tests run a shorter simulation and write elsewhere; by default this is the
# full 170 ms example writing into ./hnn_netpyne_examples.
TSTOP = float(os.environ.get("HNN_NETPYNE_EXAMPLE_TSTOP", 170.0))
OUTPUT = Path(os.environ.get("HNN_NETPYNE_EXAMPLE_OUTPUT", "hnn_netpyne_examples"))
OUTPUT.mkdir(parents=True, exist_ok=True)

###############################################################################
# The default network.
net = jones_2009_model()

###############################################################################
# A distal evoked drive, with AMPA and NMDA weights (µS) per cell type.
weights_ampa_d1 = {"L2_basket": 0.006562, "L2_pyramidal": 0.000007, "L5_pyramidal": 0.142300}
weights_nmda_d1 = {"L2_basket": 0.019482, "L2_pyramidal": 0.004317, "L5_pyramidal": 0.080074}
synaptic_delays_d1 = {"L2_basket": 0.1, "L2_pyramidal": 0.1, "L5_pyramidal": 0.1}
net.add_evoked_drive(
    "evdist1", mu=63.53, sigma=3.85, numspikes=1, weights_ampa=weights_ampa_d1,
    weights_nmda=weights_nmda_d1, location="distal", synaptic_delays=synaptic_delays_d1,
    event_seed=274,
)

###############################################################################
# Two proximal evoked drives (AMPA only): (mean time ms, jitter ms, seed, weights µS).
synaptic_delays_prox = {"L2_basket": 0.1, "L2_pyramidal": 0.1, "L5_basket": 1.0,
                        "L5_pyramidal": 1.0}
proximal_drives = {
    "evprox1": (26.61, 2.47, 544, {"L2_basket": 0.08831, "L2_pyramidal": 0.01525,
                                   "L5_basket": 0.19934, "L5_pyramidal": 0.00865}),
    "evprox2": (137.12, 8.33, 814, {"L2_basket": 0.000003, "L2_pyramidal": 1.438840,
                                    "L5_basket": 0.008958, "L5_pyramidal": 0.684013}),
}
for name, (mu, sigma, seed, weights_ampa) in proximal_drives.items():
    net.add_evoked_drive(name, mu=mu, sigma=sigma, numspikes=1, weights_ampa=weights_ampa,
                         location="proximal", synaptic_delays=synaptic_delays_prox,
                         event_seed=seed)

###############################################################################
# Simulate 2 trials; each trial redraws the drives' spike times.
with MPIBackend(n_procs=2):
    dpls = simulate_dipole(net, tstop=TSTOP, n_trials=2)

###############################################################################
# Smooth (30 ms Hamming window) and scale (x 3000) in place.
window_len, scaling_factor = 30, 3000
for dpl in dpls:
    dpl.smooth(window_len).scale(scaling_factor)

###############################################################################
# The aggregate dipole of both trials and their mean, over the spike histogram.
fig, axes = plt.subplots(2, 1, sharex=True, figsize=(6, 6), constrained_layout=True)
plot_dipole(dpls, ax=axes[0], layers=("agg",))
net.cell_response.plot_spikes_hist(ax=axes[1])
fig.savefig(OUTPUT / "evoked_dipole_spikes.png")

###############################################################################
# Each layer's contribution, trial by trial.
fig = plot_dipole(dpls, average=False, layers=("L2", "L5", "agg"))
fig.savefig(OUTPUT / "evoked_layers.png")
