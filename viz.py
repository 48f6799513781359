"""hnn-core's plotting functions (``hnn_core.viz``) over this package's figures.

Each takes hnn-core 0.6.1's arguments and returns the Matplotlib figure.
"""

import numpy as np

from hnn_netpyne.analysis.connectivity_plots import (
    plot_cell_connectivity,
    plot_connectivity_matrix,
    plot_drive_strength,
)
from hnn_netpyne.analysis.network_plotter import NetworkPlotter
from hnn_netpyne.analysis.tfr import tfr_array_morlet
from hnn_netpyne.errors import ParameterError

__all__ = ["NetworkPlotter", "plot_cell_connectivity", "plot_cell_morphology", "plot_cells",
           "plot_connectivity_matrix", "plot_dipole",
           "plot_drive_strength", "plot_laminar_csd", "plot_laminar_lfp", "plot_psd",
           "plot_spikes_hist", "plot_spikes_raster", "plot_tfr_morlet", "plt_show",
           "tfr_array_morlet"]


def plot_dipole(dpl, tmin=None, tmax=None, ax=None, layer="agg", decim=None, color="k",
                label="average", average=False, show=True):
    """Plot one or several trials' dipoles, one axes per layer (hnn-core's signature).

    Parameters
    ----------
    dpl : Dipole | list of Dipole
        Trials sharing times, units and scale.
    tmin, tmax : float | None
        Time axis limits (ms).
    ax : matplotlib.axes.Axes | list of Axes | None
        One axes per layer; new ones if None.
    layer : str | list of str
        'agg', 'L2', 'L5', or a list of them.
    decim : int | None
        Keep every ``decim``-th sample.
    color : str
        Colour of the trials (lightened) and of their average.
    label : str
        Legend label of the average.
    average : bool
        Draw the trial average over the trials.
    show : bool
        Call ``plt.show()``.

    Returns
    -------
    fig : matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    from hnn_netpyne.analysis.dipole import average_dipoles
    from hnn_netpyne.analysis.plots import _as_trials, _lighten

    layers = layer if isinstance(layer, list) else [layer]
    if ax is None:
        _, ax = plt.subplots(len(layers), 1, constrained_layout=True, sharex=True,
                             sharey=True)
    axes = list(np.atleast_1d(ax))
    if len(axes) != len(layers):
        raise ParameterError("give one axes per layer", key="ax", value=len(axes))
    trials = [d._decimated(decim) if decim else d for d in _as_trials(dpl)]
    for name, axis in zip(layers, axes):
        for trial in trials:
            axis.plot(trial.times, trial.data[name], color=_lighten(color), lw=1.0,
                      alpha=0.5 if average else 1.0)
        if average:
            mean = average_dipoles(trials) if len(trials) > 1 else trials[0]
            axis.plot(mean.times, mean.data[name], color=color, label=label, lw=1.5)
            axis.legend()
        axis.set_xlim(tmin if tmin is not None else 0.0,
                      tmax if tmax is not None else trials[0].times[-1])
        axis.set_xlabel("Time (ms)")
        axis.set_ylabel(f"Dipole moment ({trials[0].units})")
        axis.set_title(name)
    if show:
        plt.show()
    return axes[0].figure


def plot_psd(dpl, *, fmin=0, fmax=None, tmin=None, tmax=None, layer="agg", color=None,
             label=None, ax=None, show=True):
    """Power spectral density (see :func:`hnn_netpyne.analysis.psd.plot_psd`)."""
    from hnn_netpyne.analysis.psd import plot_psd as _plot_psd

    return _plot_psd(dpl, fmin=fmin, fmax=fmax, tmin=tmin, tmax=tmax, layer=layer,
                     color=color, label=label, ax=ax, show=show)


def plot_tfr_morlet(dpl, freqs, *, n_cycles=7.0, tmin=None, tmax=None, layer="agg",
                    decim=None, padding="zeros", ax=None, colormap="inferno", colorbar=True,
                    colorbar_inside=False, show=True):
    """Morlet time-frequency power of one or several trials (averaged)."""
    from hnn_netpyne.analysis.dipole import Dipole
    from hnn_netpyne.analysis.spectrogram import plot_tfr_morlet as _plot_tfr

    if isinstance(dpl, Dipole):
        return dpl.plot_tfr_morlet(freqs, n_cycles=n_cycles, tmin=tmin, tmax=tmax,
                                   layer=layer, decim=decim, padding=padding, ax=ax,
                                   colormap=colormap, colorbar=colorbar,
                                   colorbar_inside=colorbar_inside, show=show)
    trials = [d._decimated(decim) if decim else d for d in dpl]
    fig = _plot_tfr(trials, freqs, n_cycles=n_cycles, layer=layer, tmin=tmin, tmax=tmax,
                    ax=ax, colorbar=colorbar, show=False, colormap=colormap, padding=padding)
    if show:
        import matplotlib.pyplot as plt

        plt.show()
    return fig


def plot_spikes_hist(cell_response, trial_idx=None, ax=None, spike_types=None, color=None,
                     invert_spike_types=None, show=True, **kwargs_hist):
    """Spike histograms (see :meth:`CellResponse.plot_spikes_hist`)."""
    return cell_response.plot_spikes_hist(trial_idx=trial_idx, ax=ax, spike_types=spike_types,
                                          color=color, invert_spike_types=invert_spike_types,
                                          show=show, **kwargs_hist)


def plot_spikes_raster(cell_response, trial_idx=None, ax=None, show=True, cell_types=None,
                       colors=None, show_legend=True, marker_size=1.0, dpl=None,
                       overlay_dipoles=False):
    """Spike raster (see :meth:`CellResponse.plot_spikes_raster`)."""
    return cell_response.plot_spikes_raster(
        trial_idx=trial_idx, ax=ax, show=show, cell_types=cell_types, colors=colors,
        show_legend=show_legend, marker_size=marker_size, dpl=dpl,
        overlay_dipoles=overlay_dipoles)


def plot_cells(net, ax=None, show=True):
    """Soma positions of the cell types in 3-D (see :meth:`Network.plot_cells`)."""
    return net.plot_cells(ax=ax, show=show)


def plot_cell_morphology(cell, ax=None, color=None, pos=(0, 0, 0), xlim=(-250, 150),
                         ylim=(-100, 100), zlim=(-100, 1200), show=True):
    """A cell's sections in 3-D (µm; see :meth:`hnn_netpyne.cells.cell.Cell.plot_morphology`)."""
    return cell.plot_morphology(ax=ax, color=color, pos=pos, xlim=xlim, ylim=ylim, zlim=zlim,
                                show=show)


