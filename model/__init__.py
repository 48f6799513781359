"""From HNN parameters to NetPyNE specifications."""

from hnn_netpyne.model.params import load_params, read_params
from hnn_netpyne.model.specs import build_net_params, build_sim_config

__all__ = ["build_net_params", "build_sim_config", "load_params", "read_params"]
