"""Figures of a run: dipoles, spike raster and spike histograms.

Every function draws into the Axes it is given, or into a new figure, and
returns the Figure. Figures are made with pyplot so that ``show=True`` works
in an interactive session; without a display, Matplotlib falls back to its
Agg backend, which is all :func:`save_figure` needs. The caller closes
figures it no longer needs (``plt.close(fig)``).
"""

import itertools
from pathlib import Path

import matplotlib.axes
import matplotlib.colors
import matplotlib.ticker
import matplotlib.pyplot as plt
import numpy as np

from hnn_netpyne.analysis.dipole import Dipole
from hnn_netpyne.analysis.io import atomic_write
from hnn_netpyne.cells.registry import cell_type, cell_type_names, dipole_populations, is_drive
from hnn_netpyne.errors import HNNNetpyneError

# A layer's dipole takes the colour of the (first) cell type that makes it.
LAYER_COLORS = dict({"agg": "black"}, **{layer: cell_type(types[0]).color
                                          for layer, types in dipole_populations().items()})
LAYER_NAMES = {"agg": "Aggregate (L2/3 + L5)", "L2": "L2/3", "L5": "L5"}
# Drives use the rest of the palette; past six, line styles tell them apart.
DRIVE_COLORS = ("tab:purple", "tab:brown", "tab:pink", "tab:gray", "tab:olive", "tab:cyan")
DRIVE_LINESTYLES = ("-", "--", ":")


def _new_axes(ax):
    """``ax``, or the Axes of a new single-panel figure if None."""
    if ax is None:
        _, ax = plt.subplots(constrained_layout=True)
    return ax


def _finish(ax, show):
    """Show if asked and return the figure of ``ax``."""
    if show:
        plt.show()
    return ax.figure


def _lighten(color, amount=0.5):
    """Blend ``color`` towards white by ``amount`` (0 keeps it, 1 gives white)."""
    rgb = np.array(matplotlib.colors.to_rgb(color))
    return tuple(rgb + (1.0 - rgb) * amount)


def _as_trials(dipoles):
    """A non-empty list of Dipole from one Dipole or a sequence of them."""
    trials = [dipoles] if isinstance(dipoles, Dipole) else list(dipoles)
    if not trials:
        raise HNNNetpyneError("no dipoles to plot")
    for trial in trials:
        if not isinstance(trial, Dipole):
            raise HNNNetpyneError(f"expected Dipole objects, got {type(trial).__name__}")
    return trials


def _time_window(trials, layer, tmin=None, tmax=None):
    """Times (ms) and per-trial traces of ``layer`` within [tmin, tmax].

    Raises
    ------
    HNNNetpyneError
        If the layer is unknown, the trials differ in times, units or scale,
        or fewer than two samples fall in the window.
    """
    if layer not in Dipole.LAYERS:
        raise HNNNetpyneError(f"unknown dipole layer {layer!r}; choose from {Dipole.LAYERS}")
    first = trials[0]
    for trial in trials[1:]:
        if (trial.units != first.units or trial.scale_applied != first.scale_applied
                or not np.array_equal(trial.times, first.times)):
            raise HNNNetpyneError("dipoles plotted together must share times, units and scale")
    keep = np.ones(first.times.shape, dtype=bool)
    if tmin is not None:
        keep &= first.times >= tmin
    if tmax is not None:
        keep &= first.times <= tmax
    if np.count_nonzero(keep) < 2:
        raise HNNNetpyneError(
            f"the window tmin={tmin}, tmax={tmax} ms holds fewer than two samples of "
            f"a dipole spanning {first.times[0]:g} to {first.times[-1]:g} ms"
        )
    return first.times[keep], [trial.data[layer][keep] for trial in trials]


def _plot_layer(ax, times, traces, layer, average):
    """Draw one layer's trials, and their mean if asked and there are several."""
    color, name, n = LAYER_COLORS[layer], LAYER_NAMES[layer], len(traces)
    if n == 1:
        ax.plot(times, traces[0], color=color, lw=1.5, label=name)
        return
    label = f"{name}, single trials" if average else f"{name}, {n} trials"
    for trace in traces:
        ax.plot(times, trace, color=_lighten(color), lw=0.8, label=label)
        label = None  # one legend entry for all trials
    if average:
        ax.plot(times, np.mean(traces, axis=0), color=color, lw=2.0,
                label=f"{name}, mean of {n} trials")


