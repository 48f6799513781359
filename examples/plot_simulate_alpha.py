"""
=================================
Simulate alpha and beta rhythms
=================================

hnn-core's gallery example "Simulate Alpha and Beta Rhythms": a ~10 Hz
proximal bursty drive gives an alpha rhythm; adding a 10 Hz distal drive
whose bursts arrive at the other end of the pyramidal dendrites shifts
power towards beta. Both simulations run on 2 MPI ranks (``n_procs=2``;
hnn-core's example runs in its own process), which builds the network
several times faster than one process.

Writes ``alpha_dipole_psd.png`` and ``alpha_beta_dipole_psd.png``.
"""

import os
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from hnn_netpyne.api import jones_2009_model, simulate_dipole

# Tests run a shorter simulation and write elsewhere; by default this is the
# full 310 ms example writing into ./hnn_netpyne_examples.
TSTOP = float(os.environ.get("HNN_NETPYNE_EXAMPLE_TSTOP", 310.0))
OUTPUT = Path(os.environ.get("HNN_NETPYNE_EXAMPLE_OUTPUT", "hnn_netpyne_examples"))
OUTPUT.mkdir(parents=True, exist_ok=True)


def plot_raw_and_smooth(ax, raw, smooth, tmin, tmax):
    """Aggregate dipole before (blue) and after (red) smoothing, within [tmin, tmax] ms."""
    keep = (raw.times >= tmin) & (raw.times <= tmax)
    ax.plot(raw.times[keep], raw.data["agg"][keep], color="b", label="raw")
    ax.plot(smooth.times[keep], smooth.data["agg"][keep], color="r", label="smoothed")
    ax.set_xlabel("Time (ms)")
    ax.set_ylabel(f"Dipole ({raw.units})")
    ax.legend(fontsize="small")


def plot_psd(ax, dpl, tmin, fmin, fmax):
    """Periodogram of the aggregate dipole after ``tmin`` ms (hnn-core's ``plot_psd``)."""
    data = dpl.data["agg"][dpl.times >= tmin]
    freqs = np.fft.rfftfreq(data.size, d=dpl.dt / 1000.0)
    power = np.abs(np.fft.rfft(data - data.mean())) ** 2 / data.size
    keep = (freqs >= fmin) & (freqs <= fmax)
    ax.plot(freqs[keep], power[keep], color="k")
    ax.set_xlabel("Frequency (Hz)")
    ax.set_ylabel(f"Power ({dpl.units}$^2$/bin)")


def add_alpha_drive(net, name, location, burst_std, synaptic_delays, event_seed):
    """A 10 Hz bursty drive from 50 ms on: bursts of 2 spikes 10 ms apart, jittered by
    ``burst_std`` ms, from 10 drive cells onto both pyramidal types (AMPA, 5.4e-5 µS)."""
    net.add_bursty_drive(
        name, tstart=50.0, burst_rate=10, burst_std=burst_std, numspikes=2, spike_isi=10,
        n_drive_cells=10, location=location,
        weights_ampa={"L2_pyramidal": 5.4e-5, "L5_pyramidal": 5.4e-5},
        synaptic_delays=synaptic_delays, event_seed=event_seed,
    )


###############################################################################
# The proximal alpha drive, jittered by 20 ms.
net = jones_2009_model()
add_alpha_drive(net, "alpha_prox", "proximal", burst_std=20,
                synaptic_delays={"L2_pyramidal": 0.1, "L5_pyramidal": 1.0}, event_seed=284)

dpl = simulate_dipole(net, tstop=TSTOP, n_trials=1, n_procs=2)

trial_idx = 0
dpl[trial_idx].scale(3000)  # emulate a larger patch of cortex

###############################################################################
# A smoothed copy (20 ms Hamming window) over the raw dipole, and the PSD,
# leaving out the first 10 ms.
tmin, tmax = 10, min(300, TSTOP)
window_len = 20
dpl_smooth = dpl[trial_idx].copy().smooth(window_len)

fig, axes = plt.subplots(2, 1, constrained_layout=True)
plot_raw_and_smooth(axes[0], dpl[trial_idx], dpl_smooth, tmin, tmax)
plot_psd(axes[1], dpl[trial_idx], tmin, fmin=1.0, fmax=1e3)
axes[1].set_xscale("log")
fig.savefig(OUTPUT / "alpha_dipole_psd.png")

###############################################################################
# Add a simultaneous 10 Hz distal drive with less jitter (15 ms) and
# simulate again (not scaled this time).
add_alpha_drive(net, "alpha_dist", "distal", burst_std=15,
                synaptic_delays={"L2_pyramidal": 5.0, "L5_pyramidal": 5.0}, event_seed=296)
dpl = simulate_dipole(net, tstop=TSTOP, n_trials=1, n_procs=2)

fig, axes = plt.subplots(3, 1, constrained_layout=True)
net.cell_response.plot_spikes_hist(ax=axes[0])
smooth_dpl = dpl[trial_idx].copy().smooth(window_len)
plot_raw_and_smooth(axes[1], dpl[trial_idx], smooth_dpl, tmin, tmax)
plot_psd(axes[2], dpl[trial_idx], tmin, fmin=0.0, fmax=40.0)
fig.savefig(OUTPUT / "alpha_beta_dipole_psd.png")
