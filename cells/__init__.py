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
    hnn_core_name,
    hnn_core_names,
    is_drive,
    label_of,
    register,
    synaptic_mechanisms,
    unregister,
)
from hnn_netpyne.cells.synapses import synapse_label


__all__ = [
    "CellType",
    "cell_rules",
    "cell_type",
    "cell_type_names",
    "cell_types",
    "hnn_core_name",
    "hnn_core_names",
    "is_drive",
    "label_of",
    "register",
    "synapse_label",
    "synaptic_mechanisms",
    "unregister",
]
