"""Figures of a network's layout (hnn-core's ``plot_cells``)."""

from hnn_netpyne.analysis.plots import _finish
from hnn_netpyne.cells.registry import cell_types
from hnn_netpyne.model.positions import INPLANE_DISTANCE_UM


def plot_cell_positions(pos_dict, ax=None, show=True, inplane_um=INPLANE_DISTANCE_UM):
    """Plot soma positions (µm) of the cell types and the drive origin in 3-D.

    x and y are grid positions times the in-plane spacing: 1 µm by default
    (hnn-core's), so the x-y axes count grid steps, not tissue distances; z
    is the real depth (L2/3 somata 1307.4 µm above L5's).

    Parameters
    ----------
    pos_dict : dict
        Population (hnn-core name) -> list of (x, y, z), with 'origin'.
    inplane_um : float
        The grid spacing (µm) behind the positions, named in the x-y labels.
    ax : mpl_toolkits.mplot3d.Axes3D | None
        3-D axes to draw in; a new figure if None.
    show : bool
        Call ``plt.show()``.

    Returns
    -------
    fig : matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    if ax is None:
        ax = plt.figure(constrained_layout=True).add_subplot(projection="3d")
    for record in cell_types():
        x, y, z = zip(*pos_dict[record.hnn_core_name])
        ax.scatter(x, y, z, color=record.color, label=record.hnn_core_name, s=12)
    ax.scatter(*pos_dict["origin"], color="black", marker="*", s=60, label="drive origin")
    step = f"grid step {inplane_um:g} µm"
    ax.set_xlabel(f"x (µm; {step})")
    ax.set_ylabel(f"y (µm; {step})")
    ax.set_zlabel("z (µm)")
    for axis in (ax.xaxis, ax.yaxis):  # somata sit on whole grid steps
        axis.set_major_locator(MaxNLocator(integer=True))
    ax.figure.legend(fontsize="small", loc="outside right upper")  # clear of the panes
    return _finish(ax, show)
