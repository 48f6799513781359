"""A cell's sections drawn in 3-D from their end points (hnn-core's ``plot_morphology``)."""

import numpy as np


def plot_sections(sections, ax=None, color=None, pos=(0, 0, 0), xlim=(-250, 150),
                  ylim=(-100, 100), zlim=(-100, 1200), show=True):
    """Draw ``sections`` (name -> object with ``end_pts`` and ``diam``, µm) as 3-D lines.

    ``color`` is one colour or a dict of section -> colour (default blue);
    line widths follow the diameters; ``pos`` (µm) shifts the cell and the limits.

    Returns
    -------
    ax : mpl_toolkits.mplot3d.Axes3D
    """
    import matplotlib.pyplot as plt

    if ax is None:
        ax = plt.figure().add_subplot(projection="3d")
    colors = color if isinstance(color, dict) else {name: color or "b" for name in sections}
    for axis, offset, limits in (("x", pos[0], xlim), ("y", pos[1], ylim), ("z", pos[2], zlim)):
        getattr(ax, f"set_{axis}lim")(offset + limits[0], offset + limits[1])
    for name, sec in sections.items():
        x, y, z = (np.array(c) + p for c, p in zip(zip(*sec.end_pts), pos))
        ax.plot(x, y, z, "-", color=colors[name], linewidth=max(sec.diam / 4.0, 0.5))
    ax.view_init(0, -90)
    ax.axis("off")
    if show:
        plt.show()
    return ax
