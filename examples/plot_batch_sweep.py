"""
==================================================
Sweep a drive weight and plot the dipole peak
==================================================

Our version of hnn-core's ``BatchSimulate`` example: the ERP network with
one more proximal evoked drive whose AMPA weight onto the L5 pyramidal
cells is swept over 8 values, on a local Dask cluster of 2 worker
processes. Each worker builds the network once and, for the next weight,
only sets the new NetCon weights before simulating again.

The sweep's store (``sweep/sweep.h5``) holds the parameter table with each
point's summary statistics and every dipole; run the script again and it
finds the finished sweep and simulates nothing.

Writes ``batch_sweep.png``.
"""

import os
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from hnn_netpyne.api import add_erp_drives_to_jones_model, jones_2009_model
from hnn_netpyne.batch import BatchSimulate, read_table

# Tests run a smaller network for less time and write elsewhere.
TSTOP = float(os.environ.get("HNN_NETPYNE_EXAMPLE_TSTOP", 170.0))
OUTPUT = Path(os.environ.get("HNN_NETPYNE_EXAMPLE_OUTPUT", "hnn_netpyne_examples"))
MESH = (4, 4) if os.environ.get("HNN_NETPYNE_EXAMPLE_SMALL") else (10, 10)


def set_params(param_values, net):
    """hnn-core's argument order: the point's values, then the network copy."""
    net.add_evoked_drive("evprox_sweep", mu=40.0, sigma=5.0, numspikes=1, location="proximal",
                         weights_ampa={"L5_pyramidal": param_values["weight_pyr"]})


if __name__ == "__main__":  # Dask's worker processes import this file
    OUTPUT.mkdir(parents=True, exist_ok=True)
    net = jones_2009_model(mesh_shape=MESH)
    add_erp_drives_to_jones_model(net)
    weights = np.logspace(-4, -1.5, 8).tolist()  # µS
    batch = BatchSimulate(set_params, net=net, tstop=TSTOP, save_folder=OUTPUT / "sweep",
                          save_outputs=True)
    results = batch.run({"weight_pyr": weights}, n_jobs=2)

    table = read_table(OUTPUT / "sweep" / "sweep.h5")
    print(table[["weight_pyr", "status", "dpl_peak_nAm", "rebuilt", "cpu_s"]])
    fig, (ax_dpl, ax_peak) = plt.subplots(1, 2, figsize=(10, 4), constrained_layout=True)
    colours = plt.cm.viridis(np.linspace(0, 1, len(weights)))
    for point, colour in zip(results["simulated_data"][0], colours):
        dpl = point["dpl"][0]
        ax_dpl.plot(dpl.times, dpl.data["agg"], color=colour,
                    label=f"{point['param_values']['weight_pyr']:.1e} µS")
    ax_dpl.set(xlabel="time (ms)", ylabel="aggregate dipole (nAm)", title="dipoles")
    ax_dpl.legend(fontsize=7)
    ax_peak.semilogx(table["weight_pyr"], table["dpl_peak_nAm"], "o-", color="black")
    ax_peak.set(xlabel="L5 pyramidal AMPA weight of the extra drive (µS)",
                ylabel="peak |dipole| (nAm)", title="dipole peak against drive weight")
    fig.savefig(OUTPUT / "batch_sweep.png", dpi=100)
