"""Gid numbering of the column: the one place that says which cell has which gid.

NetPyNE numbers cells population by population, in the order of
``popParams``: first the cell types in the registry's order (hnn-core's
gid order), then the drives in the order they were added.
"""

from hnn_netpyne.cells.registry import cell_type_names


def population_size(pop_spec):
    """Number of cells of one popParams entry."""
    return len(pop_spec["cellsList"]) if "cellsList" in pop_spec else int(pop_spec["numCells"])


def gid_ranges(net_params):
    """Population -> [first gid, last gid + 1), in NetPyNE's creation order.

    Parameters
    ----------
    net_params : dict
        A netParams dictionary.

    Returns
    -------
    ranges : dict of str -> [int, int]
    """
    ranges, start = {}, 0
    for label, pop in net_params["popParams"].items():
        n = population_size(pop)
        ranges[label] = [start, start + n]
        start += n
    return ranges


def cell_gid_ranges(pop_sizes):
    """Cell type label -> range of its gids, given ``pop_sizes`` (cells per
    cell type): cell types come first, in the registry's order."""
    ranges, start = {}, 0
    for name in cell_type_names():
        ranges[name] = range(start, start + pop_sizes[name])
        start += pop_sizes[name]
    return ranges


def first_drive_gid(pop_sizes):
    """Gid of the first drive cell: the number of cells of all cell types.

    Parameters
    ----------
    pop_sizes : dict of str -> int
        Cells per cell type.
    """
    return sum(pop_sizes[name] for name in cell_type_names())
