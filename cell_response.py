"""hnn-core's ``hnn_core.cell_response``: spikes and recordings of a run (a face
on :mod:`hnn_netpyne.analysis.cell_response`)."""

from hnn_netpyne.analysis.cell_response import CellResponse, read_spikes

__all__ = ["CellResponse", "read_spikes"]