def plt_show(show=True, fig=None, **kwargs):
    """Show ``fig`` (or every figure) if ``show``; ``kwargs`` go to ``show``."""
    import matplotlib.pyplot as plt

    if show:
        (fig.show if fig is not None else plt.show)(**kwargs)


def plot_laminar_lfp(times, data, contact_labels, tmin=None, tmax=None, ax=None, decim=None,
                     color="cividis", voltage_offset=50, voltage_scalebar=200, show=True):
    """LFP traces (µV) of a laminar array, contacts x times (hnn-core's signature; see
    :func:`hnn_netpyne.analysis.laminar.plot_laminar_lfp`)."""
    from hnn_netpyne.analysis.laminar import plot_laminar_lfp as _plot_laminar_lfp

    return _plot_laminar_lfp(np.asarray(times, float), np.asarray(data, float),
                             contact_labels, tmin=tmin, tmax=tmax, ax=ax, decim=decim,
                             color=color, voltage_offset=voltage_offset,
                             voltage_scalebar=voltage_scalebar, show=show)


def plot_laminar_csd(times, data, contact_labels, ax=None, colorbar=True, vmin=None, vmax=None,
                     sink="b", interpolation="spline", show=True):
    """CSD image of a laminar array (hnn-core's signature; see
    :func:`hnn_netpyne.analysis.laminar.plot_laminar_csd`)."""
    from hnn_netpyne.analysis.laminar import plot_laminar_csd as _plot_laminar_csd

    return _plot_laminar_csd(np.asarray(times, float), np.asarray(data, float),
                             np.asarray(contact_labels, float), vmin=vmin, vmax=vmax,
                             interpolation=interpolation, sink=sink, colorbar=colorbar,
                             ax=ax, show=show)
