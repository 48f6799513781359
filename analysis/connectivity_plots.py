"""Figures of a network's connections (hnn-core's ``plot_connectivity_matrix``,
``plot_cell_connectivity`` and ``plot_drive_strength``).

Weights follow the column's distance rule: ``A_weight * exp(-(d / (lamtha *
spacing))²)`` (µS) with ``d`` the in-plane distance (µm) between the somata
and ``spacing`` the grid spacing (µm); drives sit at the column origin.
"""

import numpy as np

from hnn_netpyne.errors import ParameterError


def _positions(net, population):
    """Soma positions (µm) of ``population``'s gids, in gid order (drives: the origin)."""
    pos = net.pos_dict
    if population in pos and population != "origin":
        return np.asarray(pos[population], float)
    return np.tile(np.asarray(pos["origin"], float), (len(net.gid_ranges[population]), 1))


def _connection(net, conn_idx):
    connectivity = net.connectivity
    if not isinstance(conn_idx, (int, np.integer)) or not 0 <= conn_idx < len(connectivity):
        raise ParameterError(f"conn_idx must index net.connectivity (0..{len(connectivity) - 1})",
                             key="conn_idx", value=conn_idx)
    return connectivity[conn_idx]


def pair_weights(net, conn):
    """(source index, target index, weight µS) of each gid pair of one connection."""
    spacing = net._spacing()[0]
    src_range, target_range = net.gid_ranges[conn["src_type"]], net.gid_ranges[conn["target_type"]]
    src_pos, target_pos = _positions(net, conn["src_type"]), _positions(net, conn["target_type"])
    nc = conn["nc_dict"]
    rows = []
    for src_gid, targets in conn["gid_pairs"].items():
        i = src_range.index(int(src_gid))
        for target_gid in targets:
            j = target_range.index(int(target_gid))
            distance = np.hypot(*(target_pos[j][:2] - src_pos[i][:2]))
            rows.append((i, j, nc["A_weight"] * np.exp(-(distance / (nc["lamtha"] * spacing)) ** 2)))
    return rows


def _colorbar(ax, image, label):
    from matplotlib.ticker import ScalarFormatter

    formatter = ScalarFormatter()
    formatter.set_powerlimits((-2, 2))
    bar = ax.figure.colorbar(image, ax=ax, format=formatter)
    bar.ax.set_ylabel(label, rotation=-90, va="bottom")


def _shown(fig, show):
    if show:
        import matplotlib.pyplot as plt

        plt.show()
    return fig


def plot_connectivity_matrix(net, conn_idx, ax=None, show_weight=True, colorbar=True,
                             colormap="Greys", show=True):
    """Source gids x target gids of ``net.connectivity[conn_idx]``: weight (µS) or 1."""
    import matplotlib.pyplot as plt

    conn = _connection(net, conn_idx)
    src_range, target_range = net.gid_ranges[conn["src_type"]], net.gid_ranges[conn["target_type"]]
    matrix = np.zeros((len(src_range), len(target_range)))
    for i, j, weight in pair_weights(net, conn):
        matrix[i, j] = weight if show_weight else 1.0
    if ax is None:
        _, ax = plt.subplots(constrained_layout=True)
    image = ax.imshow(matrix, cmap=colormap, interpolation="none")
    if colorbar:
        _colorbar(ax, image, "Weight (µS)" if show_weight else "Connected")
    ax.set_xlabel(f"{conn['target_type']} target gids ({target_range[0]}-{target_range[-1]})")
    ax.set_ylabel(f"{conn['src_type']} source gids ({src_range[0]}-{src_range[-1]})")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title(f"{conn['src_type']} -> {conn['target_type']} ({conn['loc']}, "
                 f"{conn['receptor']})")
    return _shown(ax.figure, show)


