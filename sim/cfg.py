"""Simulation configuration of the HNN column (NetPyNE's ``cfg``).

By default this is the seed scenario (hnn-core's MPI example). The run
options given to ``init.py`` (``--preset erp --tstop 100 ...``, see
``hnn-netpyne run --help``) change it; imported by anything else (the
NetPyNE GUI, a notebook) it reads no command line and is the default.
"""

from netpyne import specs

from hnn_netpyne.cli import sim_config
from hnn_netpyne.runtime.options import script_options

cfg = specs.SimConfig(sim_config(script_options()))
