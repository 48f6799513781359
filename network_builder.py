"""hnn-core's ``hnn_core.network_builder``: here only its mechanism loader (a face on
:mod:`hnn_netpyne.runtime.mechanisms`); NetPyNE builds the networks."""

from hnn_netpyne.runtime.mechanisms import load_custom_mechanisms

__all__ = ["load_custom_mechanisms"]
