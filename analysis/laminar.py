"""Figures of a laminar electrode array: LFP traces by depth and a CSD image."""

import matplotlib.pyplot as plt
import numpy as np

from hnn_netpyne.analysis.plots import _finish, _new_axes


def _window(times, tmin, tmax):
    tmin = times[0] if tmin is None else tmin
    tmax = times[-1] if tmax is None else tmax
    return (times >= tmin) & (times <= tmax)


def plot_laminar_lfp(times, lfp_uV, depths_um, *, tmin=None, tmax=None, ax=None,
                     voltage_offset=50.0, voltage_scalebar=200.0, show=True, decim=None,
                     color="cividis"):
    """LFP of each contact (µV), one trace per contact, the first at the bottom.

    Parameters
    ----------
    times : array (n_times,)
        Sample times (ms).
    lfp_uV : array (n_contacts, n_times)
        Potentials (µV).
    depths_um : array (n_contacts,)
        z of each contact (µm); labels of the traces.
    voltage_offset : float
        Vertical distance (µV) between traces.
    voltage_scalebar : float | None
        Height (µV) of a scale bar at the top left.
    decim : int | list of int | None
        Decimate as hnn-core does (see
        :func:`hnn_netpyne.analysis.decimation.decimate_for_plot`).
    color : str
        A colour map (one colour per contact from it) or one colour for all.

    Returns
    -------
    fig : matplotlib.figure.Figure
    """
    from hnn_netpyne.analysis.decimation import decimate_for_plot

    if decim:
        lfp_uV, times = decimate_for_plot(decim, lfp_uV, times)
    ax = _new_axes(ax)
    keep = _window(times, tmin, tmax)
    colors = (plt.get_cmap(color)(np.linspace(0, 1, len(lfp_uV))) if color in plt.colormaps()
              else [color] * len(lfp_uV))
    offsets = voltage_offset * np.arange(len(lfp_uV))
    for trace, offset, color in zip(lfp_uV, offsets, colors):
        ax.plot(times[keep], trace[keep] + offset, color=color, lw=1)
    ax.set_yticks(offsets)
    ax.set_yticklabels([f"{z:g}" for z in depths_um])
    ax.set_ylabel("contact depth z (µm)")
    ax.set_xlabel("time (ms)")
    if voltage_scalebar:
        t0 = times[keep][0]
        top = offsets[-1] + voltage_offset
        ax.plot([t0, t0], [top - voltage_scalebar, top], color="k", lw=2)
        ax.text(t0, top, f" {voltage_scalebar:g} µV", va="top", fontsize=8)
    return _finish(ax, show)


def plot_laminar_csd(times, csd, depths_um, *, vmin=None, vmax=None, interpolation="spline",
                     sink="b", colorbar=True, ax=None, show=True):
    """Current source density image: time on x, contact depth on y.

    Parameters
    ----------
    times : array (n_times,)
        Sample times (ms).
    csd : array (n_contacts, n_times)
        CSD (µV/µm²), see
        :func:`hnn_netpyne.analysis.extracellular.current_source_density`.
    depths_um : array (n_contacts,)
        z of each contact (µm).
    interpolation : 'spline' | None
        Smooth the image (bicubic) or draw it as it is.
    sink : 'b' | 'r'
        Colour of sinks (negative CSD): blue or red.

    Returns
    -------
    fig : matplotlib.figure.Figure
    """
    ax = _new_axes(ax)
    cmap = "RdBu_r" if sink in ("b", "blue") else "RdBu"  # sinks are negative
    limit = np.max(np.abs(csd)) or 1.0
    image = ax.imshow(csd, aspect="auto", origin="lower", cmap=cmap,
                      vmin=-limit if vmin is None else vmin, vmax=limit if vmax is None else vmax,
                      interpolation="bicubic" if interpolation == "spline" else "nearest",
                      extent=[times[0], times[-1], depths_um[0], depths_um[-1]])
    ax.set_xlabel("time (ms)")
    ax.set_ylabel("contact depth z (µm)")
    if colorbar:
        ax.figure.colorbar(image, ax=ax, label="CSD (µV/µm²)")
    return _finish(ax, show)


def plot_laminar_array(times, lfp_uV, positions, title=""):
    """LFP traces (left) and CSD image (right) of one trial of a laminar array.

    ``times`` (ms) and ``lfp_uV`` (contacts x times) as in
    :func:`plot_laminar_lfp`; ``positions`` are the contacts' [x, y, z]
    (µm), equally spaced along z; ``title`` heads the figure.

    Returns
    -------
    fig : matplotlib.figure.Figure
    """
    from hnn_netpyne.analysis.extracellular import current_source_density, laminar_depths

    depths, spacing = laminar_depths(positions)
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 5), constrained_layout=True)
    offset = max(float(np.max(np.abs(lfp_uV))) / 2, 1e-9)
    plot_laminar_lfp(times, lfp_uV, depths, ax=left, voltage_offset=offset,
                     voltage_scalebar=float(f"{offset:.1g}"), show=False)
    left.set_title("LFP")
    plot_laminar_csd(times, current_source_density(lfp_uV, spacing), depths, ax=right,
                     show=False)
    right.set_title("CSD (sinks blue)")
    fig.suptitle(title)
    return fig


def draw_laminar_figures(folder, arrays, times, potentials):
    """Save ``laminar_<name>.png`` for each laminar array of a run (trial 1).

    Parameters
    ----------
    folder : pathlib.Path
        Run folder.
    arrays : list of dict
        The run's electrode arrays (``name``, ``positions`` ...); arrays that
        are not laminar are skipped.
    times : array
        Sample times (ms).
    potentials : dict
        Array name -> potentials of trial 1 (µV, contacts x times).

    Returns
    -------
    names : list of str
        File names written.
    """
    from hnn_netpyne.analysis.extracellular import laminar_depths
    from hnn_netpyne.analysis.plots import save_figure
    from hnn_netpyne.errors import HNNNetpyneError

    names = []
    for array in arrays:
        try:
            laminar_depths(array["positions"])
        except HNNNetpyneError:
            continue
        fig = plot_laminar_array(times, potentials[array["name"]], array["positions"],
                                 title=f"electrode array {array['name']!r} ({array['method']})")
        name = f"laminar_{array['name']}.png"
        save_figure(fig, folder / name)
        plt.close(fig)
        names.append(name)
    return names
