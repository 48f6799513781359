"""Simulation configuration of the HNN column (NetPyNE's ``cfg``).

By default this is the seed scenario (hnn-core's MPI example). The run
options given to ``init.py`` (``--preset erp --tstop 100 ...``, see
``hnn-netpyne run --help``) change it; imported by anything else (the
NetPyNE GUI, a notebook) it reads no command line and is the default, on
the solver NetPyNE's own runner can use (NEURON's, one thread).
"""

from netpyne import specs

from hnn_netpyne.cli import sim_config
from hnn_netpyne.model.solver import for_netpyne_runner
from hnn_netpyne.runtime.options import running_script, script_options

_fields = sim_config(script_options())
# Without init.py, NetPyNE's own runner simulates (see model/solver.py).
cfg = specs.SimConfig(_fields if running_script() else for_netpyne_runner(_fields))
