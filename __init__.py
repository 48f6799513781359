"""hnn-netpyne: the Human Neocortical Neurosolver circuit as a NetPyNE model.

The network of Jones et al. (2009) and Neymotin et al. (2020), declared as
NetPyNE specifications and checked against hnn-core 0.6.1.
"""

__version__ = "0.1.0"

from hnn_netpyne.api import (  # noqa: E402 -- after __version__, which setup.cfg reads
    PARAM_DIR,
    CellResponse,
    Dipole,
    JoblibBackend,
    MPIBackend,
    Network,
    Params,
    add_erp_drives_to_jones_model,
    average_dipoles,
    calcium_model,
    default_network,
    jones_2009_model,
    law_2021_model,
    neymotin_2020_model,
    read_params,
    simulate_dipole,
    simulate_netpyne,
)

__all__ = [
    "PARAM_DIR",
    "CellResponse",
    "Dipole",
    "JoblibBackend",
    "MPIBackend",
    "Network",
    "Params",
    "add_erp_drives_to_jones_model",
    "average_dipoles",
    "calcium_model",
    "default_network",
    "jones_2009_model",
    "law_2021_model",
    "neymotin_2020_model",
    "read_params",
    "simulate_dipole",
    "simulate_netpyne",
]
