"""hnn-core's ``hnn_core.extracellular``: electrode arrays and their CSD (a face on
:mod:`hnn_netpyne.analysis.extracellular`)."""

from hnn_netpyne.analysis.extracellular import ExtracellularArray, calculate_csd2d

__all__ = ["ExtracellularArray", "calculate_csd2d"]
