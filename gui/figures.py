"""The Results and Data figures, drawn with :mod:`hnn_netpyne.analysis`'s plots.

Each function returns a Matplotlib Figure (closed in pyplot, so the server
keeps no figure registry); the page shows it as an image.
"""

import numpy as np

from hnn_netpyne.analysis.figures import spectrogram_cycles, spectrogram_freqs

FIGSIZE_IN = (7.0, 3.4)
MAX_PSD_HZ = 100.0


def _figure(draw, *args, **kwargs):
    """A new figure of FIGSIZE_IN, with ``draw(ax, ...)`` on its one Axes."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=FIGSIZE_IN, constrained_layout=True)
    draw(ax, *args, **kwargs)
    plt.close(fig)
    return fig


def _note(ax, text):
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes, color="0.3")


def dipole_figure(session, labels, layers, smooth_ms, scale):
    """The dipoles (trial average) of runs ``labels`` overlaid, and the recorded one."""
    from hnn_netpyne.analysis.plots import LAYER_COLORS, LAYER_NAMES

    def draw(ax):
        styles = ("-", "--", ":", "-.")
        for k, label in enumerate(labels):
            dipole = session.shown_dipole(label, smooth_ms, scale)
            for layer in layers:
                ax.plot(dipole.times, dipole.data[layer], ls=styles[k % 4],
                        color=LAYER_COLORS[layer], lw=1.5, label=f"{label}: {LAYER_NAMES[layer]}")
        if session.data is not None:
            name, times, nAm = session.data
            ax.plot(times, nAm, color="tab:blue", lw=1.2, label=f"recorded: {name}")
        if not labels and session.data is None:
            _note(ax, "no finished run yet")
        ax.set_xlabel("Time (ms)")
        ax.set_ylabel("Dipole (nAm)" + (f", x{scale:g}" if scale != 1 else ""))
        if ax.lines:
            ax.legend(loc="best", fontsize="small")
        ax.set_title(f"Dipole, trial average; smoothing {smooth_ms:g} ms", fontsize="medium")
    return _figure(draw)


def raster_figure(session, label):
    """Spike raster of run ``label`` (all trials), or a note when nothing spiked."""
    from hnn_netpyne.analysis.plots import plot_spike_raster

    run = session.results(label)
    tstop = float(run["cfg"]["duration"])
    return _figure(lambda ax: plot_spike_raster(run["spike_times"], run["spike_gids"],
                                                run["gid_ranges"], ax=ax)
                   if run["spike_times"].size else _empty(ax, tstop, "no spikes in this run"))


def histogram_figure(session, label, bin_ms=5.0):
    """Spike histogram (drive and cell spikes per bin) of run ``label``."""
    from hnn_netpyne.analysis.plots import plot_spike_histogram

    run = session.results(label)
    tstop = float(run["cfg"]["duration"])
    return _figure(lambda ax: plot_spike_histogram(run["spike_times"], run["spike_gids"],
                                                   run["gid_ranges"], tstop, ax=ax,
                                                   bin_ms=bin_ms)
                   if run["spike_times"].size else _empty(ax, tstop, "no spikes in this run"))


def _empty(ax, tstop, text):
    ax.set_xlim(0, tstop)
    ax.set_xlabel("Time (ms)")
    _note(ax, text)


def psd_figure(session, labels, smooth_ms, scale):
    """Power spectral density of the aggregate dipole of runs ``labels``."""
    from hnn_netpyne.analysis.psd import plot_psd

    def draw(ax):
        for label in labels:
            dipole = session.shown_dipole(label, smooth_ms, scale)
            plot_psd(dipole, fmax=min(MAX_PSD_HZ, dipole.sfreq / 2), ax=ax, label=label,
                     show=False)
        if not labels:
            _note(ax, "no finished run yet")
    return _figure(draw)


def spectrogram_figure(session, label, smooth_ms, scale):
    """Morlet spectrogram of run ``label``'s aggregate dipole (5-100 Hz)."""
    from hnn_netpyne.analysis.spectrogram import plot_tfr_morlet

    dipole = session.shown_dipole(label, smooth_ms, scale)
    tstop = float(dipole.times[-1] - dipole.times[0])
    freqs = spectrogram_freqs(tstop)

    def draw(ax):
        if freqs.size:
            plot_tfr_morlet(dipole, freqs, n_cycles=spectrogram_cycles(freqs, tstop), ax=ax)
        else:
            _empty(ax, tstop, f"a {tstop:g} ms run is too short for a 5-100 Hz spectrogram")
    return _figure(draw)


def positions_figure(net):
    """The soma positions (µm) of ``net``'s cells and the drive origin, in 3-D."""
    import matplotlib.pyplot as plt

    from hnn_netpyne.analysis.network_plots import plot_cell_positions

    fig = plt.figure(figsize=(6.0, 4.5), constrained_layout=True)
    plot_cell_positions(net.pos_dict, ax=fig.add_subplot(projection="3d"), show=False)
    plt.close(fig)
    return fig
