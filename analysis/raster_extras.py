"""What hnn-core's raster and histogram add to the plain figures of :mod:`hnn_netpyne.analysis.plots`.

Spike colours and sizes, raster bands for spikes read without gid ranges,
and the layers' dipoles drawn over the raster.
"""

import numpy as np

from hnn_netpyne.errors import ParameterError


def ranges_from_types(spike_gids, spike_types):
    """Population -> [first gid, last gid + 1) of the gids seen with each spike type."""
    ranges = {}
    for gids, types in zip(spike_gids, spike_types):
        for gid, kind in zip(gids, types):
            low, high = ranges.get(kind, (gid, gid + 1))
            ranges[kind] = (min(low, gid), max(high, gid + 1))
    return {kind: list(bounds) for kind, bounds in ranges.items()}


def style_raster(ax, populations, colors, marker_size):
    """Colour (list in ``populations``' order, or dict) and size (points²) the raster's spikes."""
    if isinstance(colors, list) and len(colors) != len(populations):
        raise ParameterError(f"give one colour per cell type ({len(populations)})",
                             key="colors", value=len(colors))
    if colors is not None and not isinstance(colors, (list, dict)):
        raise ParameterError("colors must be a list or a dict", key="colors", value=colors)
    chosen = dict(zip(populations, colors)) if isinstance(colors, list) else (colors or {})
    for collection in ax.collections:
        label = collection.get_label()
        if label in chosen:
            collection.set_color(chosen[label])
        collection.set_sizes([marker_size])
    if ax.get_legend() is not None:
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small",
                  markerscale=2.0)


def overlay_layer_dipoles(ax, dpl, gid_ranges):
    """Draw the trial-averaged L2 and L5 dipoles over the raster, each scaled into its
    layer's pyramidal gid band (the y axis stays in gids)."""
    from hnn_netpyne.analysis.dipole import Dipole, average_dipoles

    if dpl is None:
        raise ParameterError("overlay_dipoles=True needs the dipoles: give dpl=...",
                             key="dpl", value=None)
    trials = [dpl] if isinstance(dpl, Dipole) else list(dpl)
    mean = average_dipoles(trials) if len(trials) > 1 else trials[0]
    for layer, population, color in (("L2", "L2_pyramidal", "tab:green"),
                                     ("L5", "L5_pyramidal", "tab:red")):
        if layer not in mean.data or population not in gid_ranges:
            continue
        first, stop = gid_ranges[population]
        trace = np.asarray(mean.data[layer], float)
        span = np.ptp(trace) or 1.0
        band = (stop - first) / 2.0
        centre = (first + stop) / 2.0
        ax.plot(mean.times, centre - (trace - trace.mean()) * band / span, color=color,
                lw=1.0, label=f"{layer} dipole")
    ax.set_title("Raster with the layers' dipoles")


def empty_raster(ax=None):
    """The raster's axes with no spikes in them (no cell fired); returns the figure."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(constrained_layout=True)
    ax.set_xlabel("Time (ms)")
    ax.set_ylabel("Cell (gid)")
    ax.set_title("No cell fired")
    return ax.figure