def plot_cell_connectivity(net, conn_idx, src_gid=None, axes=None, colorbar=True,
                           colormap="viridis", show=True):
    """Where one source cell's targets sit (x, y in µm), coloured by weight (µS).

    ``src_gid`` None takes the connection's first source; with two ``axes``
    the first shows the connection's sources (the chosen one outlined).
    """
    import matplotlib.pyplot as plt

    conn = _connection(net, conn_idx)
    sources = sorted(int(gid) for gid in conn["gid_pairs"])
    src_gid = sources[0] if src_gid is None else int(src_gid)
    if src_gid not in sources:
        raise ParameterError(f"src_gid must be a source of connection {conn_idx}",
                             key="src_gid", value=src_gid)
    if axes is None:
        _, axes = plt.subplots(1, 2 if conn["src_type"] in net.cell_types else 1,
                               constrained_layout=True, squeeze=False)
        axes = list(axes[0])
    axes = list(np.atleast_1d(axes))
    ax = axes[-1]
    src_range = net.gid_ranges[conn["src_type"]]
    src_pos, target_pos = _positions(net, conn["src_type"]), _positions(net, conn["target_type"])
    chosen = [(j, w) for i, j, w in pair_weights(net, conn) if src_range[i] == src_gid]
    ax.scatter(target_pos[:, 0], target_pos[:, 1], color="k", marker="x", s=20, zorder=-1)
    image = ax.scatter([target_pos[j][0] for j, _ in chosen], [target_pos[j][1] for j, _ in chosen],
                       c=[w for _, w in chosen], s=50, cmap=colormap)
    here = src_pos[src_range.index(src_gid)]
    ax.scatter(here[0], here[1], marker="s", color="red", s=150)
    ax.set_xlabel("x (µm)")
    ax.set_ylabel("y (µm)")
    if len(axes) > 1:
        valid = np.array([src_pos[src_range.index(gid)] for gid in sources])
        axes[0].scatter(src_pos[:, 0], src_pos[:, 1], marker="s", color="red", s=50, alpha=0.2)
        axes[0].scatter(valid[:, 0], valid[:, 1], marker="s", color="red", s=50)
        axes[0].set_title(f"{conn['src_type']} sources")
    if colorbar:
        _colorbar(ax, image, "Weight (µS)")
    ax.figure.suptitle(f"{conn['src_type']} -> {conn['target_type']} ({conn['loc']}, "
                       f"{conn['receptor']}), source gid {src_gid}")
    return _shown(ax.figure, show)


def drive_strengths(net, show_weight=True):
    """(drive names, cell types, matrix): summed weight (µS), or connection count, of each
    drive onto each cell type."""
    drives = list(net.external_drives)
    cells = list(net.cell_types)
    matrix = np.zeros((len(drives), len(cells)))
    for conn in net.connectivity:
        if conn["src_type"] in drives and conn["target_type"] in cells:
            row, column = drives.index(conn["src_type"]), cells.index(conn["target_type"])
            matrix[row, column] += sum(w if show_weight else 1.0
                                       for _, _, w in pair_weights(net, conn))
    return drives, cells, matrix


def plot_drive_strength(net, show_weight=True, ax=None, colorbar=True, color_scale="linear",
                        normalize=True, show=True):
    """Heat map of each drive's summed weight (µS) onto each cell type.

    ``normalize`` rescales to 0..1; ``color_scale`` 'log' shows log(1 + value).
    """
    import matplotlib.pyplot as plt

    if color_scale not in ("linear", "log"):
        raise ParameterError("color_scale must be 'linear' or 'log'", key="color_scale",
                             value=color_scale)
    drives, cells, matrix = drive_strengths(net, show_weight)
    if normalize and matrix.max() > matrix.min():
        matrix = (matrix - matrix.min()) / (matrix.max() - matrix.min())
    if color_scale == "log":
        matrix = np.log1p(matrix)
    if ax is None:
        _, ax = plt.subplots(figsize=(10, 5), constrained_layout=True)
    image = ax.imshow(matrix, cmap="viridis", aspect="auto", interpolation="nearest")
    if colorbar:
        ax.figure.colorbar(image, ax=ax)
    ax.set_xticks(np.arange(len(cells)), cells, rotation=45, ha="right")
    ax.set_yticks(np.arange(len(drives)), drives)
    ax.set_xlabel("Cell type")
    ax.set_ylabel("Drive")
    ax.set_title("Drive strengths (" + ("relative, 0-1" if normalize else
                                        "µS" if show_weight else "connections") + ")")
    for (row, column), value in np.ndenumerate(matrix):
        ax.text(column, row, f"{value:.2f}", ha="center", va="center",
                color="black" if value > 0.7 * matrix.max() else "white")
    return _shown(ax.figure, show)
