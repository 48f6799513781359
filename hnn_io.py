"""hnn-core's ``hnn_core.hnn_io``: networks to and from JSON files and dicts (a face
on :mod:`hnn_netpyne.network_io` and :mod:`hnn_netpyne.network_config`)."""

from hnn_netpyne.network_config import dict_to_network, read_network_configuration
from hnn_netpyne.network_io import network_to_dict, write_network_configuration

__all__ = ["dict_to_network", "network_to_dict", "read_network_configuration",
           "write_network_configuration"]
