"""HNN's cell types as NetPyNE cell rules, described by one registry.

Every fact about a cell type is in its record in
:mod:`hnn_netpyne.cells.registry`; the names below read it.
"""

from hnn_netpyne.cells.registry import (
    CellType,
    cell_rules,
    cell_type,
    cell_type_names,
    cell_types,
    hnn_core_names,
    is_drive,
    register,
    synaptic_mechanisms,
    unregister,
)
from hnn_netpyne.cells.synapses import synapse_label


def __getattr__(name):
    """``CELL_TYPES`` and ``HNN_CORE_NAMES``: the registry as it is now.

    Kept for code written against the former constants; new code calls
    :func:`cell_type_names` and :func:`hnn_core_names`.
    """
    if name == "CELL_TYPES":
        return cell_type_names()
    if name == "HNN_CORE_NAMES":
        return hnn_core_names()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "CellType",
    "cell_rules",
    "cell_type",
    "cell_type_names",
    "cell_types",
    "hnn_core_names",
    "is_drive",
    "register",
    "synapse_label",
    "synaptic_mechanisms",
    "unregister",
]
