"""hnn-core's ``hnn_core.dipole``: simulate and read dipoles (a face on
:mod:`hnn_netpyne.api` and :mod:`hnn_netpyne.analysis.dipole`)."""

from hnn_netpyne.analysis.dipole import Dipole, average_dipoles, read_dipole
from hnn_netpyne.api import simulate_dipole

__all__ = ["Dipole", "average_dipoles", "read_dipole", "simulate_dipole"]
