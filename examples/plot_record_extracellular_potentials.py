"""
==================================
Record extracellular potentials
==================================

hnn-core's gallery example "Record extracellular potentials": the ERP
drives, a laminar electrode array beside the column (25 contacts, 100 µm
apart, point-source method) and one more contact, then the LFP traces and
the current source density (CSD) of the laminar array.

The potentials are summed inside NEURON (see
``hnn_netpyne.runtime.extracellular``), so this runs the same on MPI ranks,
with threads and with ``coreneuron=True``.

Writes ``laminar_lfp_csd.png``.
"""

import os
from pathlib import Path

import matplotlib.pyplot as plt

from hnn_netpyne.api import add_erp_drives_to_jones_model, jones_2009_model, simulate_dipole

# Tests run a shorter simulation and write elsewhere; by default this is the
# full 170 ms example writing into ./hnn_netpyne_examples.
TSTOP = float(os.environ.get("HNN_NETPYNE_EXAMPLE_TSTOP", 170.0))
OUTPUT = Path(os.environ.get("HNN_NETPYNE_EXAMPLE_OUTPUT", "hnn_netpyne_examples"))
OUTPUT.mkdir(parents=True, exist_ok=True)

###############################################################################
# The default network with the three ERP drives.
net = jones_2009_model()
add_erp_drives_to_jones_model(net)

###############################################################################
# A linear shank of contacts along the apical axis (z, µm), 135 µm beside the
# column in x and y, and a single contact near the L2/3 somata.
depths = list(range(-325, 2150, 100))
net.add_electrode_array("shank1", [(135, 135, depth) for depth in depths])
net.add_electrode_array("shank2", (180, 180, 1200))

###############################################################################
# Simulate (CoreNEURON halves the solve time and gives the same potentials).
dpls = simulate_dipole(net, tstop=TSTOP, coreneuron=True)
print(net.rec_arrays["shank1"])

###############################################################################
# LFP traces (smoothed 2 ms copy) and the CSD image of the laminar shank.
fig, axes = plt.subplots(1, 2, figsize=(11, 5), constrained_layout=True)
net.rec_arrays["shank1"].copy().smooth(window_len=2.0).plot_lfp(ax=axes[0], show=False,
                                                               voltage_offset=50,
                                                               voltage_scalebar=100)
axes[0].set_title("LFP (µV), shank1")
net.rec_arrays["shank1"].plot_csd(ax=axes[1], show=False)
axes[1].set_title("CSD, shank1 (sinks blue)")
fig.savefig(OUTPUT / "laminar_lfp_csd.png", dpi=150)
