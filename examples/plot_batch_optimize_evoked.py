"""
==================================================
Fit the drives of an evoked response
==================================================

Our version of hnn-core's ``Optimizer`` example, on a synthetic target: the
ERP is simulated with known values of three drive parameters (the times
of the first proximal and the distal drive, and the proximal drive's AMPA
weight onto L5 pyramidal cells), then fitted from other starting values.
The candidates are simulated by 2 Dask worker processes that keep their
built networks; the Bayesian solver (Optuna's TPE) asks for 2 candidates
at a time and the workers simulate them in parallel.

Writes ``batch_optimize_evoked.png``: the convergence and the dipoles.
"""

import os
from pathlib import Path

import matplotlib.pyplot as plt

from hnn_netpyne.api import add_erp_drives_to_jones_model, jones_2009_model, simulate_dipole
from hnn_netpyne.batch import Optimizer
from hnn_netpyne.batch.sweep_file import set_drive_values

TSTOP = float(os.environ.get("HNN_NETPYNE_EXAMPLE_TSTOP", 170.0))
OUTPUT = Path(os.environ.get("HNN_NETPYNE_EXAMPLE_OUTPUT", "hnn_netpyne_examples"))
SMALL = bool(os.environ.get("HNN_NETPYNE_EXAMPLE_SMALL"))
MAX_ITER = 6 if SMALL else 60

# Names of hnn-netpyne sweep files: <drive>.<field>[.<cell type>].
KNOWN = {"evprox1.mu": 26.61, "evdist1.mu": 63.53, "evprox1.weights_ampa.L5_pyramidal": 0.00865}
CONSTRAINTS = {"evprox1.mu": (20.0, 32.0), "evdist1.mu": (55.0, 70.0),
               "evprox1.weights_ampa.L5_pyramidal": (0.004, 0.016)}


def set_params(net, params):
    """hnn-core's Optimizer order: the network copy, then the candidate's values."""
    set_drive_values(params, net)


def erp_network():
    net = jones_2009_model(mesh_shape=(4, 4) if SMALL else (10, 10))
    add_erp_drives_to_jones_model(net)
    return net


if __name__ == "__main__":  # Dask's worker processes import this file
    OUTPUT.mkdir(parents=True, exist_ok=True)
    net = erp_network()
    target_net = erp_network()
    set_params(target_net, KNOWN)
    target = simulate_dipole(target_net, tstop=TSTOP, n_trials=1, verbose=False)[0]
    target.smooth(30.0)

    optimizer = Optimizer(net, TSTOP, CONSTRAINTS, set_params, solver="bayesian",
                          max_iter=MAX_ITER, n_jobs=2)
    optimizer.fit(target=target, smooth_window_len=30.0)
    for name, value in zip(CONSTRAINTS, optimizer.opt_params_):
        print(f"{name}: fitted {value:.5g}, known {KNOWN[name]:.5g}")

    fitted = simulate_dipole(optimizer.net_, tstop=TSTOP, n_trials=1, verbose=False)[0]
    fig, (ax_conv, ax_dpl) = plt.subplots(1, 2, figsize=(10, 4), constrained_layout=True)
    optimizer.plot_convergence(ax=ax_conv, show=False)
    ax_conv.set_ylabel("best RMSE (nAm)")
    ax_dpl.plot(target.times, target.data["agg"], color="black", label="target")
    ax_dpl.plot(fitted.times, fitted.smooth(30.0).data["agg"], color="tab:red", label="fitted")
    ax_dpl.set(xlabel="time (ms)", ylabel="aggregate dipole (nAm, smoothed 30 ms)")
    ax_dpl.legend()
    fig.savefig(OUTPUT / "batch_optimize_evoked.png", dpi=100)
