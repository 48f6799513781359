"""Figures of a network's layout (hnn-core's ``plot_cells``)."""

from hnn_netpyne.analysis.plots import _finish
from hnn_netpyne.cells.registry import cell_types


def plot_cell_positions(pos_dict, ax=None, show=True):
    """Plot soma positions (µm) of the cell types and the drive origin in 3-D.

    Parameters
    ----------
    pos_dict : dict
        Population (hnn-core name) -> list of (x, y, z), with 'origin'.
    ax : mpl_toolkits.mplot3d.Axes3D | None
        3-D axes to draw in; a new figure if None.
    show : bool
        Call ``plt.show()``.

    Returns
    -------
    fig : matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    if ax is None:
        ax = plt.figure(constrained_layout=True).add_subplot(projection="3d")
    for record in cell_types():
        x, y, z = zip(*pos_dict[record.hnn_core_name])
        ax.scatter(x, y, z, color=record.color, label=record.hnn_core_name, s=12)
    ax.scatter(*pos_dict["origin"], color="black", marker="*", s=60, label="drive origin")
    ax.set_xlabel("x (µm)")
    ax.set_ylabel("y (µm)")
    ax.set_zlabel("z (µm)")
    ax.legend(fontsize="small")
    return _finish(ax, show)
