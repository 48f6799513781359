"""hnn-core's ``hnn_core.cell``: a cell's description (a face on :mod:`hnn_netpyne.cells.cell`)."""

from hnn_netpyne.cells.cell import Cell, Section, node_to_str

__all__ = ["Cell", "Section", "node_to_str"]
