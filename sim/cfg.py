"""Simulation configuration of the HNN column (NetPyNE's ``cfg``).

By default this is the seed scenario (hnn-core's MPI example). Run options
given to ``init.py`` (``--preset erp --tstop 100 ...``, see
``hnn-netpyne run --help``) change it; the NetPyNE GUI imports it as is.
"""

from netpyne import specs

from hnn_netpyne.cli import options_from_argv, sim_config

cfg = specs.SimConfig(sim_config(options_from_argv()))
