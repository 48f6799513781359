"""hnn-core's default cells (``cells_default``): a model's cell type as a :class:`Cell`.

Each is read from the cell rules a :class:`~hnn_netpyne.network.Network`
of that model makes (with ``override_params`` over the default
parameters), so it describes exactly the cell that simulations use.
"""

from hnn_netpyne.cells.cell import Cell
from hnn_netpyne.errors import ParameterError

PYRAMIDAL = {"L2_pyramidal": "L2Pyr", "L5_pyramidal": "L5Pyr"}
BASKET = {"L2_basket": "L2Basket", "L5_basket": "L5Basket"}


def _model_cell(label, cell_name, pos, override_params, gid, model="neymotin_2020"):
    """The Cell of cell type ``label`` in ``model``, named ``cell_name`` at ``pos`` (µm)."""
    from hnn_netpyne.network import Network
    from hnn_netpyne.network_io import cell_dict

    net = Network(dict(override_params or {}) or None, mesh_shape=(1, 1), model=model)
    _, net_params = net.to_netpyne()
    cell = Cell.from_dict(dict(cell_dict(label, net_params["cellParams"][label],
                                         net_params["synMechParams"]), name=cell_name))
    cell.pos = tuple(pos)
    if gid is not None:
        cell.gid = gid
    return cell


def _label(cell_name, choices, function):
    if cell_name not in choices and cell_name not in choices.values():
        raise ParameterError(f"{function} makes {sorted(choices)}", key="cell_name",
                             value=cell_name)
    return choices.get(cell_name, cell_name)


def pyramidal(cell_name, pos=(0, 0, 0), override_params=None, gid=None):
    """An L2/3 or L5 pyramidal cell ('L2_pyramidal' or 'L5_pyramidal') of the
    Jones 2009 / Neymotin 2020 model; ``override_params`` are HNN parameters
    (e.g. ``{'L5Pyr_soma_L': 40.}``) over the defaults; ``pos`` in µm."""
    return _model_cell(_label(cell_name, PYRAMIDAL, "pyramidal"), cell_name, pos,
                       override_params, gid)


def pyramidal_ca(cell_name, pos, override_params=None, gid=None):
    """The calcium model's L5 pyramidal cell (``calcium_model``'s dendritic calcium)."""
    return _model_cell(_label(cell_name, {"L5_pyramidal": "L5Pyr"}, "pyramidal_ca"),
                       cell_name, pos, override_params, gid, model="calcium")


def basket(cell_name, pos=(0, 0, 0), gid=None):
    """An L2/3 or L5 basket cell ('L2_basket' or 'L5_basket'); ``pos`` in µm."""
    return _model_cell(_label(cell_name, BASKET, "basket"), cell_name, pos, None, gid)