def plot_dipole(dipoles, ax=None, layers=("agg",), average=True, tmin=None, tmax=None,
                show=False):
    """Plot dipole time courses of one or more trials.

    Each trial is a thin, light line; with several trials and ``average``, their
    mean is drawn over them as a thick line. Each layer has its own colour
    (aggregate black, L2/3 orange, L5 red).

    Parameters
    ----------
    dipoles : Dipole | list of Dipole
        One Dipole per trial, sharing times (ms), units and scale.
    ax : matplotlib.axes.Axes | None
        Axes to draw in; a new figure if None.
    layers : sequence of str
        Any of 'agg', 'L2', 'L5'.
    average : bool
        Draw the trial mean when there is more than one trial.
    tmin, tmax : float | None
        Time window (ms) to draw; None for the dipole's start or end.
    show : bool
        Call ``plt.show()`` (needs an interactive backend).

    Returns
    -------
    fig : matplotlib.figure.Figure
        The figure holding ``ax``.
    """
    trials = _as_trials(dipoles)
    if not layers:
        raise HNNNetpyneError("no dipole layers to plot")
    ax = _new_axes(ax)
    for layer in layers:
        times, traces = _time_window(trials, layer, tmin, tmax)
        _plot_layer(ax, times, traces, layer, average)
    ax.set_xlim(times[0], times[-1])
    ax.set_xlabel("Time (ms)")
    ax.set_ylabel(f"Dipole ({trials[0].units})")
    ax.legend(loc="best", fontsize="small")
    return _finish(ax, show)


def _check_spikes(spike_times, spike_gids, gid_ranges):
    """Spike times (ms) and gids as arrays, each gid in one of ``gid_ranges``."""
    times = np.asarray(spike_times, dtype=float)
    gids = np.asarray(spike_gids, dtype=int)
    if times.ndim != 1 or times.shape != gids.shape:
        raise HNNNetpyneError(
            f"spike_times and spike_gids must be 1-D and of one length, got shapes "
            f"{times.shape} and {gids.shape}"
        )
    known = np.zeros(gids.shape, dtype=bool)
    for start, stop in gid_ranges.values():
        known |= (gids >= start) & (gids < stop)
    if not np.all(known):
        raise HNNNetpyneError(
            f"spikes of gids in no population: {np.unique(gids[~known])[:10].tolist()}"
        )
    return times, gids


def _in_population(gids, gid_ranges, population):
    """Mask of the gids in ``population``'s range [start, stop)."""
    start, stop = gid_ranges[population]
    return (gids >= start) & (gids < stop)


def _say_none(ax, what):
    """Write "no <what>" across the middle of ``ax`` (a panel with nothing to draw)."""
    ax.text(0.5, 0.5, f"no {what}", transform=ax.transAxes, ha="center", va="center",
            color="0.35")


def _spike_kind(populations):
    """'cell spikes', 'drive spikes' or 'spikes': what ``populations`` fire."""
    drives = [is_drive(p) for p in populations]
    return "drive spikes" if all(drives) else "cell spikes" if not any(drives) else "spikes"


def plot_spike_raster(spike_times, spike_gids, gid_ranges, ax=None, populations=None,
                      tstop=None, show=False):
    """Plot spikes as ticks at (time, gid), coloured by population.

    Parameters
    ----------
    spike_times : array of float
        Spike times (ms).
    spike_gids : array of int
        Gid of each spike.
    gid_ranges : dict
        Population -> [first gid, last gid + 1), drives included.
    ax : matplotlib.axes.Axes | None
        Axes to draw in; a new figure if None.
    populations : sequence of str | None
        Populations to draw; every cell type if None. Each gets a
        legend entry, even when silent; with no spike at all the axes say
        "no cell spikes".
    tstop : float | None
        The time axis is 0 to ``tstop`` (ms); None fits it to the spikes.
    show : bool
        Call ``plt.show()`` (needs an interactive backend).

    Returns
    -------
    fig : matplotlib.figure.Figure
        The figure holding ``ax``. Gid 0 is at the top, as in hnn-core.
    """
    times, gids = _check_spikes(spike_times, spike_gids, gid_ranges)
    populations = list(cell_type_names() if populations is None else populations)
    unknown = [p for p in populations if p not in gid_ranges]
    if unknown:
        raise HNNNetpyneError(f"populations {unknown} are not in gid_ranges {list(gid_ranges)}")
    ax = _new_axes(ax)
    extra_colors = itertools.cycle(DRIVE_COLORS)
    n_drawn = 0
    for population in populations:
        color = next(extra_colors) if is_drive(population) else cell_type(population).color
        mask = _in_population(gids, gid_ranges, population)
        n_drawn += np.count_nonzero(mask)
        ax.scatter(times[mask], gids[mask], s=12, marker="|", linewidths=0.8,
                   color=color, label=population)
    if tstop is not None:
        ax.set_xlim(0.0, tstop)
    if n_drawn == 0:
        _say_none(ax, _spike_kind(populations))
    first = min(gid_ranges[p][0] for p in populations)
    last = max(gid_ranges[p][1] for p in populations)
    ax.set_ylim(last - 0.5, first - 0.5)  # inverted: first gid on top
    ax.set_xlabel("Time (ms)")
    ax.set_ylabel("Cell (gid)")
    # Outside the axes, so that it hides no spikes.
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small", markerscale=2.0)
    return _finish(ax, show)


