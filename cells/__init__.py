"""HNN's four cell types as NetPyNE cell rules."""

from hnn_netpyne.cells.basket import basket_rule
from hnn_netpyne.cells.pyramidal import l2_pyramidal_rule, l5_pyramidal_rule
from hnn_netpyne.cells.synapses import synaptic_mechanisms, synapse_label

CELL_TYPES = ("L2Basket", "L2Pyr", "L5Basket", "L5Pyr")
"""Cell types in hnn-core's gid order."""

HNN_CORE_NAMES = {
    "L2Basket": "L2_basket",
    "L2Pyr": "L2_pyramidal",
    "L5Basket": "L5_basket",
    "L5Pyr": "L5_pyramidal",
}
"""hnn-core's long name of each cell type."""


def cell_rules(params):
    """The four cellParams rules, keyed by cell type.

    Parameters
    ----------
    params : dict
        Validated HNN parameter set.
    """
    return {
        "L2Basket": basket_rule("L2Basket"),
        "L2Pyr": l2_pyramidal_rule(params),
        "L5Basket": basket_rule("L5Basket"),
        "L5Pyr": l5_pyramidal_rule(params),
    }


__all__ = [
    "CELL_TYPES",
    "HNN_CORE_NAMES",
    "cell_rules",
    "synaptic_mechanisms",
    "synapse_label",
]
