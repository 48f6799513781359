"""Simulation configuration of the HNN column (NetPyNE's ``cfg``).

By default this is the seed scenario (hnn-core's MPI example). Run options
given to ``init.py`` (``--preset erp --tstop 100 ...``, see
``hnn-netpyne run --help``) change it; the NetPyNE GUI imports it as is.
"""

from netpyne import specs

from hnn_netpyne.cli import config_options, options_from_argv
from hnn_netpyne.model.specs import build_sim_config

cfg = specs.SimConfig(build_sim_config(**config_options(options_from_argv())))
