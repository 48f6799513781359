"""
=======================
Simulate gamma rhythms
=======================

hnn-core's gallery example "Simulate Gamma Rhythms": pyramidal-interneuron
gamma (PING) on the weak-L5/weak-L2 parameter set, driven by Poisson
trains; then "strong" PING with a tonic bias on the L5 pyramidal cells.
Both simulations run on 2 MPI ranks (``n_procs=2``; hnn-core's example runs
in its own process), which builds the network several times faster than
one process.

hnn-core's example ends with a faster rhythm from a shorter GABA-A decay on
L5 pyramidal cells (``...synapses['gabaa']['tau2'] = 2``). Here the network
is NetPyNE specs underneath, so that is an edit of the specs::

    cfg, net_params = net.to_netpyne(tstop=250., n_trials=1)
    net_params['synMechParams']['L5Pyr_gabaa']['tau2'] = 2.0
    dpls, cell_response = simulate_netpyne(cfg, net_params, n_procs=2)

Writes ``gamma_raster.png``, ``gamma_dipole_tfr.png`` and ``gamma_tonic.png``.
"""

import os
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from hnn_netpyne.analysis.figures import spectrogram_cycles
from hnn_netpyne.analysis.spectrogram import plot_tfr_morlet
from hnn_netpyne.api import PARAM_DIR, jones_2009_model, read_params, simulate_dipole

# Tests run a shorter simulation and write elsewhere; by default this is the
# full 250 ms example writing into ./hnn_netpyne_examples.
TSTOP = float(os.environ.get("HNN_NETPYNE_EXAMPLE_TSTOP", 250.0))
OUTPUT = Path(os.environ.get("HNN_NETPYNE_EXAMPLE_OUTPUT", "hnn_netpyne_examples"))
OUTPUT.mkdir(parents=True, exist_ok=True)

###############################################################################
# The weak-PING parameter set; print its between-cell weights.
params_fname = PARAM_DIR / "gamma_L5weak_L2weak.json"
params = read_params(params_fname)
print(params["gbar_L*"])

###############################################################################
# Poisson excitation of the pyramidal cells, one trial.
net = jones_2009_model(params)

weights_ampa = {"L2_pyramidal": 0.0008, "L5_pyramidal": 0.0075}
synaptic_delays = {"L2_pyramidal": 0.1, "L5_pyramidal": 1.0}
rate_constant = {"L2_pyramidal": 140.0, "L5_pyramidal": 40.0}
net.add_poisson_drive(
    "poisson", rate_constant=rate_constant, weights_ampa=weights_ampa, location="proximal",
    synaptic_delays=synaptic_delays, event_seed=1349,
)

dpls = simulate_dipole(net, tstop=TSTOP, n_procs=2)
scaling_factor = 30000
dpls = [dpl.scale(scaling_factor) for dpl in dpls]  # in place

fig = net.cell_response.plot_spikes_raster()
fig.savefig(OUTPUT / "gamma_raster.png")

###############################################################################
# Dipole and Morlet time-frequency power, leaving out the first 50 ms while
# the network settles (half the run if it is shorter, as in tests). Seven
# cycles per wavelet (hnn-core's choice) where the wavelet fits in the
# signal, fewer at the low frequencies where it would not.
tmin = min(50.0, TSTOP / 2)
trial_idx = 0
freqs = np.arange(20.0, 100.0, 1.0)
n_cycles = spectrogram_cycles(freqs, TSTOP - tmin, most=7.0)

fig, axes = plt.subplots(2, 1, sharex=True, figsize=(6, 6), constrained_layout=True)
dpls[trial_idx].plot(tmin=tmin, ax=axes[0])
plot_tfr_morlet(dpls[trial_idx], freqs, n_cycles=n_cycles, tmin=tmin, ax=axes[1])
fig.savefig(OUTPUT / "gamma_dipole_tfr.png")

###############################################################################
# Strong PING: a tonic bias (6 nA) on the L5 pyramidal cells for the whole run.
net.add_tonic_bias(amplitude={"L5_pyramidal": 6.0})
dpls = simulate_dipole(net, tstop=TSTOP, n_trials=1, n_procs=2)
dpls = [dpl.scale(scaling_factor) for dpl in dpls]

fig, axes = plt.subplots(2, 1, sharex=True, figsize=(6, 6), constrained_layout=True)
dpls[trial_idx].plot(ax=axes[0])
net.cell_response.plot_spikes_raster(ax=axes[1])
fig.savefig(OUTPUT / "gamma_tonic.png")
