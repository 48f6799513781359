"""Soma positions of HNN's cells (µm).

Pyramidal cells sit on an ``n_x`` × ``n_y`` grid in the x-y plane, L5 at
z = 0 and L2/3 one layer separation above. Basket cells take every third
grid column on alternate rows, one third as many as pyramidal cells, at 20 %
(L5) and 80 % (L2/3) of the layer separation. Drive sources all sit at the
column origin: the grid centre, half-way up.
"""

import itertools

import numpy as np

from hnn_netpyne.cells.registry import cell_types
from hnn_netpyne.checks import check_range, validate_type
from hnn_netpyne.errors import ParameterError

INPLANE_DISTANCE_UM = 1.0
LAYER_SEPARATION_UM = 1307.4
MAX_MESH_SIDE = 1000
"""Largest grid side: 10^6 pyramidal cells per layer, far beyond any HNN use."""


def check_mesh_shape(mesh_shape, name="mesh_shape"):
    """The grid shape as [n_x, n_y], each an integer from 1 to :data:`MAX_MESH_SIDE`.

    Raises
    ------
    ParameterError
        If ``mesh_shape`` is not two such integers.
    """
    validate_type(mesh_shape, (list, tuple), name, "a pair of integers (n_x, n_y)")
    try:
        if len(mesh_shape) != 2:
            raise ParameterError("two sides")
        return [check_range(name, n, 1, MAX_MESH_SIDE, integer=True) for n in mesh_shape]
    except ParameterError:
        raise ParameterError(f"{name} must be two integers (n_x, n_y) from 1 to {MAX_MESH_SIDE}",
                             key=name, value=mesh_shape) from None


def pyramidal_positions(mesh_shape, z_um, inplane_um=INPLANE_DISTANCE_UM):
    """Grid positions of one layer's pyramidal cells, x-major.

    Parameters
    ----------
    mesh_shape : (int, int)
        Grid size (n_x, n_y).
    z_um : float
        Depth of the layer.
    inplane_um : float
        Grid spacing.

    Returns
    -------
    positions : list of [x, y, z]
    """
    xs = np.arange(mesh_shape[0]) * inplane_um
    ys = np.arange(mesh_shape[1]) * inplane_um
    return [[float(x), float(y), float(z_um)] for x, y in itertools.product(xs, ys)]


def basket_positions(mesh_shape, z_um, inplane_um=INPLANE_DISTANCE_UM):
    """Positions of one layer's basket cells, ordered by y.

    Columns 0, 3, 6, ... on even rows and 1, 4, 7, ... on odd rows.
    """
    n_x, n_y = mesh_shape
    even = itertools.product(np.arange(0, n_x, 3) * inplane_um, np.arange(0, n_y, 2) * inplane_um)
    odd = itertools.product(np.arange(1, n_x, 3) * inplane_um, np.arange(1, n_y, 2) * inplane_um)
    xy = sorted(list(even) + list(odd), key=lambda pos: pos[1])
    return [[float(x), float(y), float(z_um)] for x, y in xy]


def column_origin(mesh_shape, inplane_um=INPLANE_DISTANCE_UM, layer_um=LAYER_SEPARATION_UM):
    """Position of every drive source: grid centre at half the layer separation."""
    xs = np.arange(mesh_shape[0]) * inplane_um
    ys = np.arange(mesh_shape[1]) * inplane_um
    return [
        float(xs[(len(xs) - 1) // 2]),
        float(ys[(len(ys) - 1) // 2]),
        float(np.floor(layer_um / 2)),
    ]


GRID_POSITIONS = {"pyramidal": pyramidal_positions, "basket": basket_positions}
"""Soma layout (a cell type's ``grid``) -> function of (mesh_shape, z_um, inplane_um)."""


def cell_positions(mesh_shape, layer_um=LAYER_SEPARATION_UM, inplane_um=INPLANE_DISTANCE_UM):
    """Soma positions of every registered cell type.

    Each type takes its ``grid`` layout (spacing ``inplane_um``, µm) at its
    ``depth`` times the layer separation ``layer_um`` (µm).

    Returns
    -------
    positions : dict of str -> list of [x, y, z]
        Keyed by cell type, in gid order.
    """
    return {ct.name: GRID_POSITIONS[ct.grid](mesh_shape, ct.depth * layer_um, inplane_um)
            for ct in cell_types()}
