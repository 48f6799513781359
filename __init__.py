"""hnn-netpyne: the Human Neocortical Neurosolver circuit as a NetPyNE model.

The network of Jones et al. (2009) and Neymotin et al. (2020), declared as
NetPyNE specifications and checked against hnn-core 0.6.1.
"""

__version__ = "0.1.0"

from hnn_netpyne.runtime.console import quiet_neuron_without_display
from hnn_netpyne.runtime.deferred_imports import defer_netpyne_extras

quiet_neuron_without_display()
defer_netpyne_extras()

from hnn_netpyne.api import *  # noqa: E402,F401,F403 -- the public API (see api.py)
from hnn_netpyne.api import __all__ as _api_names  # noqa: E402
from hnn_netpyne.parallel_backends import JoblibBackend, MPIBackend  # noqa: E402,F401

__all__ = sorted(_api_names + ["JoblibBackend", "MPIBackend"])