def _histogram_axes(ax):
    """(drive Axes, cell Axes): two stacked new ones, one given twice, or a given pair."""
    if ax is None:
        _, (ax_drives, ax_cells) = plt.subplots(2, 1, sharex=True, constrained_layout=True)
        return ax_drives, ax_cells
    if isinstance(ax, matplotlib.axes.Axes):
        return ax, ax
    ax_drives, ax_cells = ax
    return ax_drives, ax_cells


def plot_spike_histogram(spike_times, spike_gids, gid_ranges, tstop, ax=None, bin_ms=5.0,
                         show=False):
    """Plot spike counts per time bin of each drive and of each cell type.

    Parameters
    ----------
    spike_times : array of float
        Spike times (ms); those outside [0, tstop] are not counted.
    spike_gids : array of int
        Gid of each spike.
    gid_ranges : dict
        Population -> [first gid, last gid + 1); every population that is not
        a registered cell type is a drive.
    tstop : float
        End of the time axis (ms).
    ax : matplotlib.axes.Axes | pair of Axes | None
        One Axes for all histograms, (drive Axes, cell Axes), or None for a
        new figure with drives above cells. A panel without spikes says so
        ("no cell spikes"); counts start at 0.
    bin_ms : float
        Bin width (ms); bins start at 0.
    show : bool
        Call ``plt.show()`` (needs an interactive backend).

    Returns
    -------
    fig : matplotlib.figure.Figure
        The figure holding the Axes; each population is one step outline.
    """
    if not (tstop > 0 and bin_ms > 0):
        raise HNNNetpyneError(f"tstop and bin_ms must be positive, got {tstop}, {bin_ms}")
    times, gids = _check_spikes(spike_times, spike_gids, gid_ranges)
    edges = bin_ms * np.arange(int(np.ceil(tstop / bin_ms)) + 1)
    ax_drives, ax_cells = _histogram_axes(ax)
    drives = [p for p in gid_ranges if is_drive(p)]
    cells = [c for c in cell_type_names() if c in gid_ranges]
    most = {ax_drives: 0, ax_cells: 0}
    styles = itertools.product(DRIVE_LINESTYLES, DRIVE_COLORS)
    for drive, (linestyle, color) in zip(drives, itertools.cycle(styles)):
        counts, _ = np.histogram(times[_in_population(gids, gid_ranges, drive)], edges)
        ax_drives.stairs(counts, edges, label=drive, lw=1.2, color=color, linestyle=linestyle)
        most[ax_drives] = max(most[ax_drives], counts.max(initial=0))
    for name in cells:
        counts, _ = np.histogram(times[_in_population(gids, gid_ranges, name)], edges)
        ax_cells.stairs(counts, edges, label=name, lw=1.2, color=cell_type(name).color)
        most[ax_cells] = max(most[ax_cells], counts.max(initial=0))
    for axes, highest in most.items():
        axes.set_ylim(0.0, max(1.0, 1.05 * highest))  # counts: never below 0
        axes.yaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
        if highest == 0:
            _say_none(axes, _spike_kind(cells if axes is ax_cells else drives)
                      if ax_drives is not ax_cells else "spikes")
    ylabel = f"Spikes per {bin_ms:g} ms"
    if ax_drives is not ax_cells:
        ax_drives.set_title("Drive spikes", fontsize="medium")
        ax_cells.set_title("Cell spikes", fontsize="medium")
        ax_drives.set_ylabel(ylabel)
    for axes in {ax_drives, ax_cells}:
        axes.legend(loc="upper right", fontsize="small")
    ax_cells.set_ylabel(ylabel)
    ax_cells.set_xlabel("Time (ms)")
    ax_cells.set_xlim(0.0, tstop)
    return _finish(ax_cells, show)


def save_figure(fig, path, dpi=150):
    """Write ``fig`` as a PNG, atomically.

    The image goes to a temporary file in the target folder, which is then
    renamed to ``path``; a failed write leaves no partial file. The file's
    permissions follow the umask, as for a file made with ``open``.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure.
    path : str | Path
        Destination; its folder must exist.
    dpi : float
        Resolution (dots per inch).

    Returns
    -------
    path : Path
        The written file.
    """
    path = Path(path)
    atomic_write(path, lambda fid: fig.savefig(fid, format="png", dpi=dpi), binary=True)
    return path
